from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kesu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from kesu.complaints import hooks as complaints
        from kesu.notifications import hooks as notifications
        from kesu.reports.dashboard import home_panel
        from kesu.reports.keeping import daily_job, report_attachments

        complaints.home_panels.register(home_panel)
        notifications.email_attachments.register(report_attachments)
        notifications.daily_jobs.register(daily_job)
