from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "kesu.webhooks"
    label = "webhooks"
    verbose_name = _("Outgoing webhooks")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.callbacks import hooks as callbacks
        from kesu.complaints import hooks as complaints
        from kesu.notifications import hooks as notifications
        from kesu.sla import hooks as sla
        from kesu.webhooks.choices import WebhookAction
        from kesu.webhooks.events import (
            callback_outcome,
            complaint_moved,
            complaint_registered,
            deadlines_passed,
        )
        from kesu.webhooks.services import deliver_all_due

        register_action_labels(WebhookAction)
        complaints.after_registration.register(complaint_registered)
        complaints.move_recorded.register(complaint_moved)
        sla.deadlines_passed.register(deadlines_passed)
        callbacks.outcome_recorded.register(callback_outcome)
        notifications.every_pass.register(deliver_all_due)
