"""Crisis detection: does a complaint's text threaten the media, social platforms, regulators,
lawyers or courts, a protest on site, or say the complaint is already spreading online?

Not a keyword list: a *target* (电视台, 抖音, 12315, 法院, …) counts only with a cue that makes it
a threat — a verb towards it before it (去找电视台, 发抖音, 打12315, 向消协) or an action after it
(微博上曝光, 12345反映过了, 车质网上投诉) — a few characters apart at most and in one clause. Some
phrases are threats by themselves (曝光, 起诉, 打官司, 律师函, 拉横幅, 静坐, 上热搜, 播放量十几万).
A negation just before (不想闹到法院, 没打算曝光, 不会去12315) or a mention that is not a threat
(从汽车之家看到的优惠, 律师朋友推荐, 看了电视广告, 你们的直播间) does not count.

Plain regular expressions over the text, compiled once: a few microseconds per complaint, so it
runs at every registration. docs/triage.md, "Crisis detection", has the method and figures.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

MEDIA = "media"
SOCIAL = "social"
REGULATOR = "regulator"
LEGAL = "legal"
PROTEST = "protest"
SPREADING = "spreading"
KINDS = (MEDIA, SOCIAL, REGULATOR, LEGAL, PROTEST, SPREADING)

MAX_TEXT = 20_000  # longer accounts are read up to here


@dataclass(frozen=True)
class Trigger:
    """One finding: its kind, the words that triggered it and where they are in the text."""

    kind: str
    words: str
    start: int
    end: int


@dataclass(frozen=True)
class CrisisSignal:
    triggers: tuple[Trigger, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.triggers)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds found, in the order of KINDS."""
        found = {t.kind for t in self.triggers}
        return tuple(k for k in KINDS if k in found)

    @property
    def words(self) -> tuple[str, ...]:
        """The triggering words, each once, in the order they appear."""
        return tuple(dict.fromkeys(t.words for t in self.triggers))

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return tuple((t.start, t.end) for t in self.triggers)

    def as_data(self) -> list[dict]:
        """What a complaint stores (JSON): one {"kind", "words"} per distinct finding."""
        seen = dict.fromkeys((t.kind, t.words) for t in self.triggers)
        return [{"kind": kind, "words": words} for kind, words in seen]


# -- normalising, length for length so that spans point into the original text -------------

_SAME_LENGTH_FIXES = (
    # Common slips of the pinyin keyboard and spelt-out numbers.
    ("一二三一五", "12315"),
    ("幺二三幺五", "12315"),
    ("一二三四五", "12345"),
    ("三一五", "315"),
    ("抖因", "抖音"),
    ("斗音", "抖音"),
    ("头诉", "投诉"),
    ("投述", "投诉"),
    ("起述", "起诉"),
    ("起素", "起诉"),
    ("法厅", "法庭"),
    ("微薄", "微博"),
    ("曝管", "曝光"),
    ("暴光", "曝光"),
    ("报光", "曝光"),
    ("找记着", "找记者"),
    ("联系记着", "联系记者"),
    ("小红薯", "小红书"),
    ("律室", "律师"),
)


def _normalise(text: str) -> str:
    chars = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        chars.append(n.lower() if len(n) == 1 else ch.lower() if len(ch.lower()) == 1 else ch)
    out = "".join(chars)
    for wrong, right in _SAME_LENGTH_FIXES:
        if wrong in out:
            out = out.replace(wrong, right)
    return out


# Clause ends: a cue and its target must be in one clause. A dot between digits (3.15) is not.
_CLAUSE_END = re.compile(r"[，。！？；,!?;\n\r…～~、：:()（）“”\"'【】《》\s]|(?<!\d)\.|\.(?!\d)")


# -- the vocabulary --------------------------------------------------------------------------

_TARGETS = {
    MEDIA: (
        r"记者|电视台|电视|报社|报纸|晚报|日报|都市报|央视|cctv|新闻(?:媒体|热线|栏目|频道)?|媒体"
        r"|(?:民生|新闻|财经|法制)?栏目|频道|(?<![\d])3[·.・•]?15(?!\d)(?:晚会)?|焦点访谈|电台"
        r"|(?:消费|维权|民生|新闻|法制|曝光)[^，。！？,!?]{0,2}节目|交通台|广播|新闻热线|报料热线|爆料"
        r"|博主|网红|up主|大v|主播"
    ),
    SOCIAL: (
        r"抖音|快手|微博|小红书|朋友圈|今日头条|头条|b站|哔哩哔哩|bilibili|视频号|直播(?!间)"
        r"|网上|网络上|互联网|论坛|贴吧|汽车之家|懂车帝|易车|黑猫投诉|黑猫|知乎|公众号|自媒体"
        r"|短视频|各大平台|全网|微信群|车友群|车主群|自媒体|各个?(?:汽车)?论坛|社交平台|网络平台"
    ),
    REGULATOR: (
        r"12315|12345|12365|市长热线|市民热线|便民热线|政务热线|市场监管(?:总局|局|部门|所)?"
        r"|市场监督(?:管理)?(?:局|部门|所)?|市监局|市监所|工商(?!银行)(?:局|所|部门)?|质监(?:局|部门)?"
        r"|质检局|技术监督局?|消协|消费者协会|消费者权益保护(?:协会|委员会)?|消保委|消委会|车质网"
        r"|媒体热线|(?:质量|消费|消费者|投诉|维权|监督|举报)(?:投诉)?热线|(?:有关|相关|政府|监管|主管|上级|执法|职能|质量监督|质量技术监督|物价)部门|市长信箱|省长信箱|纪委"
        r"|信访|物价局|工信部|通信管理局|交通局|运管|商务局|政府"
    ),
    LEGAL: r"律师(?:事务所)?|法院|法庭|公堂|仲裁|律师函|诉状|传票|起诉书",
}

# A verb towards the target, just before it (a few characters between at most).
_CUE_BEFORE = re.compile(
    r"(?:去|找|(?<![看收听遇想查搜刷得做说讲提不])到|打|拨打|拨|向|给|联系|发|寄|捅|告|叫|请|交给"
    r"|投诉|举报|反映|求助|委托|咨询|曝光|上传|传|挂|放|贴|写|让|登|闹|递交|提交|交|等着)"
)
# A plan to post there: 要在小红书上写…, 会在朋友圈里把…
_PLAN_IN = re.compile(r"(?:要|会|准备|打算|就|得|想)在$")
# "上" counts only right before the target: 上电视, 上抖音 (not 上次在直播间).
_UP_FRONT = re.compile(r"上$")
# An action after the target.
_CUE_AFTER = re.compile(
    r"(?:投诉|举报|反映|曝光|发帖|发文|发视频|发个|发|写|评理|评评理|讨说法|采访|调查|来查|查你们"
    r"|来拍|拍你们|见|立案|告|上传|直播你们|直播|维权|起诉|提交|申诉|登出来|登|报道|爆料|揭露"
    r"|避雷|挂你们|来处理|在准备|已经|已|寄|发了|写好|联系|(?:明天|马上|今天|很快)?(?:就|会|要)?(?:到|过来|来了))"
)
# After the target, before any action: the mention is not a threat.
_NOT_A_THREAT_AFTER = re.compile(
    r"^(?:[^，。！？,!?]{0,5}?)(?:看到|看了|看过|看的|看别人|看见|刷到|查到|查过|查了|搜到|搜了|预约|报名|推荐|广告"
    r"|宣传|活动|优惠|报价|评测|介绍|工作|上班|朋友|同学|旁边|附近|对面|那边|间|号码|贴在|说这|事务所"
    r"|上说|里说|有人说|都说|买的|下单|领的|抽奖|团购|(?:上|里)?(?:发|说|写|登|播|报道|贴)的|的是|的时候)"
)
_NOT_A_THREAT_BEFORE = re.compile(
    r"(?:看了|看过|看到|在看|从|据|听|你们的?|贵店的?|店里的?|(?<!让)你们的?[^，。！？,!?]{1,4}在)$"
)

# Phrases that are a threat by themselves.
_ACTS = {
    MEDIA: (
        r"曝光|曝(?:出来|出去)|被曝|捅(?:到|给|出去)|上(?:新闻|电视|报纸|头条新闻)|登报|登出来|(?:来|要|过来)采访"
        r"|让全国人民|上黑榜|(?:让|叫)(?:他们|记者|媒体)(?:过)?来(?:拍|采访|报道|曝光)"
    ),
    SOCIAL: (
        r"发帖|发(?:个|篇|条)帖子?|发文|避雷(?:贴|帖)?|长文"
        r"|让[^，。！？,!?]{0,6}(?:所有人|大家|全网|网友|粉丝|更多人|全城|所有朋友|身边的人|全世界"
        r"|全(?:县|市|省|镇|村|国)(?:的人)?)"
        r"[^，。！？,!?]{0,3}(?:看看|知道|评评理|评理|见识)|让(?:全网|全城|所有人|网友|大家|全国人民|更多人|所有朋友)"
        r"(?:的人)?(?:都)?(?:来)?(?:看看|知道|评评理|评理|看一看|见识)"
        r"|让网友|网友(?:来)?评理|网友评评理|开直播|直播你们|拍(?:个)?视频(?:曝光|上传)"
    ),
    REGULATOR: (
        r"(?:省里|市里|区里|县里|上面)(?:去)?(?:投诉|举报|反映|告)"
        r"|(?:投诉|告|反映|举报)到(?:省里|市里|区里|县里|上面|北京)"
    ),
    LEGAL: (
        r"起诉(?!离婚)|打官司|官司|诉讼|(?:法庭|法院|公堂)见|立案"
        r"|(?:法院|法庭|公堂)(?:里|上)?(?:说|谈|讲|解决|理论|评理)"
        r"|(?:法律|司法)(?:程序|途径|手段|武器|渠道)|追究[^，。！？,!?]{0,4}(?:法律)?责任"
        r"|(?:申请|提起)仲裁"
        r"|(?<![广报警忠公宣通预劝被])告(?!诉|知|白|别|辞|示|一段|状态)"
        r"(?:你们|你|他们|他|到|上|死|倒|得|赢|垮)"
        r"|(?:找|请|委托|咨询)(?:好|了|个)?(?:专业的?)?律师|上诉"
    ),
    PROTEST: (
        r"(?:拉|挂|打|举|做|印|准备|带|扯)[^，。！？,!?]{0,4}(?:横幅|条幅|标语|牌子)"
        r"|(?:横幅|条幅|标语)[^，。！？,!?]{0,4}(?:做好|印好|准备好|写好|拉起来|挂起来)"
        r"|(?:天天|每天|轮流)(?:都)?(?:来|去|到)[^，。！？,!?]{0,6}(?:坐|守|闹|蹲|堵)"
        r"|(?:店门口|门口|展厅)[^，。！？,!?]{0,4}(?:天天|每天|一直)?(?:按喇叭|鸣笛|喊|骂|闹|放鞭炮)"
        r"|(?:满城|满大街|全城|绕城)(?:跑|转|开|游)|贴(?:上|满)?[^，。！？,!?]{0,12}(?:开着|开车)"
        r"|堵(?:你们)?(?:的)?(?:店)?(?:大)?门|围堵|静坐|喷上|喷字"
        r"|砸(?:了)?(?:你们)?(?:的)?(?:车|店|展厅)|维权车队|组团.{0,6}维权|集体维权|举牌"
        r"|(?:喷漆|喷了字|贴满[^，。！？,!?]{0,4}).{0,6}(?:停|开|放|摆)(?:在|到)"
        r"|游行|(?:来|到|去)(?:你们)?(?:的)?(?:店里|店门口|门店|展厅|4s店|店)(?:里)?(?:大)?闹"
        r"(?!了点|了些|不愉快|矛盾|误会|别扭)|(?:建|拉|组|进)(?:了)?(?:个)?维权群"
        r"|(?:叫上|带上|带人|叫人|组团|车友|车主们|亲戚|家人|兄弟|朋友们|一群人|一帮人|几家人|全家"
        r"|一起|[十几两三四五六七八九]+个(?:车主|人))"
        r".{0,10}(?:来|去|到).{0,8}(?:店|门口|展厅|门店|厂家|总部|公司).{0,8}"
        r"(?:讨(?:个)?说法|维权|闹|堵|静坐)"
    ),
    SPREADING: (
        r"(?:播放|阅读|点赞|转发|转了|评论|浏览|观看|点击|留言|围观)(?:量|数)?(?:已经|都|已|也)?"
        r"(?:有|过|破|超过|上|达到|到了)?(?:[\d一二两三四五六七八九十几]*[百千万w]|\d{3,}"
        r"|[\d一二两三四五六七八九十百千万几]+(?:多|余)?(?:万|千|百|w|k|\+|加|次|条))"
        r"|[\d一二两三四五六七八九十百千万几]+(?:多|余)?(?:万|千|百|w|k|\+)?(?:次)?(?:播放|阅读|点赞|转发|浏览|观看|评论)"
        r"|热搜|热榜|上了?热门|同城热门|火了|刷屏|疯传|传开|都在传|传遍|大v|被转(?:发)?了?"
        r"|转载|声讨|沸沸扬扬|发酵|都炸了|炸了锅|全是骂|都在骂"
        r"|[\d一二两三四五六七八九十几好]*[万千百](?:多|余)?(?:个)?人(?:都)?(?:看了|看过|围观|转|转发|点赞|在转)"
        r"|(?:好多|很多|不少|大量|无数)人(?:都)?(?:在)?[^，。！？,!?]{0,6}(?:转|转发|分享)(?:我|了)"
        r"|网上(?:现在)?(?:都是|全是|到处是)[^，。！？,!?]{0,8}(?:帖子|视频|我|骂|这件事|这事)|炸锅|闹得[^，。！？,!?]{0,3}(?:人尽皆知|满城)"
        r"|粉丝[^，。！？,!?]{0,3}[\d一二两三四五六七八九十百千万几]+(?:万|千)"
        r"|(?:好多|很多|不少|大量|上千|上万|无数|好几百)(?:个)?(?:人|网友|车主)(?:都)?(?:在)?"
        r"(?:转发|评论|留言|点赞|声援|骂|声讨)"
        r"|网友(?:们)?(?:都|在|帮我|纷纷|炸锅)|视频下面|评论区"
        r"|已经(?:有)?[^，。！？,!?]{0,4}(?:媒体|记者|电视台|报社)[^，。！？,!?]{0,4}(?:联系|找|打电话给|来|加我)"
        r"|已经(?:把[^，。！？,!?]{0,8})?(?:发|放|挂|传)(?:了|到|在|上)?(?:了)?"
        r"(?:抖音|快手|微博|小红书|朋友圈|头条|b站|视频号|网上|论坛|汽车之家|懂车帝|黑猫)"
    ),
}

_NEGATIONS = re.compile(
    r"(?:不想|不会|不打算|没打算|没想|不准备|没准备|不是要|不是想|不要|不用|不至于|无意|不愿|"
    r"并不想|没有要|没必要|不必|不愿意|不希望|别|不去|不找|没去|没有去|没找|没有找|不再|"
    r"没时间|没空|懒得|不懂|不至于|犯不着)"
)
_CONDITIONAL = re.compile(r"就|否则|不然|那么|那我|便|还")

_TARGET_RE = {kind: re.compile(p) for kind, p in _TARGETS.items()}
_ACT_RE = {kind: re.compile(p) for kind, p in _ACTS.items()}

BEFORE = 6  # characters at most between a verb and its target
AFTER = 6  # and an action after it
NEGATION_REACH = 6


def detect_crisis(text: str) -> CrisisSignal:
    """The crisis signals in a complaint's text (title and account together, say)."""
    if not text:
        return CrisisSignal()
    original = text[:MAX_TEXT]
    norm = _normalise(original)
    ends = [m.start() for m in _CLAUSE_END.finditer(norm)]
    found: list[Trigger] = []
    for kind, pattern in _ACT_RE.items():
        for m in pattern.finditer(norm):
            lo, hi = _clause(ends, m.start(), m.end(), len(norm))
            if hi < m.end():  # a match across a clause end (only the wide protest pattern)
                continue
            if not _negated(norm, lo, m.start()):
                found.append(Trigger(kind, original[m.start() : m.end()], m.start(), m.end()))
    for kind, pattern in _TARGET_RE.items():
        for m in pattern.finditer(norm):
            trigger = _targeted(norm, original, ends, kind, m.start(), m.end())
            if trigger is not None:
                found.append(trigger)
    return CrisisSignal(tuple(_without_overlaps(found)))


def _clause(ends: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    i = bisect_right(ends, start - 1) - 1
    lo = ends[i] + 1 if i >= 0 else 0
    j = bisect_left(ends, start)
    hi = ends[j] if j < len(ends) else length
    return lo, hi


def _negated(norm: str, lo: int, start: int) -> bool:
    """A negation shortly before `start` in its clause, with no 就 (不给就…) in between."""
    window = norm[max(lo, start - NEGATION_REACH - 4) : start]
    negations = list(_NEGATIONS.finditer(window))
    if not negations:
        return False
    between = window[negations[-1].end() :]
    return len(between) <= NEGATION_REACH and not _CONDITIONAL.search(between)


def _targeted(norm, original, ends, kind, start, end) -> Trigger | None:
    """A target with a verb towards it before or an action after it, or None."""
    lo, hi = _clause(ends, start, end, len(norm))
    before = norm[max(lo, start - BEFORE - 3) : start]
    after = norm[end : min(hi, end + AFTER)]
    if _NOT_A_THREAT_BEFORE.search(before) or _NOT_A_THREAT_AFTER.search(norm[end:hi]):
        return None
    cue_start = None
    plan = _PLAN_IN.search(before)
    if plan:
        cue_start = start - len(before) + plan.start()
    elif _UP_FRONT.search(before):
        cue_start = start - 1
    else:
        cues = [c for c in _CUE_BEFORE.finditer(before) if c.end() >= len(before) - BEFORE]
        if cues:
            cue_start = start - len(before) + cues[-1].start()
    if cue_start is not None:
        if _negated(norm, lo, cue_start):
            return None
        return Trigger(kind, original[cue_start:end], cue_start, end)
    action = _CUE_AFTER.search(after)
    if action is None or _negated(norm, lo, start):
        return None
    stop = end + action.end()
    return Trigger(kind, original[start:stop], start, stop)


def _without_overlaps(found: list[Trigger]) -> list[Trigger]:
    """In the order of the text; of overlapping findings the longer one."""
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[Trigger] = []
    for t in found:
        if kept and t.start < kept[-1].end:
            if t.end - t.start > kept[-1].end - kept[-1].start:
                kept[-1] = t
            continue
        kept.append(t)
    return kept
