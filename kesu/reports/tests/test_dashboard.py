"""The director's and GM's month at a glance, against a data set counted by hand: 10 November
2026 at 15:00, set against October up to the 10th at 15:00."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kesu.complaints.hooks import home_panels
from kesu.complaints.models import Complaint
from kesu.organisation.choices import Role
from kesu.reports.dashboard import home_dashboard
from kesu.sla.models import ComplaintMilestone

TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 11, 10, 15, 0, tzinfo=TZ)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


@pytest.fixture
def cases(world):
    made = {
        "a": world.complaint(received_at=at(11, 3)),
        "b": world.complaint(received_at=at(11, 9)),
        "c": world.complaint(received_at=at(10, 5)),
        "d": world.complaint(received_at=at(10, 10, 16)),  # after the same point of October
        "merged": world.complaint(received_at=at(10, 2)),
        "west": world.complaint(actor=world.other_users[Role.FRONTLINE], received_at=at(11, 4)),
    }
    Complaint.objects.update(due_at=NOW + timedelta(days=30))
    Complaint.objects.filter(pk=made["a"].pk).update(
        is_crisis=True, due_at=NOW + timedelta(hours=3)
    )
    Complaint.objects.filter(pk=made["b"].pk).update(due_at=NOW - timedelta(hours=2))
    Complaint.objects.filter(pk=made["merged"].pk).update(state="merged", merged_into=made["c"])
    ComplaintMilestone.objects.exclude(kind="first_contact").update(
        status="running", due_at=NOW + timedelta(days=30), met_at=None, breached_at=None
    )
    first = {m.complaint_id: m for m in ComplaintMilestone.objects.filter(kind="first_contact")}
    for key, met_after in (("a", 1), ("b", 30), ("c", 1)):
        received = Complaint.objects.get(pk=made[key].pk).received_at
        due = received + timedelta(hours=2)
        met = received + timedelta(hours=met_after)
        ComplaintMilestone.objects.filter(pk=first[made[key].pk].pk).update(
            status="met", due_at=due, met_at=met, breached_at=due if met > due else None
        )
    return made


def _figures(figures):
    return {f.code: (f.value, f.previous) for f in figures}


def test_the_month_so_far_against_the_same_point_of_last_month(world, cases):
    dashboard = home_dashboard(world.user(Role.DIRECTOR), now=NOW)
    assert dashboard.previous_until == at(10, 10, 15)
    month = _figures(dashboard.month)
    assert month["received"] == (2, 1)  # a, b against c (d came later, the duplicate is c's)
    assert month["crisis"] == (1, 0)
    assert month["first_contact"] == (50.0, 100.0)  # b was late
    assert month["resolution"] == (None, None)  # nothing decided yet
    now = _figures(dashboard.now)
    assert now["open"][0] == 4  # a, b, c, d: the other branch's is not the director's
    assert now["overdue"][0] == 1  # b
    assert now["at_risk"][0] == 1  # a, due in three hours
    assert dashboard.crisis_count == 1
    assert [c.pk for c in dashboard.crisis] == [cases["a"].pk]


def test_the_group_sees_every_branch(world, cases):
    dashboard = home_dashboard(world.user(Role.GROUP), now=NOW)
    assert _figures(dashboard.month)["received"] == (3, 1)
    assert _figures(dashboard.now)["open"][0] == 5


def test_a_change_reads_good_or_bad(world, cases):
    month = {f.code: f for f in home_dashboard(world.user(Role.DIRECTOR), now=NOW).month}
    assert (month["received"].change, month["received"].tone) == (1, "bad")
    assert (month["first_contact"].change, month["first_contact"].tone) == (-50.0, "bad")
    assert month["resolution"].change is None and month["resolution"].tone == ""


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.ADMIN])
def test_only_who_answers_for_a_branch_or_the_group_has_it(world, role):
    assert home_dashboard(world.user(role)) is None
    assert [p for p in home_panels(world.user(role)) if p is not None] == []


def test_each_link_lists_what_the_figure_counts(world, cases, client):
    client.force_login(world.user(Role.DIRECTOR))
    dashboard = home_dashboard(world.user(Role.DIRECTOR))
    links = {f.code: f.link for f in dashboard.now}
    for code, expected in (("overdue", {cases["b"].number}),
                           ("at_risk", set())):  # fmt: skip
        body = client.get(links[code]).content.decode()
        for number in expected:
            assert number in body
    body = client.get(dashboard.crisis_link).content.decode()
    assert cases["a"].number in body and cases["b"].number not in body


def test_the_home_page_leads_with_it_for_the_director_only(world, cases, client):
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/").content.decode()
    assert 'id="dashboard"' in body and 'id="dash-received"' in body
    # The minute's refresh swaps only the queues: the dashboard is not worked out again.
    refresh = client.get("/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="dashboard"' not in refresh and 'id="queues"' in refresh
    client.force_login(world.user(Role.FRONTLINE))
    assert 'id="dashboard"' not in client.get("/").content.decode()


def test_it_reads_in_chinese(world, cases, client):
    client.force_login(world.user(Role.GENERAL_MANAGER))
    body = client.get("/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "截至目前" in body and "未结危机案件" in body and "按时首次联系" in body


def test_open_improvement_actions_and_those_past_due(world, cases, client):
    from kesu.improvements.models import ImprovementAction
    from kesu.improvements.services import improvement_create

    director = world.user(Role.DIRECTOR)
    owner = world.user(Role.HANDLER)

    def action(title, branch, due_on):
        made = improvement_create(
            actor=director if branch == world.branch else world.other_users[Role.DIRECTOR],
            title=title,
            owner=owner if branch == world.branch else world.other_users[Role.DIRECTOR],
            due_on=timezone.localdate() + timedelta(days=20),
            review_on=timezone.localdate() + timedelta(days=80),
            branch=branch,
        )
        ImprovementAction.objects.filter(pk=made.pk).update(due_on=due_on)

    action("试驾车保养流程", world.branch, NOW.date() - timedelta(days=3))
    action("交车前检查", world.branch, NOW.date() + timedelta(days=9))
    action("西城店的", world.other_branch, NOW.date() - timedelta(days=3))
    figures = _figures(home_dashboard(director, now=NOW).improvements)
    assert figures == {"improvements": (2, None), "improvements_overdue": (1, None)}
    client.force_login(director)
    link = {f.code: f.link for f in home_dashboard(director, now=NOW).improvements}
    body = client.get(link["improvements"]).content.decode()
    assert "试驾车保养流程" in body and "交车前检查" in body and "西城店的" not in body


def test_each_month_figure_counts_what_its_list_shows(world, cases, client):
    """A merged duplicate is its original's: left out of the figure and of the list behind it."""
    twice = world.complaint(received_at=at(11, 5))
    Complaint.objects.filter(pk=twice.pk).update(
        state="merged", merged_into=cases["a"], is_crisis=True
    )
    director = world.user(Role.DIRECTOR)
    client.force_login(director)
    for figure in home_dashboard(director, now=NOW).month:
        if not figure.link:
            continue
        listed = client.get(figure.link).content.decode()
        numbers = set(re.findall(r"KS-\d{4}-\d{6}", listed.split('id="results"', 1)[1]))
        assert len(numbers) == figure.value, figure.code
        assert twice.number not in numbers
