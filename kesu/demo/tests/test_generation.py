"""Generated benchmark data: realistic, numbered like real intake, with a chain that verifies."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from kesu.audit.models import AuditChain, AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints.choices import OPEN_STATES, TERMINAL_STATES, State
from kesu.complaints.models import Complaint, ComplaintCounter
from kesu.complaints.numbering import format_number
from kesu.complaints.search import search_grams_for
from kesu.complaints.services import complaint_register
from kesu.core.phones import normalise_phone
from kesu.customers.models import Customer
from kesu.demo.generation import generate_complaints
from kesu.organisation.choices import Role
from kesu.organisation.models import User

# Actions that are not moves of the procedure (they do not bump the complaint's version).
NOT_MOVES = {"register", "call", "merged_in"}


def _numbers_by_year(org) -> dict[int, list[int]]:
    by_year: dict[int, list[int]] = {}
    for number in Complaint.objects.filter(organisation=org).values_list("number", flat=True):
        _prefix, year, value = number.split("-")
        by_year.setdefault(int(year), []).append(int(value))
    return by_year


@pytest.mark.django_db
def test_generates_a_consistent_organisation():
    result = generate_complaints(count=200, seed=7, batch_size=70)
    org = result.organisation
    complaints = Complaint.objects.filter(organisation=org)

    assert result.complaints == complaints.count() == 200
    assert result.audit_entries == AuditEntry.objects.filter(organisation_id=org.pk).count()
    assert list(iter_chain_breaks()) == []

    # Numbers: unique, readable, and what the counters say was handed out.
    numbers = list(complaints.values_list("number", flat=True))
    assert len(set(numbers)) == 200
    for year, values in _numbers_by_year(org).items():
        assert sorted(values) == list(range(1, len(values) + 1))
        counter = ComplaintCounter.objects.get(organisation=org, year=year)
        assert counter.last_value == len(values)
        assert format_number(org.number_prefix, year, 1) in numbers

    # About one customer per two or three complaints; phones are valid, unique mobiles.
    customers = Customer.objects.filter(organisation=org)
    assert 50 <= customers.count() <= 130
    phones = list(customers.values_list("phone", flat=True))
    assert len(set(phones)) == len(phones)
    assert all(normalise_phone(p) == p and p.startswith("+861") for p in phones)

    # Mostly closed, a few open; timestamps agree with the state.
    states = Counter(complaints.values_list("state", flat=True))
    assert states[State.CLOSED] > 150
    now = timezone.now()
    for c in complaints.select_related("department", "owner"):
        assert now - timedelta(days=731) < c.received_at <= now
        assert c.created_at >= c.received_at
        assert c.due_at > c.received_at
        if c.state in TERMINAL_STATES:
            assert c.closed_at is not None
        if c.state in (State.RESOLVED, State.VERIFIED, State.CLOSED):
            assert c.resolved_at is not None
        if c.state == State.CLOSED:
            assert c.resolved_at <= c.closed_at
        if c.state in OPEN_STATES:
            assert c.closed_at is None
        if c.department is not None:
            assert c.department.branch_id == c.branch_id
        assert c.owner.organisation_id == org.pk
        assert c.owner.branch_id in (c.branch_id, None)

    # Searchable like registered complaints.
    for c in complaints.select_related("customer")[:50]:
        assert c.search_grams and c.search_grams == search_grams_for(c)

    # Staff are named as position and name, and every promise not kept says who made it.
    named = complaints.exclude(staff_involved="")
    assert named.exists()
    assert all(len(s.split(" ")) == 2 for s in named.values_list("staff_involved", flat=True))
    promises = complaints.filter(cause="promise_not_kept")
    assert promises.exists() and not promises.filter(promise_made_by="").exists()
    assert not complaints.exclude(cause="promise_not_kept").exclude(promise_made_by="").exists()

    # Every complaint's timeline starts with its registration; each move bumped the version.
    moves = Counter(
        AuditEntry.objects.filter(organisation_id=org.pk)
        .exclude(action__in=NOT_MOVES)
        .values_list("complaint_id", flat=True)
    )
    registered = (
        AuditEntry.objects.filter(organisation_id=org.pk, action="register")
        .values("complaint_id")
        .annotate(n=Count("id"))
    )
    assert {r["complaint_id"]: r["n"] for r in registered} == {c.pk: 1 for c in complaints}
    for pk, version in complaints.values_list("pk", "version"):
        assert version == moves[pk] + 1

    # Normal intake afterwards takes the next number and extends the chain.
    frontline = User.objects.filter(organisation=org, role=Role.FRONTLINE).first()
    customer = customers.first()
    complaint, _ = complaint_register(
        actor=frontline, customer=customer, channel="phone", title="再次来电", account="还是异响"
    )
    year = timezone.localtime(complaint.received_at).year
    assert complaint.number == format_number(
        org.number_prefix, year, len(_numbers_by_year(org)[year])
    )
    assert list(iter_chain_breaks()) == []


@pytest.mark.django_db
def test_continues_an_existing_organisation_without_the_shared_data(world, tmp_path):
    before = world.complaint()
    head = AuditEntry.objects.filter(organisation_id=world.org.pk).count()

    result = generate_complaints(
        count=40, organisation=world.org, seed=3, data_path=tmp_path / "missing.csv"
    )

    assert result.source == "built-in phrases"
    assert AuditEntry.objects.filter(organisation_id=world.org.pk).count() == head + (
        result.audit_entries
    )
    heads = AuditChain.objects.filter(organisation_id=world.org.pk)
    assert sum(c.last_seq - c.base_seq for c in heads) == head + result.audit_entries
    assert list(iter_chain_breaks()) == []
    after = world.complaint()
    numbers = list(
        Complaint.objects.filter(organisation=world.org).values_list("number", flat=True)
    )
    assert len(numbers) == len(set(numbers)) == 42
    assert before.number in numbers and after.number in numbers
    assert set(Complaint.objects.values_list("branch_id", flat=True)) <= {
        world.branch.pk,
        world.other_branch.pk,
    }
    assert list(iter_chain_breaks()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["orm", "insert"])
def test_portable_writers_keep_history_timestamps(method):
    result = generate_complaints(count=30, seed=11, method=method, timeline="register")
    complaints = Complaint.objects.filter(organisation=result.organisation)
    assert complaints.count() == 30
    assert result.audit_entries == 30  # only the registrations
    oldest = complaints.order_by("received_at").first()
    assert timezone.now() - oldest.created_at > timedelta(days=7)
    # bulk_create's "now" stamping is back on for everyone else.
    assert Complaint._meta.get_field("created_at").auto_now_add is True
    assert list(iter_chain_breaks()) == []
