from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "kesu.callbacks"
    label = "callbacks"
    verbose_name = _("Callbacks and customer care")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.callbacks.choices import CallbackAction

        register_action_labels(CallbackAction)
