from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kesu.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from kesu.audit import checks  # noqa: F401
        from kesu.audit.models import AuditEntry
        from kesu.core.backup import register_counted_table

        register_counted_table("audit_entries", AuditEntry)
