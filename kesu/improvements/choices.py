from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, to be reviewed")
    EFFECTIVE = "effective", _("Reviewed: effective")
    NOT_EFFECTIVE = "not_effective", _("Reviewed: not effective")
    CANCELLED = "cancelled", _("Cancelled")


# Still being carried out: the due date matters (overdue, reminders).
WORKING_STATUSES = frozenset({Status.OPEN, Status.IN_PROGRESS})
# Finished with: nothing more is changed.
CLOSED_STATUSES = frozenset({Status.EFFECTIVE, Status.NOT_EFFECTIVE, Status.CANCELLED})
REVIEWED_STATUSES = frozenset({Status.EFFECTIVE, Status.NOT_EFFECTIVE})
# The list's filter for every action not reviewed or cancelled yet.
ACTIVE = "active"


class Verdict(models.TextChoices):
    """What the review found (the statuses an action ends in after it)."""

    EFFECTIVE = Status.EFFECTIVE.value, _("Effective: the measure moved as it should")
    NOT_EFFECTIVE = Status.NOT_EFFECTIVE.value, _("Not effective")


class Unit(models.TextChoices):
    """How the matching complaints of a period are turned into the measure."""

    PER_30_DAYS = "per_30_days", _("Matching complaints per 30 days")
    PER_THOUSAND = (
        "per_thousand",
        _(
            "Matching complaints per 1,000 of a business volume counted by hand (e.g. service visits)"
        ),
    )


class ImprovementAudit(models.TextChoices):
    """The audit entries of an improvement action (its history)."""

    CREATED = "improvement_created", _("Improvement action created")
    CHANGED = "improvement_changed", _("Improvement action changed")
    STARTED = "improvement_started", _("Improvement action started")
    DONE = "improvement_done", _("Improvement action done")
    REOPENED = "improvement_reopened", _("Improvement action back in progress")
    CANCELLED = "improvement_cancelled", _("Improvement action cancelled")
    REVIEWED = "improvement_reviewed", _("Improvement action reviewed")
