from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.organisation.models import Organisation
from kesu.portal.selectors import (
    CUSTOMER_STATES,
    case_view,
    complaint_for_customer,
    portal_branch,
    portal_organisation,
)
from kesu.portal.services import portal_actor

from .conftest import OTHER_PHONE, PHONE


def test_every_state_has_words_for_the_customer():
    assert set(CUSTOMER_STATES) == set(State.values)


def test_the_portal_serves_the_configured_organisation(world, settings):
    other = Organisation.objects.create(name="别家", code="other-org")
    assert portal_organisation() == world.org
    settings.KESU_PORTAL_ORGANISATION = "other-org"
    assert portal_organisation() == other
    assert portal_branch(other, "east") is None


def test_a_complaint_is_found_only_with_its_customers_phone(world):
    complaint = world.complaint()
    phone = complaint.customer.phone
    assert complaint_for_customer(world.org, complaint.number.lower(), phone) == complaint
    assert complaint_for_customer(world.org, complaint.number, OTHER_PHONE) is None
    assert complaint_for_customer(world.org, "KS-0000-000000", phone) is None


def test_the_case_shows_the_promise_and_the_steps_done(world, django_assert_max_num_queries):
    complaint = world.complaint()
    with django_assert_max_num_queries(6):
        view = case_view(complaint)
    assert view.promised == complaint.due_at
    assert [s for _l, s in view.steps] == ["current", "", "", "", ""]
    assert view.may_add
    Complaint.objects.filter(pk=complaint.pk).update(state=State.CLOSED)
    complaint.refresh_from_db()
    view = case_view(complaint)
    assert view.promised is None and [s for _l, s in view.steps] == ["done"] * 5
    assert [str(label) for label, _s in view.steps][-1] == "Closed"
    assert view.may_rate and not view.may_add
    Complaint.objects.filter(pk=complaint.pk).update(state=State.RESOLVED)
    complaint.refresh_from_db()
    assert [s for _l, s in case_view(complaint).steps] == ["done", "done", "done", "current", ""]


def test_what_the_customer_added_is_told_apart_from_what_staff_shared(world):
    from kesu.complaints.services import complaint_add_note

    complaint = world.complaint()
    complaint_add_note(complaint_id=complaint.pk, actor=portal_actor(world.branch), text="我补充")
    complaint_add_note(
        complaint_id=complaint.pk,
        actor=world.users["handler"],
        text="已安排",
        shared_with_customer=True,
    )
    view = case_view(complaint)
    assert [n.text for n in view.added] == ["我补充"]
    assert [n.text for n in view.shared] == ["已安排"]
    assert PHONE  # the shared fixtures module is used
