from django.db import models
from django.utils.translation import gettext_lazy as _


class MilestoneKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    SOLUTION = "solution", _("Solution proposed")
    RESOLUTION = "resolution", _("Resolution")
    SATISFACTION_CALLBACK = "satisfaction_callback", _("Satisfaction callback")
    CUSTOMER_UPDATE = "customer_update", _("Update to the customer")
    # Owed to the manufacturer (DOMAIN §10), not to the customer: see tracking.OWED_KINDS.
    MANUFACTURER_FEEDBACK = "manufacturer_feedback", _("Feedback to the manufacturer")


class Clock(models.TextChoices):
    WORKING = "working", _("Working time")
    CALENDAR = "calendar", _("Calendar time")


class Unit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")


class MilestoneStatus(models.TextChoices):
    WAITING = "waiting", _("Not started")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


# Milestones whose clock a sweep must watch.
OPEN_MILESTONE_STATUSES = frozenset({MilestoneStatus.RUNNING, MilestoneStatus.BREACHED})
# Milestones whose clock runs or is paused: a move can meet them.
MEETABLE_MILESTONE_STATUSES = OPEN_MILESTONE_STATUSES | {MilestoneStatus.PAUSED}
# Milestones a pause stops: running ones and those waiting for their clock to start.
PAUSABLE_MILESTONE_STATUSES = OPEN_MILESTONE_STATUSES | {MilestoneStatus.WAITING}
# Milestones that still need recomputing when a policy or a calendar changes.
LIVE_MILESTONE_STATUSES = frozenset(
    {
        MilestoneStatus.WAITING,
        MilestoneStatus.RUNNING,
        MilestoneStatus.PAUSED,
        MilestoneStatus.BREACHED,
    }
)


class PauseReason(models.TextChoices):
    PARKED = "parked", _("Parked as not solvable for now")
    CUSTOMER = "customer", _("Waiting for the customer")
    THIRD_PARTY = "third_party", _("Waiting for a third party")


class DeadlineAction(models.TextChoices):
    """Audit actions of the deadline tracking and the sweep."""

    DEADLINES = "deadlines", _("Deadlines set")
    MILESTONE_BREACHED = "milestone_breached", _("Deadline missed")
    ESCALATED_BY_DEADLINE = "escalated_by_deadline", _("Escalated for a missed deadline")
    WAIT = "wait", _("Waiting started")
    STOP_WAITING = "stop_waiting", _("Waiting ended")


class DeadlineNotice:
    """The notifications the sweep sends (kesu/notifications renders their texts)."""

    REMINDER = "milestone_reminder"
    BREACHED = "milestone_breached"
