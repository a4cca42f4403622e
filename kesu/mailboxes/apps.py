from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxesConfig(AppConfig):
    name = "kesu.mailboxes"
    label = "mailboxes"
    verbose_name = _("E-mail in and out")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.callbacks import hooks as callbacks
        from kesu.complaints import hooks as complaints
        from kesu.mailboxes.choices import MailAction
        from kesu.mailboxes.defaults import install_message_templates
        from kesu.mailboxes.messaging import (
            closure_to_customer,
            note_shared_to_customer,
            sms_done,
        )
        from kesu.mailboxes.panels import complaint_panel

        register_action_labels(MailAction)
        complaints.defaults_installed.register(install_message_templates)
        complaints.after_move.register(closure_to_customer)
        complaints.note_shared.register(note_shared_to_customer)
        complaints.complaint_panels.register(complaint_panel)
        callbacks.sms_sent.register(sms_done)
