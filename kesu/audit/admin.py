from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kesu.audit.models import AuditEntry
from kesu.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "lane",
        "seq",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "complaint_id",
        "changed_fields",
    ]
    # Changes made in this admin are listed under the actions admin_added / admin_changed /
    # admin_deleted / admin_action (kesu/audit/admin_trail.py).
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["=complaint_id"]
    show_full_result_count = False

    @admin.display(description=_("changed fields"))
    def changed_fields(self, entry: AuditEntry) -> str:
        data = entry.data if isinstance(entry.data, dict) else {}
        changes = data.get("changes")
        names = list(changes) if isinstance(changes, dict) else []
        names += data.get("secrets_changed") or []
        return ", ".join(names)
