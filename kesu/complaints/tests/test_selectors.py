"""Reads of kesu/complaints/selectors.py: who sees what, overdue counts, one case's parts."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kesu.complaints import selectors
from kesu.complaints.choices import State
from kesu.complaints.models import Category, Complaint
from kesu.complaints.services import complaint_add_note, complaint_attach
from kesu.core.errors import NotFound
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory, UserFactory

NOW = timezone.make_aware(datetime(2026, 5, 4, 10, 0))


@pytest.fixture
def cases(world):
    """An east case in the service department, one in sales, one at the west branch."""
    service = world.complaint(title="售后")
    Complaint.objects.filter(pk=service.pk).update(department=world.service)
    sales = world.complaint(title="销售")
    Complaint.objects.filter(pk=sales.pk).update(department=world.sales)
    west = world.complaint(
        actor=world.other_users[Role.FRONTLINE], customer=CustomerFactory(organisation=world.org)
    )
    return {"service": service.pk, "sales": sales.pk, "west": west.pk}


def _seen(user) -> set[int]:
    return set(selectors.complaints_visible_to(user).values_list("pk", flat=True))


def test_the_group_sees_every_branch_a_branch_its_own(world, cases):
    assert _seen(world.user(Role.GROUP)) == set(cases.values())
    assert _seen(world.user(Role.ADMIN)) == set(cases.values())
    assert _seen(world.user(Role.DIRECTOR)) == {cases["service"], cases["sales"]}
    assert _seen(world.other_users[Role.DIRECTOR]) == {cases["west"]}


def test_a_handler_sees_their_department_and_the_cases_they_own(world, cases):
    handler = world.user(Role.HANDLER)
    assert _seen(handler) == {cases["service"]}
    Complaint.objects.filter(pk=cases["sales"]).update(owner=handler)
    assert _seen(handler) == {cases["service"], cases["sales"]}


def test_without_a_branch_only_owned_cases_and_without_an_organisation_nothing(world, cases):
    loose = UserFactory(organisation=world.org, branch=None, role=Role.FRONTLINE)
    assert _seen(loose) == set()
    Complaint.objects.filter(pk=cases["west"]).update(owner=loose)
    assert _seen(loose) == {cases["west"]}
    assert _seen(UserFactory(organisation=None, branch=None)) == set()
    assert _seen(AnonymousUser()) == set()


def test_a_superuser_of_no_organisation_sees_everything(world, cases):
    root = UserFactory(organisation=None, branch=None, is_superuser=True)
    assert _seen(root) == set(cases.values())


def test_another_organisation_sees_none_of_it(world, cases):
    other = OrganisationFactory()
    assert _seen(UserFactory(organisation=other, branch=None, role=Role.GROUP)) == set()


def test_complaint_get_and_detail_refuse_what_is_not_seen(world, cases):
    director = world.user(Role.DIRECTOR)
    assert selectors.complaint_get(director, cases["service"]).pk == cases["service"]
    assert selectors.complaint_detail(director, cases["sales"]).pk == cases["sales"]
    for pk in [cases["west"], 999_999, "abc", None]:
        with pytest.raises(NotFound):
            selectors.complaint_get(director, pk)
        with pytest.raises(NotFound):
            selectors.complaint_detail(director, pk)


def test_lists_are_newest_first_and_rows_leave_out_the_long_texts(world, cases):
    director = world.user(Role.DIRECTOR)
    assert list(selectors.complaint_list(director).values_list("pk", flat=True)) == [
        cases["sales"],
        cases["service"],
    ]
    row = selectors.complaint_rows(director).first()
    deferred = row.get_deferred_fields()
    assert {"account", "search_grams", "solution"} <= deferred
    assert "title" not in deferred and "number" not in deferred


def test_overdue_is_past_the_deadline_in_a_state_whose_clock_runs(world):
    late, parked, closed, early, undated = (world.complaint() for _ in range(5))
    past, future = NOW - timedelta(minutes=1), NOW + timedelta(minutes=1)
    Complaint.objects.filter(pk__in=[late.pk, parked.pk, closed.pk]).update(due_at=past)
    Complaint.objects.filter(pk=early.pk).update(due_at=future)
    Complaint.objects.filter(pk=undated.pk).update(due_at=None)
    Complaint.objects.filter(pk=parked.pk).update(state=State.PARKED)
    Complaint.objects.filter(pk=closed.pk).update(state=State.CLOSED)
    overdue = selectors.complaints_overdue(Complaint.objects.all(), NOW)
    assert list(overdue.values_list("pk", flat=True)) == [late.pk]
    flags = {
        c.pk: selectors.complaint_is_overdue(c, NOW)
        for c in Complaint.objects.filter(pk__in=[late.pk, parked.pk, closed.pk, early.pk])
    }
    assert flags == {late.pk: True, parked.pk: False, closed.pk: False, early.pk: False}
    assert selectors.complaint_is_overdue(Complaint.objects.get(pk=undated.pk), NOW) is False


def test_overdue_counts_add_up_the_states_of_each_organisation(world):
    other_org = OrganisationFactory()
    cases = [world.complaint() for _ in range(3)]
    Complaint.objects.filter(pk__in=[c.pk for c in cases]).update(due_at=NOW - timedelta(hours=1))
    Complaint.objects.filter(pk=cases[0].pk).update(state=State.INVESTIGATING)
    assert selectors.overdue_counts_by_organisation(NOW) == {world.org.pk: 3}
    assert other_org.pk not in selectors.overdue_counts_by_organisation(NOW)
    assert selectors.overdue_counts_by_organisation(NOW - timedelta(days=30)) == {}


def test_the_timeline_is_the_cases_own_entries_oldest_first(world, cases):
    director = world.user(Role.DIRECTOR)
    complaint_add_note(complaint_id=cases["service"], actor=director, text="第一条")
    complaint_add_note(complaint_id=cases["service"], actor=director, text="第二条")
    complaint_add_note(complaint_id=cases["sales"], actor=director, text="别的案子")
    timeline = list(selectors.complaint_timeline(director, cases["service"]))
    assert {e.complaint_id for e in timeline} == {cases["service"]}
    seqs = [e.seq for e in timeline]
    assert seqs == sorted(seqs) and len(timeline) >= 3
    assert timeline[0].action == "register"
    with pytest.raises(NotFound):
        selectors.complaint_timeline(director, cases["west"])


def test_a_file_is_found_only_under_its_own_complaint(world, cases):
    frontline = world.user(Role.FRONTLINE)
    files = [
        complaint_attach(
            complaint_id=cases["service"],
            actor=frontline,
            upload=SimpleUploadedFile(f"{n}.txt", b"note", content_type="text/plain"),
        )
        for n in ("a", "b")
    ]
    assert list(selectors.complaint_attachments(frontline, cases["service"])) == files
    assert selectors.attachment_get(frontline, cases["service"], files[1].pk) == files[1]
    with pytest.raises(NotFound):
        selectors.attachment_get(frontline, cases["sales"], files[1].pk)
    with pytest.raises(NotFound):
        selectors.attachment_get(world.other_users[Role.FRONTLINE], cases["service"], files[0].pk)


def test_a_customers_recent_complaints_are_the_visible_ones_newest_first(world):
    customer = CustomerFactory(organisation=world.org)
    mine = [world.complaint(customer=customer) for _ in range(3)]
    theirs = world.complaint(actor=world.other_users[Role.FRONTLINE], customer=customer)
    director = world.user(Role.DIRECTOR)
    recent = selectors.customer_recent_complaints(director, customer.pk, limit=2)
    assert [c.pk for c in recent] == [mine[2].pk, mine[1].pk]
    group = selectors.customer_recent_complaints(world.user(Role.GROUP), customer.pk)
    assert [c.pk for c in group] == [theirs.pk, *(c.pk for c in reversed(mine))]


def test_categories_are_the_organisations_in_path_order(world):
    other = OrganisationFactory()
    Category.objects.create(organisation=other, name="别家", code="x", path="x")
    seen = list(selectors.categories_visible_to(world.user(Role.FRONTLINE)))
    assert seen and {c.organisation_id for c in seen} == {world.org.pk}
    assert [c.path for c in seen] == sorted(c.path for c in seen)
    assert not selectors.categories_visible_to(AnonymousUser()).exists()
    assert not selectors.categories_visible_to(UserFactory(organisation=None, branch=None)).exists()


def test_a_complaint_is_escalated_to_its_branchs_contacts_and_the_organisations(world):
    from kesu.complaints.tests.factories import ManufacturerContactFactory

    everywhere = ManufacturerContactFactory(organisation=world.org)
    east = ManufacturerContactFactory(organisation=world.org, branch=world.branch)
    west = ManufacturerContactFactory(organisation=world.org, branch=world.other_branch)
    ManufacturerContactFactory(organisation=world.org, is_active=False)
    ManufacturerContactFactory()  # another organisation's
    complaint = world.complaint()
    assert set(selectors.manufacturer_contacts_for(complaint)) == {everywhere, east}
    director = world.user(Role.DIRECTOR)
    visible = set(selectors.manufacturer_contacts_visible_to(director))
    assert everywhere in visible and east in visible and west not in visible
    assert west in set(selectors.manufacturer_contacts_visible_to(world.user(Role.GROUP)))
    assert not selectors.manufacturer_contacts_visible_to(AnonymousUser()).exists()


def test_exchanges_are_read_through_the_complaint_oldest_first(world):
    from kesu.complaints.services import manufacturer_ask
    from kesu.complaints.tests.factories import ManufacturerContactFactory

    contact = ManufacturerContactFactory(organisation=world.org)
    complaint = world.complaint()
    director = world.user(Role.DIRECTOR)
    first = manufacturer_ask(complaint_id=complaint.pk, actor=director, contact=contact, asked="一")
    second = manufacturer_ask(
        complaint_id=complaint.pk, actor=director, contact=contact, asked="二"
    )
    assert list(selectors.complaint_exchanges(director, complaint.pk)) == [first, second]
    with pytest.raises(NotFound):
        selectors.complaint_exchanges(world.other_users[Role.DIRECTOR], complaint.pk)


# ---- Recourse at closure -------------------------------------------------------------------


def test_recourse_is_told_only_once_closed_with_a_result(world):
    from kesu.complaints import workflow
    from kesu.complaints.models import RecourseOption
    from kesu.complaints.selectors import recourse_for
    from kesu.complaints.tests.helpers import closed_complaint
    from kesu.organisation.choices import Role

    open_one = world.complaint()
    assert recourse_for(open_one) == []
    closed = closed_complaint(world)
    told = recourse_for(closed)
    assert [r.code for r in told][:2] == ["market_regulator", "consumer_association"]
    RecourseOption.objects.filter(organisation=world.org, code="arbitration").update(
        is_active=False
    )
    assert "arbitration" not in [r.code for r in recourse_for(closed)]
    withdrawn = world.complaint()
    workflow.complaint_withdraw(
        complaint_id=withdrawn.pk, actor=world.user(Role.FRONTLINE), reason="客户已自行解决"
    )
    withdrawn.refresh_from_db()
    assert recourse_for(withdrawn) == []


@pytest.mark.django_db
def test_a_customers_complaints_newest_first_only_those_the_user_sees(world):
    from kesu.complaints.selectors import customer_complaints
    from kesu.customers.tests.factories import CustomerFactory

    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    first = world.complaint(customer=customer)
    second = world.complaint(customer=customer)
    west = world.complaint(actor=world.other_users[Role.FRONTLINE], customer=customer)
    assert list(customer_complaints(world.user(Role.DIRECTOR), customer.pk)) == [second, first]
    assert list(customer_complaints(world.user(Role.GROUP), customer.pk)) == [west, second, first]
    assert list(customer_complaints(world.other_users[Role.FRONTLINE], customer.pk)) == [west]
