from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementsConfig(AppConfig):
    name = "kesu.improvements"
    label = "improvements"
    verbose_name = _("Improvement actions")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.complaints import hooks as complaints
        from kesu.improvements.choices import ImprovementAudit
        from kesu.improvements.panels import complaint_panel, home_panel
        from kesu.improvements.reminders import prevention_after_move, sweep_reminders
        from kesu.sla import hooks as sla

        register_action_labels(ImprovementAudit)
        complaints.after_move.register(prevention_after_move)
        sla.after_sweep.register(sweep_reminders)
        complaints.complaint_panels.register(complaint_panel)
        complaints.home_panels.register(home_panel)
