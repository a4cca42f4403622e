from django.contrib import admin

from kesu.audit.models import AuditEntry
from kesu.complaints.admin import ReadOnlyAdmin


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
    ]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["=complaint_id"]
    show_full_result_count = False
