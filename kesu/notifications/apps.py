from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kesu.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from kesu.complaints import hooks as complaints
        from kesu.core import metrics
        from kesu.core.health import register_background_check
        from kesu.notifications.alerts import (
            alerts_after_move,
            alerts_at_registration,
            alerts_team_changed,
        )
        from kesu.notifications.monitoring import outbox_lag, outbox_metrics
        from kesu.notifications.selectors import inbox_mentions
        from kesu.notifications.services import notify_many
        from kesu.sla import hooks as sla

        metrics.database_parts.register(outbox_metrics)
        register_background_check("outbox", outbox_lag)
        complaints.after_registration.register(alerts_at_registration)
        complaints.move_recorded.register(alerts_after_move)
        complaints.team_changed.register(alerts_team_changed)
        complaints.told_about.register(inbox_mentions)
        sla.reminders_due.register(notify_many)
