from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kesu.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from kesu.audit import checks  # noqa: F401
