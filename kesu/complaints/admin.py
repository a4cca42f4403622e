from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kesu.complaints.bootstrap import TEMPLATE_LABELS, organisation_install_template
from kesu.complaints.models import (
    Attachment,
    Category,
    ChecklistRequirement,
    Complaint,
    ManufacturerContact,
    ManufacturerExchange,
    RecourseOption,
    RoutingRule,
    SeverityRule,
)
from kesu.core.admin import ReadOnlyAdmin
from kesu.organisation.admin import OrganisationAdmin


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


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Where new complaints go (kesu/complaints/routing.py): the most specific match wins."""

    list_display = [
        "name", "category", "cause", "channel", "severity", "demand", "department_code",
        "owner", "owner_role", "priority", "is_active",
    ]  # fmt: skip
    list_filter = ["organisation", "department_code", "owner_role", "is_active"]
    list_select_related = ["category", "owner"]
    search_fields = ["name", "department_code"]
    raw_id_fields = ["owner"]


@admin.register(RecourseOption)
class RecourseOptionAdmin(admin.ModelAdmin):
    """Where an unsatisfied customer may turn, told at closure (installed per industry template)."""

    list_display = ["name", "sms_name", "time_limit", "sort_order", "is_active", "organisation"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name", "name_en", "code"]


@admin.register(ChecklistRequirement)
class ChecklistRequirementAdmin(admin.ModelAdmin):
    """Which checklist items must be ticked before which move (the move refuses otherwise)."""

    list_display = ["move", "item", "organisation"]
    list_filter = ["organisation", "move"]
    ordering = ["organisation", "move", "item"]


@admin.register(ManufacturerContact)
class ManufacturerContactAdmin(admin.ModelAdmin):
    """The manufacturer's regional staff a branch may escalate complaints to (no branch: any)."""

    list_display = ["name", "title", "region", "brand", "branch", "phone", "email", "is_active"]
    list_filter = ["organisation", "branch", "is_active"]
    list_select_related = ["branch"]
    search_fields = ["name", "title", "region", "brand", "phone", "email"]


class ManufacturerExchangeInline(admin.TabularInline):
    """What was asked of the manufacturer and what it answered: part of the record, shown only."""

    model = ManufacturerExchange
    extra = 0
    fields = ["contact", "asked_at", "asked_by", "asked", "answered_at", "answer"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
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
    search_fields = ["=number", "=third_party_reference"]
    show_full_result_count = False
    inlines = [AttachmentInline, ManufacturerExchangeInline]


# ---- Industry templates on the organisation's admin page -------------------------------------


def _template_action(template: str):
    def action(modeladmin, request, queryset):
        for organisation in queryset:
            organisation_install_template(organisation, template)
        modeladmin.message_user(
            request,
            _("The template “%(template)s” is installed where parts were missing.")
            % {"template": TEMPLATE_LABELS[template]},
        )

    action.__name__ = f"install_{template}_template"
    action.short_description = format_lazy(
        _("Install the {template} template (what is missing)"), template=TEMPLATE_LABELS[template]
    )
    return action


def _add_template_actions() -> None:
    OrganisationAdmin.actions = [
        *(OrganisationAdmin.actions or []),
        *(_template_action(t) for t in ("dealership", "telecom", "general")),
    ]


_add_template_actions()
