"""Reading lessons: across branches, by words, category subtree, cause, branch and month."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints import workflow
from kesu.customers.tests.factories import CustomerFactory
from kesu.lessons.models import Lesson
from kesu.lessons.selectors import (
    category_from_label,
    category_line,
    category_subtree,
    closing_summary,
    lesson_of,
    lesson_rows,
    lessons_search,
    lessons_shared_in,
    lessons_similar,
    lessons_visible_to,
    linkable_complaints,
    may_read_lessons,
    month_bounds,
    top_of,
)
from kesu.lessons.tests.conftest import category, closed
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def lessons(world):
    """Three lessons: engine (east), body (west), a sales promise (east, service manner)."""
    return {
        "engine": closed(
            world,
            category=category(world, "vehicle.engine"),
            cause="product_quality",
            share=("发动机异响没有一次修好", "第一次维修就做路试确认"),
        ).lesson,
        "body": closed(
            world,
            branch_users=world.other_users,
            customer=CustomerFactory(organisation=world.org, branch=world.other_branch),
            category=category(world, "vehicle.body"),
            cause="product_quality",
            share=("车身漆面色差", "交车前在日光下检查漆面"),
        ).lesson,
        "promise": closed(
            world,
            category=category(world, "sales.promise"),
            cause="service_manner",
            share=("承诺的赠品没有兑现", "赠品写进合同"),
        ).lesson,
    }


@pytest.mark.parametrize("role", Role.values)
def test_everyone_reads_every_branchs_lessons(world, lessons, role):
    for users in (world.users, world.other_users):
        if role in users:
            assert set(lessons_visible_to(users[role])) == set(lessons.values())
    assert may_read_lessons(world.user(role))


def test_nobody_outside_the_organisation_reads_them(world, lessons):
    stranger = UserFactory(organisation=OrganisationFactory(), role=Role.DIRECTOR)
    assert not lessons_visible_to(stranger).exists()
    nobody = UserFactory(organisation=None, role=Role.ADMIN)
    assert not lessons_visible_to(nobody).exists()
    assert not may_read_lessons(nobody)


def test_by_words_in_title_text_or_advice(world, lessons):
    user = world.user(Role.FRONTLINE)
    assert list(lessons_search(user, words="路试")) == [lessons["engine"]]  # advice
    assert list(lessons_search(user, words="色差")) == [lessons["body"]]  # title
    assert set(lessons_search(user, words="张紧器")) == set(lessons.values())  # the summary
    assert list(lessons_search(user, words="赠品 合同")) == [lessons["promise"]]  # every word
    assert list(lessons_search(user, words="赠品 漆面")) == []


def test_by_category_and_everything_under_it(world, lessons):
    user = world.user(Role.FRONTLINE)
    vehicle = category(world, "vehicle")
    assert set(lessons_search(user, category=vehicle)) == {lessons["engine"], lessons["body"]}
    assert list(lessons_search(user, category=category(world, "vehicle.engine"))) == [
        lessons["engine"]
    ]
    assert set(category_subtree(vehicle)) >= {
        vehicle.pk,
        category(world, "vehicle.engine").pk,
    }


def test_by_cause_branch_and_month(world, lessons):
    user = world.user(Role.GROUP)
    assert list(lessons_search(user, cause="service_manner")) == [lessons["promise"]]
    assert list(lessons_search(user, branch_id=world.other_branch.pk)) == [lessons["body"]]
    this_month = timezone.localdate().replace(day=1)
    assert set(lessons_search(user, month=this_month)) == set(lessons.values())
    Lesson.objects.filter(pk=lessons["engine"].pk).update(
        marked_at=timezone.make_aware(datetime(2025, 3, 31, 23, 30))
    )
    assert list(lessons_search(user, month=date(2025, 3, 1))) == [lessons["engine"]]
    assert list(lessons_shared_in(world.org.pk, date(2025, 3, 1))) == [lessons["engine"]]
    assert not lessons_search(user, month=date(2025, 4, 1)).exists()


def test_month_bounds_are_local_and_roll_over_the_year():
    start, end = month_bounds(date(2026, 12, 1))
    assert timezone.localtime(start).date() == date(2026, 12, 1)
    assert timezone.localtime(end).date() == date(2027, 1, 1)


def test_similar_lessons_follow_the_line_of_the_tree(world, lessons):
    user = world.user(Role.FRONTLINE)
    engine = category(world, "vehicle.engine")
    # A lesson filed under the top category counts for the categories under it too.
    closed(world, category=category(world, "vehicle"), share=("车辆通用", "通用建议"))
    top_lesson = Lesson.objects.get(title="车辆通用")
    assert lessons_similar(user, engine) == [top_lesson, lessons["engine"]]
    assert set(category_line(engine)) == {engine.pk, category(world, "vehicle").pk}
    # A complaint's own lesson is not among its similar ones; another's is, newest first.
    complaint = lessons["engine"].complaint
    assert lessons_similar(user, complaint) == [top_lesson]
    # Not the sibling's (vehicle.body), nor without a category.
    assert lessons["body"] not in lessons_similar(user, engine)
    assert lessons_similar(user, world.complaint()) == []
    assert len(lessons_similar(user, engine, limit=1)) == 1
    assert top_of(engine) == category(world, "vehicle")
    assert top_of(category(world, "vehicle")) == category(world, "vehicle")


def test_a_complaint_links_only_where_the_reader_may_open_it(world, lessons):
    every = list(lessons.values())
    east, west = lessons["engine"].complaint_id, lessons["body"].complaint_id
    promise = lessons["promise"].complaint_id
    assert linkable_complaints(world.user(Role.FRONTLINE), every) == {east, promise}
    assert linkable_complaints(world.other_users[Role.FRONTLINE], every) == {west}
    assert linkable_complaints(world.user(Role.GROUP), every) == {east, west, promise}
    assert linkable_complaints(world.user(Role.GROUP), []) == set()


def test_rows_carry_the_number_and_nothing_of_the_customer(world, lessons):
    with CaptureQueriesContext(connection) as queries:
        rows = list(lesson_rows(lessons_visible_to(world.user(Role.FRONTLINE))))
        for row in rows:
            assert row.complaint_number.startswith("KS-")
            str(row.branch), str(row.marked_by), row.category and str(row.category)
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "customers_customer" not in sql
    assert [r.pk for r in rows] == sorted((r.pk for r in rows), reverse=True)


def test_the_closing_summary_and_the_lesson_of_a_complaint(world, lessons):
    complaint = lessons["engine"].complaint
    assert closing_summary(complaint) == "更换张紧器后异响消失。"
    assert lesson_of(complaint) == lessons["engine"]
    assert closing_summary(world.complaint()) == ""
    assert lesson_of(world.complaint()) is None
    workflow.complaint_reopen(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), reason="又响了"
    )
    assert closing_summary(complaint) == "更换张紧器后异响消失。"  # the last close's


def test_the_intake_names_a_category_by_its_path(world):
    engine = category(world, "vehicle.engine")
    label = f"{engine.parent.name} › {engine.name}"
    assert category_from_label(world.org.pk, label) == engine
    assert category_from_label(world.org.pk, engine.parent.name) == engine.parent
    assert category_from_label(world.org.pk, engine.name) is None  # not the whole path
    assert category_from_label(world.org.pk, "") is None
