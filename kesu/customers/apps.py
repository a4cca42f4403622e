from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kesu.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from kesu.core.backup import register_counted_table
        from kesu.customers.models import Customer

        register_counted_table("customers", Customer)
