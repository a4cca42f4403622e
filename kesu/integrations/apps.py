from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "kesu.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        # The schema's description of the integration token (drf-spectacular extension).
        from kesu.integrations import schema  # noqa: F401
