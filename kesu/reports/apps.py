from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kesu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from kesu.complaints import hooks as complaints
        from kesu.reports.dashboard import home_panel

        complaints.home_panels.register(home_panel)
