from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisesConfig(AppConfig):
    name = "kesu.crises"
    label = "crises"
    verbose_name = _("Crisis handling")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.complaints import hooks as complaints
        from kesu.crises.choices import CrisisAudit
        from kesu.crises.panels import complaint_panel, home_panel
        from kesu.crises.reminders import sweep_steps
        from kesu.sla import hooks as sla

        register_action_labels(CrisisAudit)
        sla.after_sweep.register(sweep_steps)
        complaints.complaint_panels.register(complaint_panel)
        complaints.home_panels.register(home_panel)
