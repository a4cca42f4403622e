from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from kesu.core.api.authentication import masked_key
from kesu.organisation.models import Branch, CompensationLimit, Department, Organisation, User

admin.site.site_header = _("Kesu administration")
admin.site.site_title = _("Kesu")
admin.site.index_title = _("Configuration")


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


class CompensationLimitInline(admin.TabularInline):
    model = CompensationLimit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "number_prefix"]
    inlines = [BranchInline, CompensationLimitInline]


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organisation", "hotline"]
    list_filter = ["organisation"]
    inlines = [DepartmentInline]
    fieldsets = [
        (None, {"fields": ["organisation", "name", "code", "address", "phone"]}),
        (_("Customer portal"), {"fields": ["display_name", "logo", "hotline"]}),
    ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "branch"]
    list_filter = ["branch"]
    list_select_related = ["branch"]


@admin.register(User)
class KesuUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "branch", "department", "is_active"]
    list_filter = ["role", "branch", "is_active"]
    list_select_related = ["branch", "department__branch"]
    search_fields = ["username", "display_name", "phone", "extension"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            _("Kesu"),
            {
                "fields": [
                    "display_name",
                    "phone",
                    "extension",
                    "role",
                    "organisation",
                    "branch",
                    "department",
                ]
            },
        ),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Kesu"), {"fields": ["display_name", "role", "organisation", "branch", "department"]}),
    ]


# A live API token is a password: the admin shows its first characters only, everywhere it
# names one (list, change and delete pages, messages and the admin log all use str()).
TokenProxy.__str__ = lambda self: masked_key(self.key)
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class MaskedTokenAdmin(TokenAdmin):
    """DRF's token admin, with the key masked; deleting a token still revokes it."""

    list_display = ("masked", "user", "created")

    @admin.display(description=_("Key (first characters)"))
    def masked(self, obj):
        return masked_key(obj.key)

    def get_readonly_fields(self, request, obj=None):
        # A token belongs to the user it was issued to; moving it to another is not a thing.
        return ("user",) if obj is not None else ()
