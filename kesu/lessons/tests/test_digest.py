"""The monthly digest: last month's lessons to each manager, for their scope, once."""

from datetime import date

from kesu.lessons.digest import dedupe_key, digest_send, organisation_digest, previous_month
from kesu.lessons.tests.conftest import NOVEMBER, category
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.models import Notification, NotificationSetting
from kesu.notifications.services import deliver_all_due
from kesu.organisation.choices import Role


def _digests():
    rows = Notification.objects.filter(kind=Kind.LESSONS_DIGEST, channel=Channel.INBOX)
    return {n.recipient.username: n.payload for n in rows.select_related("recipient")}


def test_each_manager_gets_the_lessons_of_their_scope(world, november):
    queued = digest_send(month=NOVEMBER)
    digests = _digests()
    titles = {user: {item["title"] for item in p["lessons"]} for user, p in digests.items()}
    # The handling manager: their department's; directors and general managers: their branch's;
    # the group: every branch's. Frontline, callback and the administrator get none.
    assert titles == {
        "handler-east": {"张紧器批次问题"},
        "director-east": {"张紧器批次问题", "赠品没有兑现"},
        "gm-east": {"张紧器批次问题", "赠品没有兑现"},
        "handler-west": {"漆面色差"},  # routed to the west service department
        "director-west": {"漆面色差"},
        "gm-west": {"漆面色差"},
        # The world has a group user made beside each branch's staff.
        "group-east": {"张紧器批次问题", "赠品没有兑现", "漆面色差"},
        "group-west": {"张紧器批次问题", "赠品没有兑现", "漆面色差"},
    }
    # Inbox for each, e-mail for those with an address (all but group-west), no robots.
    rows = Notification.objects.filter(kind=Kind.LESSONS_DIGEST)
    assert queued == rows.count() == 2 * len(digests) - 1
    assert set(rows.values_list("channel", flat=True)) == {Channel.INBOX, Channel.EMAIL}
    payload = digests["director-east"]
    assert payload["month"] == "2026-11" and payload["count"] == 2
    assert payload["path"] == f"/lessons/?month=2026-11&branch={world.branch.pk}"
    assert digests["group-east"]["path"] == "/lessons/?month=2026-11"
    engine = next(item for item in payload["lessons"] if item["title"] == "张紧器批次问题")
    assert engine["category"] == category(world, "vehicle.engine").name
    assert engine["branch"] == world.branch.name


def test_running_it_again_sends_nothing_new(world, november):
    first = digest_send(month=NOVEMBER)
    assert first > 0
    assert digest_send(month=NOVEMBER) == 0
    assert organisation_digest(world.org.pk, NOVEMBER) == 0
    keys = set(
        Notification.objects.filter(kind=Kind.LESSONS_DIGEST).values_list("dedupe_key", flat=True)
    )
    assert keys == {dedupe_key(world.org.pk, NOVEMBER)}


def test_nothing_shared_last_month_sends_nothing(world, november):
    assert digest_send(month=date(2026, 10, 1)) == 0
    assert not Notification.objects.filter(kind=Kind.LESSONS_DIGEST).exists()


def test_by_default_the_month_before(world, november):
    assert digest_send(today=date(2026, 12, 1)) > 0
    assert previous_month(date(2026, 1, 20)) == date(2025, 12, 1)
    assert previous_month(date(2026, 12, 1)) == NOVEMBER


def test_a_manager_who_switched_it_off_gets_none(world, november):
    NotificationSetting.objects.create(
        organisation=world.org,
        user=world.user(Role.DIRECTOR),
        kind=Kind.LESSONS_DIGEST,
        enabled=False,
    )
    digest_send(month=NOVEMBER)
    assert "director-east" not in _digests() and "gm-east" in _digests()


def test_the_mail_goes_out_in_each_readers_language(world, november, mailoutbox, settings):
    settings.KESU_PUBLIC_URL = "https://kesu.example"
    director = world.user(Role.DIRECTOR)
    director.language = "en"
    director.save(update_fields=["language"])
    gm = world.user(Role.GENERAL_MANAGER)
    gm.language = "zh-hans"
    gm.save(update_fields=["language"])
    digest_send(month=NOVEMBER)
    deliver_all_due(worker_id="test")
    by_address = {m.to[0]: m for m in mailoutbox}
    english = by_address[director.email]
    assert english.subject == "Lessons learned in November 2026: 2"
    assert "2 case summaries were shared as lessons in November 2026:" in english.body
    assert "• 张紧器批次问题" in english.body and "• 赠品没有兑现" in english.body
    assert f"https://kesu.example/lessons/?month=2026-11&branch={world.branch.pk}" in english.body
    chinese = by_address[gm.email]
    assert "2026年11月" in chinese.subject and "November" not in chinese.body
    assert "张紧器批次问题" in chinese.body
    # Nothing of the customers.
    for lesson in november.values():
        assert lesson.complaint.customer.name not in english.body + chinese.body
