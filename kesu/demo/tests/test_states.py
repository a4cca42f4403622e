"""The demo's complaints in every state of the procedure, in both branches, with real timelines;
added once to a demo made before them."""

from django.core.management import call_command

from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.customers.models import Customer
from kesu.organisation.models import Organisation

DEMO_STATES = {
    State.REGISTERED,
    State.CONFIRMED,
    State.INVESTIGATING,
    State.SOLUTION_PROPOSED,
    State.AWAITING_APPROVAL,
    State.IN_PROGRESS,
    State.RESOLVED,
    State.VERIFIED,
    State.PARKED,
    State.CLOSED,
    State.MERGED,
    State.WITHDRAWN,
}


def test_each_branch_has_complaints_in_every_state_with_a_real_timeline(db, capsys):
    call_command("seed_demo")
    org = Organisation.objects.get(code="demo")
    for code in ("east", "west"):
        complaints = Complaint.objects.filter(organisation=org, branch__code=code)
        assert set(complaints.values_list("state", flat=True)) == DEMO_STATES, code
        assert complaints.filter(is_crisis=True).exists(), code
        assert complaints.filter(reopen_count=1, state=State.INVESTIGATING).exists(), code
        assert complaints.filter(merged_into__isnull=False).exists(), code
        with_files = complaints.get(attachments__content_type="image/jpeg")
        types = set(with_files.attachments.values_list("content_type", flat=True))
        assert types == {"image/jpeg", "application/pdf"}, code
        closed = complaints.filter(state=State.CLOSED)
        for complaint in closed:
            actions = list(
                AuditEntry.objects.filter(complaint_id=complaint.pk).values_list("action", "data")
            )
            moves = [a for a, _d in actions if a != "checklist"]
            assert moves[0] == "register" and "close" in moves
            ticked = {d["item"] for a, d in actions if a == "checklist"}
            assert {"read_back", "told_result", "summary"} <= ticked
        # a few customers can be written to and from by e-mail (reserved example domains)
        emails = list(
            Customer.objects.filter(organisation=org, branch__code=code)
            .exclude(email="")
            .values_list("email", "preferred_channel")
        )
        assert len(emails) >= 2, code
        assert all(e.endswith((".example.com", "@example.com", ".test")) for e, _p in emails)
        assert "email" in {p for _e, p in emails}, code
    assert list(iter_chain_breaks()) == []


def test_an_older_demo_gets_its_states_added_once(db, capsys):
    from kesu.demo import states as demo_states

    call_command("seed_demo")
    org = Organisation.objects.get(code="demo")
    # As if the demo had been made before the states existed in the west branch.
    west = Complaint.objects.filter(organisation=org, branch__code="west")
    west.filter(title=demo_states.MARKER_TITLE).update(title="旧的演示数据")
    before = Complaint.objects.count()
    call_command("seed_demo")
    assert Complaint.objects.count() == before + len(demo_states.STORIES)
    call_command("seed_demo")
    assert Complaint.objects.count() == before + len(demo_states.STORIES)


def test_branches_without_states_are_the_demo_branches_missing_the_marker(db):
    from kesu.demo import states as demo_states

    call_command("seed_demo")
    org = Organisation.objects.get(code="demo")
    assert demo_states.branches_without_states(org) == []
    Complaint.objects.filter(
        organisation=org, branch__code="east", title=demo_states.MARKER_TITLE
    ).update(title="旧的演示数据")
    assert [b.code for b in demo_states.branches_without_states(org)] == ["east"]
    # Only the demo's own branches count.
    other = org.branches.create(code="north", name="北城店")
    assert other not in demo_states.branches_without_states(org)


def test_every_story_ends_in_its_state(db):
    from kesu.demo import states as demo_states

    call_command("seed_demo")
    for story in demo_states.STORIES:
        complaint = Complaint.objects.get(branch__code="west", title=story.title)
        assert complaint.state == story.state, story.title
