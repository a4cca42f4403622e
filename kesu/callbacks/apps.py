from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "kesu.callbacks"
    label = "callbacks"
    verbose_name = _("Callbacks and customer care")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.callbacks.choices import CallbackAction
        from kesu.callbacks.customer_page import customer_history_part, customer_panel
        from kesu.callbacks.defaults import install_callback_defaults
        from kesu.callbacks.plans import callbacks_after_move, callbacks_for_purchase
        from kesu.callbacks.printing import callback_record_link
        from kesu.callbacks.selectors import customer_ratings, exported_satisfaction
        from kesu.complaints import hooks as complaints
        from kesu.customers import hooks as customers

        customers.after_purchase.register(callbacks_for_purchase)
        complaints.after_move.register(callbacks_after_move)
        complaints.defaults_installed.register(install_callback_defaults)
        complaints.exported_columns.register(exported_satisfaction)
        complaints.complaint_printouts.register(callback_record_link)
        complaints.customer_ratings.register(customer_ratings)
        complaints.customer_panels.register(customer_panel)
        complaints.customer_history_parts.register(customer_history_part)

        register_action_labels(CallbackAction)
