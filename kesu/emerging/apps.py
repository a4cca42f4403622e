from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergingConfig(AppConfig):
    name = "kesu.emerging"
    label = "emerging"
    verbose_name = _("Emerging issues")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.complaints import hooks as complaints
        from kesu.emerging.choices import EmergingAudit
        from kesu.emerging.detection import detect
        from kesu.emerging.panels import home_panel
        from kesu.sla import hooks as sla

        register_action_labels(EmergingAudit)
        sla.after_sweep.register(detect)
        complaints.home_panels.register(home_panel)
