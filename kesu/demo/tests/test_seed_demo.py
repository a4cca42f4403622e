from django.core.management import call_command
from django.utils import timezone

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


def test_the_demo_has_improvement_actions_in_several_stages(db):
    from kesu.improvements.choices import Status
    from kesu.improvements.models import ImprovementAction

    call_command("seed_demo")
    actions = {a.title: a for a in ImprovementAction.objects.all()}
    assert {a.status for a in actions.values()} == {
        Status.IN_PROGRESS,
        Status.DONE,
        Status.OPEN,
    }
    # Done and due for review today, not reviewed: the demo has no months of data to show an
    # effect, so it claims none.
    to_review = actions["集团统一：新车交付前检查清单升级"]
    assert to_review.branch is None and to_review.after_value is None
    assert to_review.review_on == timezone.localdate()
    assert actions["服务顾问接待礼仪培训"].is_overdue
    assert actions["发动机冷启动异响专项整改"].complaints.exists()


def test_the_demo_has_a_crisis_handled_and_one_to_open(db, settings, tmp_path):
    from kesu.crises.models import Crisis

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    crisis = Crisis.objects.get()
    assert crisis.branch.code == "east" and crisis.spokesperson.username == "gm"
    assert crisis.steps.filter(done_at__isnull=False).exists()
    assert crisis.steps.filter(done_at__isnull=True, due_at__lt=timezone.now()).exists()
    assert crisis.statements.exists() and crisis.posts.get().screenshot is not None
    # West's crisis complaint waits for its general manager.
    assert Complaint.objects.filter(branch__code="west", is_crisis=True).exists()


def test_the_demo_has_an_emerging_issue_its_director_was_told_of(db, settings, tmp_path):
    from kesu.emerging.models import EmergingIssue
    from kesu.notifications.models import Notification

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    issue = EmergingIssue.objects.get()
    assert issue.branch.code == "east" and issue.product == "朗逸" and issue.size >= 4
    assert Notification.objects.filter(
        kind="emerging_issue", recipient__username="director", channel="inbox"
    ).exists()
    call_command("seed_demo")  # again: nothing more
    assert EmergingIssue.objects.count() == 1
