from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "kesu.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.audit.row_checks import register_row_check
        from kesu.complaints.choices import ComplaintAction, Move
        from kesu.complaints.consistency import COMPLAINT_ROWS
        from kesu.complaints.models import Attachment, Complaint
        from kesu.complaints.monitoring import overdue_metrics
        from kesu.core import metrics
        from kesu.core.backup import register_counted_table

        metrics.database_parts.register(overdue_metrics)
        # A restore refuses to replace an installation that already holds complaints.
        register_counted_table("complaints", Complaint, refuses_restore=True)
        register_counted_table("attachments", Attachment)
        register_row_check(COMPLAINT_ROWS)

        register_action_labels(ComplaintAction)
        register_action_labels(Move)
