from django.contrib import admin

from kesu.core.admin import ReadOnlyAdmin
from kesu.customers.models import Customer, KeyPerson, Purchase


class PurchaseInline(admin.TabularInline):
    model = Purchase
    extra = 0
    fields = [
        "kind",
        "product",
        "plate_number",
        "vin",
        "order_effective_on",
        "delivered_on",
        "service_completed_on",
        "sales_advisor",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class KeyPersonInline(admin.TabularInline):
    model = KeyPerson
    extra = 0
    readonly_fields = ["name", "title", "phone", "email", "birthday"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["name", "phone", "tier", "branch", "created_at"]
    list_filter = ["tier", "is_company", "branch"]
    search_fields = ["=phone", "name"]
    show_full_result_count = False
    inlines = [PurchaseInline, KeyPersonInline]
