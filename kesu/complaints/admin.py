from django.contrib import admin

from kesu.complaints.models import (
    Attachment,
    Category,
    ChecklistRequirement,
    Complaint,
    SeverityRule,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["path", "name", "name_en", "default_cause", "is_active", "sort_order"]
    list_filter = ["organisation", "is_active", "default_cause"]
    search_fields = ["name", "name_en", "code"]
    readonly_fields = ["path"]


@admin.register(SeverityRule)
class SeverityRuleAdmin(admin.ModelAdmin):
    list_display = ["match", "value", "severity", "crisis", "reason_code", "is_active"]
    list_filter = ["organisation", "match", "severity", "is_active"]
    search_fields = ["value", "reason_code"]


@admin.register(ChecklistRequirement)
class ChecklistRequirementAdmin(admin.ModelAdmin):
    """Which checklist items must be ticked before which move (the move refuses otherwise)."""

    list_display = ["move", "item", "organisation"]
    list_filter = ["organisation", "move"]
    ordering = ["organisation", "move", "item"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Complaints change only through the procedure, which records every change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "state", "severity", "branch", "owner", "received_at"]
    list_filter = ["state", "severity", "kind", "channel", "branch"]
    list_select_related = ["branch", "owner"]
    search_fields = ["=number"]
    show_full_result_count = False
    inlines = [AttachmentInline]
