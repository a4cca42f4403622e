"""What monitoring reads of the outbox: its gauges on /metrics and its lag on /readyz.

Registered with kesu.core (metrics.database_parts, health.register_background_check) in
NotificationsConfig.ready(); core cannot import the apps above it.
"""

from django.conf import settings
from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily

from kesu.notifications.choices import Status
from kesu.notifications.models import Notification


def outbox_metrics(now) -> list[GaugeMetricFamily]:
    # The partial index on pending notifications (notification_due_idx) serves both.
    pending = Notification.objects.filter(status=Status.PENDING).aggregate(
        n=Count("id"), oldest=Min("created_at")
    )
    depth = GaugeMetricFamily(
        "kesu_outbox_pending_notifications",
        "Notifications waiting in the outbox (due now or waiting for a retry).",
    )
    depth.add_metric([], pending["n"])
    age = GaugeMetricFamily(
        "kesu_outbox_oldest_pending_age_seconds",
        "Age of the oldest pending notification (0 when the outbox is empty).",
    )
    oldest = pending["oldest"]
    age.add_metric([], 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))
    return [depth, age]


def outbox_lag(now) -> dict:
    """The readiness check "outbox": how long the oldest due notification has waited."""
    oldest = (
        Notification.objects.filter(status="pending", next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    lag = 0.0 if oldest is None else (now - oldest).total_seconds()
    return {"ok": lag <= settings.KESU_OUTBOX_MAX_LAG_SECONDS, "lag_seconds": round(lag, 1)}
