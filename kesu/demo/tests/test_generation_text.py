"""The texts generated complaints draw on: the 12365auto summaries when the file is there, else
the built-in phrases, each with the category its problem code or keywords point to."""

import csv

from kesu.complaints.defaults import install_defaults
from kesu.complaints.models import Category
from kesu.demo.generation_text import (
    BUILTIN_TITLES,
    BUILTIN_VEHICLES,
    KEYWORD_CATEGORY,
    LETTER_CATEGORY,
    Vehicle,
    _category_for,
    load_sources,
)
from kesu.organisation.tests.factories import OrganisationFactory


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["brand", "car_model", "type", "desc", "problem"])
        writer.writeheader()
        writer.writerows(rows)


def test_a_vehicles_product_leaves_out_empty_parts():
    assert Vehicle("大众", "朗逸", "2025款 1.5L").product == "大众 朗逸 2025款 1.5L"
    assert Vehicle("大众", "朗逸", "").product == "大众 朗逸"
    assert Vehicle("", "", "").product == ""


def test_the_problem_code_decides_the_category_before_the_keywords():
    assert _category_for("E12,A3", "发动机异响") == LETTER_CATEGORY["E"] == "vehicle.brakes"
    assert _category_for(" ,Z9, K2", "") == "aftersales.charges"
    assert _category_for("", "变速箱顿挫，发动机抖动") == "vehicle.engine"
    assert _category_for("Z1", "销售态度很差") == "manner"
    assert _category_for("", "不知道说什么") == "other"


def test_summaries_are_read_from_the_csv_and_blank_ones_skipped(tmp_path):
    path = tmp_path / "complaints.csv"
    _write(
        path,
        [
            {"brand": " 大众 ", "car_model": "朗逸", "type": "", "desc": "刹车异响", "problem": ""},
            {"brand": "丰田", "car_model": "卡罗拉", "type": "", "desc": "  ", "problem": "A1"},
            {
                "brand": "本田",
                "car_model": "思域",
                "type": "1.5T",
                "desc": "x" * 300,
                "problem": "A1",
            },
        ],
    )
    sources, where = load_sources(path)
    assert where == str(path)
    assert len(sources) == 2
    first, second = sources
    assert (first.title, first.category, first.vehicle.product) == (
        "刹车异响",
        "vehicle.brakes",
        "大众 朗逸",
    )
    assert len(second.title) == 200 and second.category == "vehicle.engine"


def test_without_the_file_or_with_nothing_in_it_the_built_in_phrases_are_used(tmp_path):
    sources, where = load_sources(tmp_path / "missing.csv")
    assert where == "built-in phrases"
    assert len(sources) == len(BUILTIN_VEHICLES) * len(BUILTIN_TITLES)
    empty = tmp_path / "empty.csv"
    _write(empty, [{"brand": "大众", "car_model": "", "type": "", "desc": "", "problem": ""}])
    assert load_sources(empty)[1] == "built-in phrases"


def test_every_category_named_exists_in_the_default_tree(db):
    organisation = OrganisationFactory()
    install_defaults(organisation)
    codes = set(Category.objects.filter(organisation=organisation).values_list("code", flat=True))
    named = set(LETTER_CATEGORY.values()) | {c for _k, c in KEYWORD_CATEGORY}
    named |= {category for _title, category in BUILTIN_TITLES}
    assert named - {"other"} <= codes, sorted(named - codes)
