from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kesu.sla"
    label = "sla"
    verbose_name = _("Deadlines")

    def ready(self):
        from kesu.sla import signals  # noqa: F401
