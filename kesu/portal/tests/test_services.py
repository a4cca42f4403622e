import pytest
from django.core.exceptions import ValidationError

from kesu.callbacks.models import SurveyResponse
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_add_note
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.portal.services import (
    file_complaint,
    is_portal_actor,
    portal_actor,
    portal_survey,
    rate,
)
from kesu.reports.selectors import Report, _surveys

from .conftest import PHONE, jpeg


def test_the_portal_actor_cannot_sign_in_and_is_made_once(world):
    actor = portal_actor(world.branch)
    assert not actor.is_active and not actor.has_usable_password()
    assert actor.branch == world.branch and is_portal_actor(actor)
    assert portal_actor(world.branch) == actor
    assert not is_portal_actor(world.users[Role.FRONTLINE])


def test_filing_refuses_a_kind_other_than_complaint_or_suggestion(world):
    with pytest.raises(ValidationError) as refused:
        file_complaint(
            branch=world.branch, phone=PHONE, name="李", kind="praise", title="t", account="a"
        )
    assert "kind" in refused.value.message_dict


def test_too_many_photos_are_refused_before_anything_is_written(world):
    with pytest.raises(ValidationError) as refused:
        file_complaint(
            branch=world.branch,
            phone=PHONE,
            name="李",
            kind="suggestion",
            title="建议",
            account="多开一个休息区",
            uploads=[jpeg(f"p{i}.jpg") for i in range(6)],
        )
    assert "photos" in refused.value.message_dict
    assert not Complaint.objects.exists()


def test_a_suggestion_is_filed_as_one(world):
    complaint = file_complaint(
        branch=world.branch, phone=PHONE, name="李", kind="suggestion", title="建议", account="a"
    )
    assert complaint.kind == "suggestion" and complaint.channel == "web"


def test_the_rating_counts_in_the_monthly_reports_satisfaction(world):
    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer)
    Complaint.objects.filter(pk=complaint.pk).update(state=State.CLOSED)
    complaint.refresh_from_db()
    rate(complaint=complaint, score="5", comment="")
    report = Report.__new__(Report)
    _surveys(report, Complaint.objects.filter(pk=complaint.pk), (complaint.pk, complaint.pk))
    assert report.csat_answers == 1 and report.csat == 100.0
    assert SurveyResponse.objects.get().survey == portal_survey(world.org.pk)


def test_sharing_a_note_flags_its_entry_and_calls_the_hook(world):
    from kesu.complaints import hooks

    seen = []
    hooks.note_shared.register(lambda complaint, entry: seen.append((complaint.pk, entry.pk)))
    try:
        complaint = world.complaint()
        entry = complaint_add_note(
            complaint_id=complaint.pk,
            actor=world.users[Role.HANDLER],
            text="已联系厂家",
            shared_with_customer=True,
        )
        internal = complaint_add_note(
            complaint_id=complaint.pk, actor=world.users[Role.HANDLER], text="内部"
        )
    finally:
        hooks.note_shared._receivers.pop()
    assert entry.data["shared_with_customer"] is True
    assert "shared_with_customer" not in internal.data
    assert seen == [(complaint.pk, entry.pk)]


def test_the_text_with_the_new_number_is_on_the_complaints_page_and_timeline(
    world, texts, django_capture_on_commit_callbacks
):
    from kesu.audit.models import AuditEntry
    from kesu.mailboxes.choices import MailAction
    from kesu.mailboxes.models import CustomerMessage

    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(
            branch=world.branch, phone=PHONE, name="李", kind="complaint", title="异响", account="a"
        )
    ((to, text),) = [t for t in texts if complaint.number in t[1]]
    (message,) = CustomerMessage.objects.filter(complaint=complaint)
    assert (message.kind, message.channel, message.to) == ("acknowledgement", "sms", to)
    assert message.body == text and message.status == "sent" and message.sent_at
    assert AuditEntry.objects.filter(
        complaint_id=complaint.pk, action=MailAction.TOLD_BY_SMS, data__message=message.pk
    ).exists()


def test_filing_in_english_makes_the_customer_english_without_changing_a_chosen_language(world):
    complaint = file_complaint(
        branch=world.branch,
        phone=PHONE,
        name="Amy",
        kind="complaint",
        title="Brakes",
        account="They squeal",
        language="en",
    )
    assert complaint.customer.language == "en"
    complaint.customer.language = "zh-hans"
    complaint.customer.save()
    again = file_complaint(
        branch=world.branch, phone=PHONE, name="Amy", kind="complaint", title="t", account="a"
    )
    again.customer.refresh_from_db()
    assert again.customer == complaint.customer and again.customer.language == "zh-hans"
