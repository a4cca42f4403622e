from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kesu.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.core.backup import register_counted_table
        from kesu.customers.choices import CustomerAction
        from kesu.customers.models import Customer

        register_counted_table("customers", Customer)

        register_action_labels(CustomerAction)
