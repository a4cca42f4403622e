from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "kesu.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.complaints.choices import ComplaintAction, Move

        register_action_labels(ComplaintAction)
        register_action_labels(Move)
