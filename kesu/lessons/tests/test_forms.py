"""The lesson form and the filters of the lessons page and API."""

from datetime import date

from kesu.lessons.forms import LessonFilterForm, LessonForm
from kesu.lessons.tests.conftest import category
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import BranchFactory, OrganisationFactory


def test_the_lesson_form_counts_a_line_break_as_one_character():
    form = LessonForm({"title": "标题", "text": "a\r\n" * 1666 + "ab", "advice": ""})
    assert form.is_valid(), form.errors  # 1666 × 2 + 2 = 5000 characters once CRLF is LF
    assert not LessonForm({"title": "", "text": "x"}).is_valid()
    assert not LessonForm({"title": "题" * 121}).is_valid()


def test_valid_filters(world):
    engine = category(world, "vehicle.engine")
    form = LessonFilterForm(
        {
            "q": " 异响 ",
            "category": str(engine.pk),
            "cause": "product_quality",
            "branch": str(world.other_branch.pk),
            "month": "2026-11",
        },
        user=world.user(Role.FRONTLINE),
    )
    assert form.is_valid(), form.errors
    assert form.filters() == {
        "category": engine,
        "cause": "product_quality",
        "words": "异响",
        "branch_id": world.other_branch.pk,
        "month": date(2026, 11, 1),
    }


def test_invalid_filters_are_left_out_and_said_so(world):
    foreign = BranchFactory(organisation=OrganisationFactory())
    form = LessonFilterForm(
        {
            "category": "abc",
            "cause": "nope",
            "branch": str(foreign.pk),
            "month": "2026-13",
            "q": "刹车",
        },
        user=world.user(Role.FRONTLINE),
    )
    assert not form.is_valid()
    assert set(form.errors) == {"category", "cause", "branch", "month"}
    assert form.filters() == {
        "category": None,
        "cause": "",
        "words": "刹车",
        "branch_id": None,
        "month": None,
    }


def test_no_filters(world):
    form = LessonFilterForm({}, user=world.user(Role.FRONTLINE))
    assert form.is_valid()
    assert form.filters()["category"] is None and form.filters()["month"] is None
