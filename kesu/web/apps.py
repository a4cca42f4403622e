from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "kesu.web"
    label = "web"
    verbose_name = _("Staff workspace")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from kesu.core.api.authentication import revoke_on_logout
        from kesu.notifications import hooks as notifications
        from kesu.web.jobs import triage_training_job

        # Signing out of the workspace also revokes the user's API token.
        user_logged_out.connect(revoke_on_logout, dispatch_uid="kesu-revoke-token-on-logout")
        notifications.daily_jobs.register(triage_training_job)
