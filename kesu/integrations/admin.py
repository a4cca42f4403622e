"""Integrations in /admin/: created with a key shown once, revoked with a tick or an action.

The admin site records every change in the audit trail (kesu/audit/admin_trail.py); the key's
hash is a secret there (only its name appears), and the key itself is never stored.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.integrations.models import Integration
from kesu.integrations.services import branches_problem, integration_prepare, integration_saved


class IntegrationForm(forms.ModelForm):
    class Meta:
        model = Integration
        fields = [
            "name",
            "organisation",
            "may_read",
            "may_write",
            "may_register_inbound",
            "may_report_calls",
            "all_branches",
            "branches",
            "expires_at",
            "revoked",
        ]
        widgets = {"branches": forms.CheckboxSelectMultiple}

    def clean(self):
        data = super().clean()
        if "branches" not in data:
            return data  # the field's own error (a branch that does not exist) says it
        organisation = data.get("organisation")
        problem = branches_problem(
            organisation_id=organisation.pk if organisation else None,
            all_branches=bool(data.get("all_branches")),
            branches=data["branches"],
        )
        if problem:
            self.add_error("branches", problem)
        return data


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    form = IntegrationForm
    list_display = [
        "name",
        "masked_key",
        "may_read",
        "may_write",
        "may_register_inbound",
        "may_report_calls",
        "all_branches",
        "expires_at",
        "revoked",
        "last_used_at",
    ]
    list_filter = ["organisation", "revoked"]
    list_select_related = ["organisation"]
    search_fields = ["name", "key_prefix"]
    readonly_fields = ["masked_key", "service_user", "last_used_at", "revoked_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "organisation"]}),
        (
            _("What it may do"),
            {"fields": ["may_read", "may_write", "may_register_inbound", "may_report_calls"]},
        ),
        (_("Branches it may act in"), {"fields": ["all_branches", "branches"]}),
        (
            _("Key"),
            {
                "fields": [
                    "masked_key",
                    "expires_at",
                    "revoked",
                    "revoked_at",
                    "last_used_at",
                    "service_user",
                    "created_at",
                ]
            },
        ),
    ]
    actions = ["revoke"]

    @admin.display(description=_("API key"))
    def masked_key(self, obj):
        return obj.masked_key

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            key = integration_prepare(obj)
            messages.warning(
                request,
                _(
                    "The key of %(name)s, shown this once only — copy it now into the other "
                    "system: %(key)s"
                )
                % {"name": obj.name, "key": key},
            )
        integration_saved(obj)

    @admin.action(description=_("Revoke the selected integrations' keys"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked=False).update(revoked=True, revoked_at=timezone.now())
        self.message_user(
            request, _("%(count)s key(s) revoked.") % {"count": count}, messages.SUCCESS
        )
