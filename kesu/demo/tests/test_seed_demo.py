from django.core.management import call_command

from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints.choices import State
from kesu.complaints.defaults import install_defaults
from kesu.complaints.models import Category, Complaint
from kesu.organisation.choices import Role
from kesu.organisation.models import Organisation, User
from kesu.organisation.tests.factories import OrganisationFactory


def test_demo_has_a_user_per_role_and_complaints_in_several_states(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "kesu-demo-2026" in out and "frontline" in out
    org = Organisation.objects.get(code="demo")
    assert set(User.objects.filter(organisation=org).values_list("role", flat=True)) == set(
        Role.values
    )
    states = set(Complaint.objects.filter(organisation=org).values_list("state", flat=True))
    assert {State.CLOSED, State.REGISTERED, State.AWAITING_APPROVAL} <= states
    assert list(iter_chain_breaks()) == []
    assert User.objects.get(username="frontline").check_password("kesu-demo-2026")


def test_demo_is_loaded_once(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert Organisation.objects.filter(code="demo").count() == 1
    assert "already there" in capsys.readouterr().out


def test_general_service_tree(db):
    org = OrganisationFactory()
    install_defaults(org, tree="general")
    assert (
        Category.objects.get(organisation=org, code="billing.overcharge").path
        == "billing/billing.overcharge"
    )


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


def test_the_printout_of_logins_is_unchanged(db, capsys):
    call_command("seed_demo")
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("Demo logins (password for all: kesu-demo-2026)")
    logins = [line.split()[0] for line in lines[start + 1 :]]
    assert logins == [
        "frontline",
        "callback",
        "handler",
        "sales_handler",
        "director",
        "gm",
        "west_frontline",
        "west_handler",
        "west_director",
        "west_gm",
        "group",
        "admin",
    ]
