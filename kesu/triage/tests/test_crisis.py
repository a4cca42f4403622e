"""kesu/triage/crisis.py: kinds, the words and where they are, negations, mentions that are
not threats."""

import pytest

from kesu.triage.crisis import KINDS, CrisisSignal, detect_crisis


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("再不解决我就去找电视台", "media"),
        ("你们等着上3·15晚会吧", "media"),
        ("等着上315吧", "media"),
        ("我拍个视频发抖音让大家评评理", "social"),
        ("今晚在快手上直播你们的服务", "social"),
        ("我要在小红书上写避雷帖", "social"),
        ("明天去市场监管局举报你们", "regulator"),
        ("我直接打12315", "regulator"),
        ("我要打一二三一五", "regulator"),
        ("不退钱就找消协", "regulator"),
        ("咱们法庭见", "legal"),
        ("我已经请好律师了", "legal"),
        ("我会起诉你们", "legal"),
        ("不给说法就在你们店门口拉横幅", "protest"),
        ("我们几个车主周六一起来店门口讨说法", "protest"),
        ("我发的视频已经十几万播放量了", "spreading"),
        ("帖子上热搜了", "spreading"),
    ],
)
def test_each_kind(text, kind):
    assert kind in detect_crisis(text).kinds


def test_every_kind_is_known():
    assert set(KINDS) == {"media", "social", "regulator", "legal", "protest", "spreading"}


def test_the_words_and_their_spans():
    text = "我要发抖音曝光你们"
    signal = detect_crisis(text)
    assert signal.kinds == ("media", "social")
    assert signal.words == ("发抖音", "曝光")
    assert [text[a:b] for a, b in signal.spans] == ["发抖音", "曝光"]
    assert signal.as_data() == [
        {"kind": "social", "words": "发抖音"},
        {"kind": "media", "words": "曝光"},
    ]


def test_spans_point_into_the_original_text_after_normalising():
    # Full-width digits, a typo of the pinyin keyboard, upper case: normalised length for length.
    text = "我要去１２３１５头诉，再发B站"
    signal = detect_crisis(text)
    assert {"regulator", "social"} <= set(signal.kinds)
    assert all(
        text[a:b] == t.words for t, (a, b) in zip(signal.triggers, signal.spans, strict=True)
    )
    assert "去１２３１５" in signal.words


@pytest.mark.parametrize(
    "text",
    [
        "我不想闹到法院，只希望按合同办",
        "我也没打算曝光，就是想把车修好",
        "我不会去12315的",
        "我不是要上媒体，只想要个解释",
        "我不打算找律师，协商解决",
        "没想过要去12315，大家好好商量",
    ],
)
def test_negations(text):
    assert not detect_crisis(text)


def test_a_condition_is_not_a_negation():
    assert detect_crisis("不给我退车我就去法院起诉")
    assert detect_crisis("再不处理，我就发微博")


@pytest.mark.parametrize(
    "text",
    [
        "从汽车之家看到的优惠，到店价格不一样",
        "律师朋友推荐来买车",
        "看了电视广告说有补贴",
        "我在抖音上看到你们的直播价格",
        "你们的直播间说有赠品",
        "我同事在电视台工作",
        "我在网上预约的保养",
        "12315这个号码贴在你们墙上",
        "我把行车记录仪的视频发给服务顾问了",
        "我要告诉你们经理",
        "钣金喷漆收费太贵",
        "报告出来了吗",
        "发动机异响，修了三次没修好，要求换车",
    ],
)
def test_mentions_that_are_not_threats(text):
    assert not detect_crisis(text), detect_crisis(text).words


def test_one_clause_only():
    # 律师 in one sentence, 找 in the next: no threat.
    assert not detect_crisis("我要找。律师说这车没问题")


def test_empty_and_long_texts():
    assert detect_crisis("") == CrisisSignal()
    assert not detect_crisis("，。！")
    long = "发动机异响，修了很多次都没有修好，" * 1500 + "我要去12315"
    signal = detect_crisis(long)
    assert not signal  # past MAX_TEXT characters the text is not read
    assert detect_crisis(long[-200:])


def test_no_pattern_matches_nothing():
    """An empty alternative (a stray "|") would flag every text."""
    from kesu.triage import crisis

    patterns = [*crisis._ACT_RE.values(), *crisis._TARGET_RE.values()]
    assert all(p.search("") is None for p in patterns)
    assert not detect_crisis("两个人看了我的车，都说没问题")
