"""Detection: a planted burst of six similar complaints among 2,000 ordinary ones raises
exactly one emerging issue and one notification per recipient; running again adds nothing; a
seventh grows the same cluster without a new message; ordinary daily variation raises none; four
identical complaints within a minute raise one (the issue's failure case)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kesu.demo.generation_text import DEFAULT_DATA_PATH
from kesu.emerging.choices import State
from kesu.emerging.detection import baseline_rows, chance, detect, detect_for, significant
from kesu.emerging.models import EmergingIssue, Membership, Watermark
from kesu.emerging.tests.conftest import BURST, SEVENTH, ordinary_history, register_similar
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db

# Four months of history, so that every day looked at has its full usual rate behind it (a
# system going live without history has none: docs/decisions.md), and the last month looked at
# day by day.
HISTORY_DAYS = 120
DETECTED_DAYS = 30


def _alerts():
    return Notification.objects.filter(kind=Kind.EMERGING_ISSUE, channel=Channel.INBOX)


def _day_by_day(now, days):
    """Detection as the sweep runs it, once for every day of the history up to `now`."""
    for back in range(days, -1, -1):
        detect(now=now - timedelta(days=back))


# The generator's texts: its built-in phrases (a few dozen summaries told again and again, the
# hardest case), and the real 12365auto summaries where the shared data is there.
SOURCES = {
    "built-in": Path("/nonexistent/no-such-data.csv"),
    "12365auto": Path(os.environ.get("KESU_12365_CSV", str(DEFAULT_DATA_PATH))),
}


@pytest.fixture(params=list(SOURCES))
def history(request, world, now):
    path = SOURCES[request.param]
    if request.param != "built-in" and not path.is_file():
        pytest.skip(f"{path} is not there")
    ordinary_history(world, 2000, HISTORY_DAYS, now, data_path=path)
    return world


def test_ordinary_daily_variation_raises_nothing(history, now):
    _day_by_day(now, DETECTED_DAYS)
    assert EmergingIssue.objects.count() == 0
    assert not _alerts().exists()
    mark = Watermark.objects.get(organisation=history.org)
    assert mark.last_complaint_id > 0


def test_a_planted_burst_among_2000_raises_exactly_one_alert(history, now):
    world = history
    _day_by_day(now - timedelta(hours=6), DETECTED_DAYS)
    burst = register_similar(world, BURST, now - timedelta(hours=5))
    detect(now=now)

    issue = EmergingIssue.objects.get()
    assert set(Membership.objects.values_list("complaint_id", flat=True)) >= {c.pk for c in burst}
    assert issue.size >= len(BURST)
    assert issue.product == "上汽大众 朗逸"
    assert issue.category.code == "vehicle.engine"
    assert issue.branch == world.branch
    assert issue.state == State.OPEN
    assert "链条" in issue.label
    recipients = list(_alerts().values_list("recipient__role", flat=True))
    assert sorted(recipients) == sorted(set(recipients))  # one each
    assert Role.DIRECTOR in recipients
    assert Role.HANDLER in recipients  # the managers of the department that owns the defect
    assert Role.FRONTLINE not in recipients
    sent = _alerts().count()

    detect(now=now)  # again: nothing new
    assert EmergingIssue.objects.count() == 1 and _alerts().count() == sent

    (seventh,) = register_similar(world, [SEVENTH], now + timedelta(minutes=3))
    detect(now=now + timedelta(minutes=4))
    issue.refresh_from_db()
    assert Membership.objects.filter(issue=issue, complaint=seventh).exists()
    assert issue.size >= len(BURST) + 1
    assert issue.last_seen == seventh.received_at
    assert EmergingIssue.objects.count() == 1 and _alerts().count() == sent


def test_four_identical_complaints_within_a_minute_raise_an_alert(world, now):
    texts = [("冷启动正时链条异响", "冷启动正时链条异响")] * 4
    register_similar(world, texts, now - timedelta(minutes=1), step=timedelta(seconds=15))
    detect(now=now)
    issue = EmergingIssue.objects.get()
    assert issue.size == 4
    assert _alerts().filter(recipient=world.user(Role.DIRECTOR)).count() == 1


def test_three_are_not_enough_and_unlike_texts_do_not_cluster(world, now):
    register_similar(world, BURST[:3], now - timedelta(hours=2))
    register_similar(
        world,
        [
            ("空调不制冷", "夏天开空调出风口一直是热风。"),
            ("中控屏死机", "导航用着用着就黑屏重启。"),
            ("车门密封条漏水", "下雨后副驾脚垫全湿了。"),
        ],
        now - timedelta(hours=1),
    )
    detect(now=now)
    assert not EmergingIssue.objects.exists()


def test_a_group_that_usually_gets_as_many_raises_nothing(world, now):
    # The same complaint every day for the last quarter: six in three days are usual for it.
    for day in range(4, 90, 1):
        register_similar(world, BURST[:1], now - timedelta(days=day))
    detect(now=now - timedelta(days=3, hours=1))
    register_similar(world, BURST, now - timedelta(hours=30), step=timedelta(hours=4))
    detect(now=now)
    assert not EmergingIssue.objects.exists()


def test_a_second_worker_skips_an_organisation_being_read(world, now):
    register_similar(world, BURST[:4], now - timedelta(hours=1))
    Watermark.objects.create(organisation=world.org, last_complaint_id=10**9)
    assert detect_for(world.org.pk, now) == 0
    assert not EmergingIssue.objects.exists()


def test_the_baseline_reads_the_model_and_category_before_the_window(world, now):
    old = register_similar(world, BURST[:3], now - timedelta(days=10))
    other = register_similar(world, BURST[:1], now - timedelta(days=9), product="哈弗 H6 2021款")
    key = ("上汽大众 朗逸", old[0].category_id)
    ids = [row[0] for row in baseline_rows(world.org.pk, key, now - timedelta(days=90), now)]
    assert sorted(ids) == sorted(c.pk for c in old)
    assert other[0].pk not in ids


def test_chance_and_significance():
    assert chance(4, 0) == 0
    assert chance(1, 2.0) == pytest.approx(1 - 0.1353352832)
    assert significant(4, 0.1)
    assert not significant(3, 0.0)  # below KESU_EMERGING_MIN_SIZE
    assert not significant(6, 2.5)  # not three times the usual


def test_the_deadline_sweep_runs_it(world, now):
    """Under Celery beat and run_worker alike the sweep runs every minute: the alert comes
    within a minute of the complaint that tips the cluster."""
    from kesu.sla.tasks import sweep_deadlines

    register_similar(
        world, BURST[:4], timezone.now() - timedelta(minutes=30), step=timedelta(minutes=5)
    )
    sweep_deadlines()
    assert EmergingIssue.objects.count() == 1
    assert _alerts().filter(recipient=world.user(Role.DIRECTOR)).count() == 1
