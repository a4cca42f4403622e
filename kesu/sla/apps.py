from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kesu.sla"
    label = "sla"
    verbose_name = _("Deadlines")

    def ready(self):
        from kesu.audit.actions import register_action_labels
        from kesu.complaints import hooks as complaints
        from kesu.sla import signals  # noqa: F401
        from kesu.sla.cadence import updates_for_team
        from kesu.sla.choices import DeadlineAction
        from kesu.sla.defaults import install_deadline_defaults
        from kesu.sla.replay import deadline_entry_replay, panel_actions
        from kesu.sla.selectors import exported_milestones, printed_deadlines
        from kesu.sla.services import organisation_calendar_install
        from kesu.sla.tracking import (
            milestones_after_contact,
            milestones_after_move,
            milestones_at_registration,
            milestones_feedback_expected,
            milestones_feedback_sent,
        )

        register_action_labels(DeadlineAction)
        # What the complaints do to their deadlines (kesu/complaints/hooks.py).
        complaints.registration_planned.register(milestones_at_registration)
        complaints.after_move.register(milestones_after_move)
        complaints.after_contact.register(milestones_after_contact)
        complaints.team_changed.register(updates_for_team)
        complaints.defaults_installed.register(install_deadline_defaults)
        complaints.template_installed.register(organisation_calendar_install)
        complaints.printed_deadlines.register(printed_deadlines)
        complaints.entry_replayed.register(deadline_entry_replay)
        complaints.panel_actions.register(panel_actions)
        complaints.exported_columns.register(exported_milestones)
        complaints.manufacturer_feedback_expected.register(milestones_feedback_expected)
        complaints.manufacturer_feedback_sent.register(milestones_feedback_sent)
