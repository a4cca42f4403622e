"""Signs that a complaint is irrational (非理性, seed 001 §2.2): the customer misreads the
service policy or expects clearly more than anything promised — the classic one a worn part
(brake pads, tyres, a battery, wiper blades) after a long use, demanded free or under warranty.

`detect_irrational(text)` reads the title and account and returns what it found, with the
words behind it; the severity suggestion (kesu/complaints/severity.py) makes such a complaint
irrational unless it is a crisis. It is a suggestion: staff change the severity with a reason.

The mileage and age bounds come from the family-car warranty rules (三包有效期 at least 2 years
or 50,000 km, 包修期 at least 3 years or 60,000 km): past 60,000 km or three years a worn part
is not a warranty matter.
"""

import re
import unicodedata
from dataclasses import dataclass

WEAR_PARTS = (
    "刹车片", "刹车盘", "制动片", "制动盘", "轮胎", "胎纹", "雨刮", "雨刷", "电瓶", "蓄电池",
    "火花塞", "离合片", "离合器片", "皮带", "滤芯", "机油", "灯泡", "减震", "避震", "球头",
)  # fmt: skip
FREE_DEMANDS = (
    "免费", "保修", "三包", "质保", "白换", "不花钱", "你们出钱", "厂家出钱", "赔", "换新",
)  # fmt: skip
# Expectations past any commitment, whatever the part.
EXCESSIVE = (
    # Not where it was promised ("销售承诺终身免费保养不兑现" is a promise not kept).
    re.compile(
        r"^(?!.*(?:承诺|答应|说好|合同|约定|保证)).*?((?:终身|一辈子|永久)(?:免费|保修|包换))", re.S
    ),
    re.compile(r"(?:不管|不论)(?:是)?什么原因.{0,6}(?:都)?(?:必须|得|要)(?:免费|给我换|赔)"),
    re.compile(r"(?:不让|不准|拒绝)(?:你们)?(?:检测|检查|拆检)"),
)
# Past these a worn part is no warranty matter (the warranty's 60,000 km and three years).
MILEAGE_KM = 60_000
YEARS = 3

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}  # fmt: skip
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
_KM = re.compile(_NUMBER + r"\s*(万|w|千)?\s*多?\s*(?:公里|km|千米)", re.IGNORECASE)
_AGE = re.compile(r"(?:用了|开了|买了|跑了|已经)\s*" + _NUMBER + r"\s*多?\s*年")


def _value(number: str) -> float:
    """12, 1.5, 十二, 二十, 五 → the number."""
    if number[0].isdigit():
        return float(number)
    if "十" in number:
        tens, _sep, ones = number.partition("十")
        return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    return float(_DIGITS.get(number, 0))


def _long_use(text: str) -> str:
    """The words saying the car (or part) has been used past the warranty, or ""."""
    for match in _KM.finditer(text):
        number, unit = match.group(1), (match.group(2) or "").lower()
        km = _value(number) * {"万": 10_000, "w": 10_000, "千": 1_000}.get(unit, 1)
        if km > MILEAGE_KM:
            return match.group(0)
    for match in _AGE.finditer(text):
        if _value(match.group(1)) > YEARS:
            return match.group(0)
    return ""


@dataclass(frozen=True)
class IrrationalSignal:
    words: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words)


def detect_irrational(text: str | None) -> IrrationalSignal:
    text = unicodedata.normalize("NFKC", text or "")[:20_000]
    found: list[str] = []
    part = next((p for p in WEAR_PARTS if p in text), "")
    demand = next((d for d in FREE_DEMANDS if d in text), "")
    use = _long_use(text) if part and demand else ""
    if use:
        found += [part, use.strip(), demand]
    for pattern in EXCESSIVE:
        match = pattern.search(text)
        words = match and (match.group(match.lastindex or 0))
        if words and words not in found:
            found.append(words)
    return IrrationalSignal(tuple(found))
