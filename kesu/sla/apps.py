from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kesu.sla"
    label = "sla"
    verbose_name = _("Deadlines")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.sla.choices import DeadlineAction

        register_action_labels(DeadlineAction)
        from kesu.sla import signals  # noqa: F401
