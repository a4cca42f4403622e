"""What monitoring reads of the outbox: the pending depth and oldest age, and the lag check."""

from datetime import timedelta

from django.utils import timezone

from kesu.notifications.choices import Status
from kesu.notifications.monitoring import outbox_lag, outbox_metrics
from kesu.notifications.tests.factories import NotificationFactory
from kesu.organisation.choices import Role


def _gauges(now) -> dict:
    return {m.name: m.samples[0].value for m in outbox_metrics(now)}


def test_an_empty_outbox_has_no_depth_age_or_lag(db):
    now = timezone.now()
    assert _gauges(now) == {
        "kesu_outbox_pending_notifications": 0,
        "kesu_outbox_oldest_pending_age_seconds": 0.0,
    }
    assert outbox_lag(now) == {"ok": True, "lag_seconds": 0.0}


def test_the_gauges_count_pending_rows_and_the_age_of_the_oldest(world):
    now = timezone.now()
    user = world.user(Role.HANDLER)
    NotificationFactory(recipient=user, created_at=now - timedelta(seconds=90))
    NotificationFactory(recipient=user, created_at=now - timedelta(seconds=10))
    NotificationFactory(recipient=user, created_at=now - timedelta(hours=1), status=Status.SENT)
    assert _gauges(now) == {
        "kesu_outbox_pending_notifications": 2,
        "kesu_outbox_oldest_pending_age_seconds": 90.0,
    }
    # A row created a moment "after" now (clock skew) does not give a negative age.
    assert _gauges(now - timedelta(seconds=100))["kesu_outbox_oldest_pending_age_seconds"] == 0.0


def test_the_lag_is_how_long_the_oldest_due_row_waited_and_fails_over_the_limit(world, settings):
    settings.KESU_OUTBOX_MAX_LAG_SECONDS = 60
    now = timezone.now()
    user = world.user(Role.HANDLER)
    NotificationFactory(recipient=user, next_attempt_at=now - timedelta(seconds=30))
    # Waiting for a retry later is not lag.
    NotificationFactory(recipient=user, next_attempt_at=now + timedelta(minutes=5))
    assert outbox_lag(now) == {"ok": True, "lag_seconds": 30.0}
    NotificationFactory(recipient=user, next_attempt_at=now - timedelta(seconds=61.26))
    assert outbox_lag(now) == {"ok": False, "lag_seconds": 61.3}
