"""Sharing a case as a lesson: at the close, afterwards from the complaint, editing, taking back."""

import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.checklist import ticked_items
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import tick_required
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.customers.tests.factories import CustomerFactory
from kesu.lessons.choices import LessonAction
from kesu.lessons.models import Lesson
from kesu.lessons.services import lesson_mark, lesson_unmark, may_mark, names_the_customer
from kesu.lessons.tests.conftest import category, closed
from kesu.organisation.choices import Role


def _entries(complaint, *actions):
    return list(
        AuditEntry.objects.filter(complaint_id=complaint.pk, action__in=actions)
        .order_by("seq")
        .values_list("action", "data")
    )


def test_the_closer_shares_the_case_as_a_lesson_in_the_close(world, shared):
    # Given a complaint closed with "share as a lesson" ticked (the shared fixture)
    lesson = shared.lesson
    # Then the lesson holds the title, the summary as its text and the advice, and copies
    # what it is searched by from the complaint
    assert lesson.title == "张紧器批次问题"
    assert lesson.text == "更换张紧器后异响消失。"
    assert lesson.advice == "保养时检查同批次张紧器"
    assert lesson.category.code == "vehicle.engine"
    assert lesson.cause == "product_quality"
    assert lesson.branch == world.branch and lesson.organisation == world.org
    assert lesson.department_id == shared.department_id
    assert lesson.marked_by == world.user(Role.DIRECTOR)
    assert "张紧" in lesson.search_grams.split()
    # And the timeline records the close, then the lesson (nothing of it in the close's entry)
    actions = [a for a, _d in _entries(shared, "close", LessonAction.MARKED)]
    assert actions == ["close", LessonAction.MARKED]
    close_data = _entries(shared, "close")[0][1]
    assert "lesson_title" not in close_data
    marked = _entries(shared, LessonAction.MARKED)[0][1]
    assert marked["lesson_title"] == "张紧器批次问题" and marked["lesson_id"] == lesson.pk
    # And the checklist's "shared the lesson with managers" is ticked by it
    assert "lesson" in ticked_items(shared)
    # And the complaint's version counts only the close
    assert shared.version == Complaint.objects.get(pk=shared.pk).version


def test_a_lesson_without_a_title_refuses_the_close_and_nothing_is_kept(world):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    director = world.user(Role.DIRECTOR)
    tick_required(complaint, "close", director)
    with pytest.raises(ValidationError) as exc:
        workflow.complaint_close(
            complaint_id=complaint.pk, actor=director, summary="已处理", share_as_lesson=True
        )
    assert "lesson_title" in exc.value.error_dict
    complaint.refresh_from_db()
    assert complaint.state == State.VERIFIED
    assert not Lesson.objects.exists()


def test_a_lesson_at_the_close_needs_a_summary_or_advice(world):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    director = world.user(Role.DIRECTOR)
    tick_required(complaint, "close", director)
    with pytest.raises(ValidationError) as exc:
        # The organisation in the world does not require the summary (only its tick).
        workflow.complaint_close(
            complaint_id=complaint.pk,
            actor=director,
            summary="",
            share_as_lesson=True,
            lesson_title="标题",
        )
    errors = exc.value.error_dict
    assert "lesson_advice" in errors or "summary" in errors


def test_naming_the_customer_at_the_close_is_refused_on_the_close_forms_field(world):
    customer = CustomerFactory(organisation=world.org, name="张建华", phone="+8613911112222")
    complaint = world.complaint(customer=customer)
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    director = world.user(Role.DIRECTOR)
    tick_required(complaint, "close", director)
    with pytest.raises(ValidationError) as exc:
        workflow.complaint_close(
            complaint_id=complaint.pk,
            actor=director,
            summary="张建华先生已接受方案",
            share_as_lesson=True,
            lesson_title="张紧器",
            lesson_advice="回访时拨打 139-1111-2222",
        )
    assert set(exc.value.error_dict) == {"summary", "lesson_advice"}
    complaint.refresh_from_db()
    assert complaint.state == State.VERIFIED  # the close was refused with the lesson


def test_names_the_customer(world):
    customer = CustomerFactory(organisation=world.org, name="李娜", phone="+8613911112222")
    complaint = world.complaint(customer=customer)
    assert names_the_customer("客户李娜来电", complaint)
    assert names_the_customer("电话 139 1111 2222", complaint)
    assert names_the_customer("电话13911112222", complaint)
    assert not names_the_customer("客户来电，电话已记录", complaint)
    assert not names_the_customer("", complaint)


@pytest.mark.parametrize(
    "text",
    ["车牌京A·D1234的车", "京AD1234", "粤B 12345 进店", "沪A-F12345", "VIN LSVAU2180N2123456",
     "另一位客户 13800138000 也来电"],
)  # fmt: skip
def test_no_plate_vin_or_mobile_of_anyone(world, text):
    assert names_the_customer(text, world.complaint())


@pytest.mark.parametrize(
    "text", ["保养后 3 天复发", "2026年11月批次", "ABS 故障灯亮", "12万公里更换刹车片"]
)
def test_ordinary_words_and_numbers_pass(world, text):
    assert not names_the_customer(text, world.complaint())


@pytest.mark.parametrize("role", [Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER])
def test_managers_share_a_closed_complaint_afterwards(world, role):
    complaint = closed(world, department=world.service)
    lesson = lesson_mark(
        complaint_id=complaint.pk, actor=world.user(role), title="事后分享", advice="下次先检查"
    )
    assert lesson.marked_by == world.user(role)
    assert [a for a, _d in _entries(complaint, LessonAction.MARKED)] == [LessonAction.MARKED]


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.CALLBACK, Role.GROUP, Role.ADMIN])
def test_other_roles_may_not_share(world, role):
    complaint = closed(world)
    with pytest.raises(NotAllowed):
        lesson_mark(complaint_id=complaint.pk, actor=world.user(role), title="不行", advice="不行")
    assert not Lesson.objects.exists()


def test_another_branchs_complaint_is_not_found(world):
    complaint = closed(world)
    with pytest.raises(NotFound):
        lesson_mark(
            complaint_id=complaint.pk,
            actor=world.other_users[Role.DIRECTOR],
            title="别的门店",
            advice="不行",
        )


def test_only_a_closed_complaint_is_shared(world):
    complaint = world.complaint()
    with pytest.raises(InvalidState):
        lesson_mark(
            complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), title="未结案", advice="x"
        )
    assert not may_mark(world.user(Role.DIRECTOR), complaint)


def test_editing_records_the_changes_and_keeps_when_it_was_shared(world, shared):
    lesson = shared.lesson
    first_marked = lesson.marked_at
    edited = lesson_mark(
        complaint_id=shared.pk,
        actor=world.user(Role.GENERAL_MANAGER),
        title="张紧器批次问题（已召回）",
        text=lesson.text,
        advice=lesson.advice,
    )
    assert edited.pk == lesson.pk and edited.marked_at == first_marked
    assert edited.title == "张紧器批次问题（已召回）"
    assert "召回" in edited.search_grams.split()
    ((_action, data),) = _entries(shared, LessonAction.CHANGED)
    assert data["changes"] == {"title": ["张紧器批次问题", "张紧器批次问题（已召回）"]}
    # Saving it unchanged writes nothing.
    lesson_mark(
        complaint_id=shared.pk,
        actor=world.user(Role.DIRECTOR),
        title=edited.title,
        text=edited.text,
        advice=edited.advice,
    )
    assert len(_entries(shared, LessonAction.CHANGED)) == 1


def test_a_lesson_is_edited_and_taken_back_after_a_reopen(world, shared):
    workflow.complaint_reopen(
        complaint_id=shared.pk, actor=world.user(Role.DIRECTOR), reason="客户又来电"
    )
    assert may_mark(world.user(Role.DIRECTOR), Complaint.objects.get(pk=shared.pk))
    lesson_unmark(complaint_id=shared.pk, actor=world.user(Role.DIRECTOR))
    assert not Lesson.objects.exists()


def test_taking_a_lesson_back_keeps_its_entry_on_the_timeline(world, shared):
    lesson_pk = shared.lesson.pk
    lesson_unmark(complaint_id=shared.pk, actor=world.user(Role.HANDLER))
    assert not Lesson.objects.filter(pk=lesson_pk).exists()
    ((_action, data),) = _entries(shared, LessonAction.UNMARKED)
    assert data == {"lesson_id": lesson_pk, "lesson_title": "张紧器批次问题"}
    with pytest.raises(NotFound):
        lesson_unmark(complaint_id=shared.pk, actor=world.user(Role.HANDLER))


def test_the_texts_have_limits(world):
    complaint = closed(world)
    with pytest.raises(ValidationError) as exc:
        lesson_mark(
            complaint_id=complaint.pk,
            actor=world.user(Role.DIRECTOR),
            title="题" * 121,
            advice="长" * 5001,
        )
    assert set(exc.value.error_dict) == {"title", "advice"}
    assert "120" in exc.value.error_dict["title"][0].messages[0]


def test_a_lesson_copies_the_category_again_when_edited(world, shared):
    Complaint.objects.filter(pk=shared.pk).update(category=category(world, "vehicle.body"))
    edited = lesson_mark(
        complaint_id=shared.pk,
        actor=world.user(Role.DIRECTOR),
        title=shared.lesson.title,
        text=shared.lesson.text,
        advice=shared.lesson.advice,
    )
    assert edited.category.code == "vehicle.body"


def test_verify_audit_stays_clean(world, shared):
    from django.core.management import call_command

    lesson_unmark(complaint_id=shared.pk, actor=world.user(Role.DIRECTOR))
    call_command("verify_audit", verbosity=0)
