"""The irrational-claim signs: worn parts long past the warranty demanded free, expectations
past any commitment; and what is not one."""

import pytest

from kesu.triage.irrational import detect_irrational

IRRATIONAL = [
    ("刹车片用了12万公里磨损了，要求免费更换", ("刹车片", "12万公里", "免费")),
    ("车开了十二万公里，刹车片磨没了，你们必须免费换", ("刹车片", "十二万公里", "免费")),
    ("轮胎用了五年磨损了，要求三包换新", ("轮胎", "用了五年", "三包")),
    ("电瓶用了4年没电了，要求保修", ("电瓶", "用了4年", "保修")),
    ("跑了8.5万公里雨刮不好用了，你们得白换", ("雨刮", "8.5万公里", "白换")),
    ("我要终身免费保养", ("终身免费",)),
    ("不管什么原因都必须免费给我换", ("不管什么原因都必须免费",)),
    ("我不让你们检测，直接换新车", ("不让你们检测",)),
]
ORDINARY = [
    "新车刹车片异响，要求免费更换",  # a new car: a warranty matter
    "刹车片刚换了一个月就异响，要求检查",
    "开了12万公里的老车，刹车片磨损，想预约更换",  # nothing demanded free
    "变速箱顿挫，开了8万公里，要求免费维修",  # not a worn part
    "销售承诺终身免费保养不兑现",  # promised: a promise not kept
    "轮胎用了两年就鼓包，要求三包",  # within the warranty's years
    "",
]


@pytest.mark.parametrize(("text", "words"), IRRATIONAL)
def test_irrational_claims_are_found_with_their_words(text, words):
    assert detect_irrational(text).words == words


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_complaints_are_not(text):
    assert not detect_irrational(text)


def test_full_width_digits_and_odd_input():
    assert detect_irrational("刹车片用了１２万公里，要求免费换")
    assert not detect_irrational(None)
    assert not detect_irrational("\x00" * 10)
