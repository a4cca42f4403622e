from kesu.emerging.similarity import Weights, pieces, product_key, title_pieces


def test_the_model_is_the_product_without_year_and_trim():
    assert product_key("上汽大众 朗逸 2023款 1.5L 自动 满逸版") == "上汽大众 朗逸"
    assert product_key("比亚迪 宋PLUS DM-i 2023款 110KM") == "比亚迪 宋PLUS DM-i"
    assert product_key("朗逸") == "朗逸"
    assert product_key("2023款 朗逸") == "2023款 朗逸"
    assert product_key("") == ""


def test_pieces_are_character_pairs_without_spaces():
    assert {"正时", "链条", "条异"} <= pieces("正时链条异响", "")
    assert title_pieces("冷启动") == {"冷启", "启动"}


def test_rare_shared_pieces_weigh_more_than_common_ones():
    docs = [pieces(t, "") for t in ["发动机异响", "发动机漏油", "发动机抖动", "正时链条异响"]]
    w = Weights(docs)
    assert w.of("链条") > w.of("发动")
    a, b = pieces("冷启动正时链条异响", ""), pieces("正时链条哗哗响", "")
    c = pieces("空调不制冷", "")
    ab = w.cosine(a, b, w.norm(a), w.norm(b))
    ac = w.cosine(a, c, w.norm(a), w.norm(c))
    assert ac == 0 < ab <= 1
    assert w.cosine(a, frozenset(), w.norm(a), 0.0) == 0.0
