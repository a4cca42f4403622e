from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import CauseClass, Channel, Kind, Severity
from kesu.organisation.models import Branch, Organisation
from kesu.sla.choices import Clock, MilestoneKind, MilestoneStatus, Unit


def default_weekend() -> list[int]:
    return [6, 7]


class BusinessCalendar(models.Model):
    """Working hours, weekends and the exceptions (holidays, make-up workdays) of a branch.

    The calendar with no branch is the organisation's default; a branch with a calendar of
    its own uses that one.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="calendars"
    )
    branch = models.OneToOneField(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar",
        verbose_name=_("branch"),
        help_text=_("Leave empty for the organisation's default calendar."),
    )
    name = models.CharField(_("name"), max_length=100)
    morning_start = models.TimeField(_("work starts"), default=time(9, 0))
    lunch_start = models.TimeField(
        _("lunch break starts"), null=True, blank=True, default=time(12, 0)
    )
    lunch_end = models.TimeField(_("lunch break ends"), null=True, blank=True, default=time(13, 30))
    evening_end = models.TimeField(_("work ends"), default=time(18, 0))
    weekend_days = models.JSONField(
        _("weekend days"),
        default=default_weekend,
        help_text=_("ISO weekdays that are not worked: 1 = Monday … 7 = Sunday."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(branch__isnull=True),
                name="one_default_calendar_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """Says that a year's holiday table has been filled in; years without one warn."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=40, default="manual")

    class Meta:
        verbose_name = _("holiday table")
        verbose_name_plural = _("holiday tables")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="calendar_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.year}"


class CalendarDay(models.Model):
    """A day that differs from the weekday rule: a public holiday, or a weekend day made a workday."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("holidays and make-up workdays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DeadlinePolicy(models.Model):
    """Deadline targets for the complaints it matches; the most specific active policy wins.

    A blank match field matches anything; a category matches its whole subtree.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="deadline_policies"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        "complaints.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("category"),
    )
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    cause = models.CharField(
        _("cause class"), max_length=20, choices=CauseClass.choices, blank=True
    )
    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Between equally specific policies, the higher wins.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return sum(
            bool(v) for v in (self.kind, self.category_id, self.severity, self.channel, self.cause)
        )


class PolicyTarget(models.Model):
    policy = models.ForeignKey(DeadlinePolicy, on_delete=models.CASCADE, related_name="targets")
    milestone = models.CharField(_("milestone"), max_length=24, choices=MilestoneKind.choices)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.HOURS)
    clock = models.CharField(_("clock"), max_length=8, choices=Clock.choices, default=Clock.WORKING)

    class Meta:
        verbose_name = _("deadline target")
        verbose_name_plural = _("deadline targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "milestone"], name="policy_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()}: {self.amount} {self.get_unit_display()} ({self.get_clock_display()})"


class ComplaintMilestone(models.Model):
    """One deadline of one complaint: when its clock started, when it is due, met or breached."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("milestone"), max_length=24, choices=MilestoneKind.choices)
    # Reopening a case starts a new round of resolution and callback deadlines.
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=MilestoneStatus.choices)
    policy = models.ForeignKey(DeadlinePolicy, on_delete=models.SET_NULL, null=True, blank=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=8, choices=Unit.choices)
    clock = models.CharField(max_length=8, choices=Clock.choices)
    started_at = models.DateTimeField(_("clock started"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # [[start, end or null, reason], ...] in ISO form; the clock does not run inside them.
    pauses = models.JSONField(default=list, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalation_step = models.PositiveSmallIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)
    overridden_by = models.ForeignKey(
        "organisation.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # The sweep: what is due to be looked at next.
            models.Index(fields=["status", "next_check_at"], name="milestone_sweep_idx"),
            models.Index(fields=["complaint", "kind", "round"], name="milestone_complaint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} r{self.round} {self.status}"


class EscalationStep(models.Model):
    """Who hears about an overdue milestone, and how long after the breach (in working time)."""

    class Target(models.TextChoices):
        OWNER = "owner", _("Owner")
        DEPARTMENT_MANAGER = "department_manager", _("Department manager")
        CUSTOMER_DIRECTOR = "customer_director", _("Customer director")
        GENERAL_MANAGER = "general_manager", _("General manager")
        GROUP = "group", _("Group customer centre")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="escalation_steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    target = models.CharField(_("who"), max_length=20, choices=Target.choices)
    delay_minutes = models.PositiveIntegerField(
        _("after (working minutes)"),
        default=0,
        help_text=_("Working time after the deadline passed."),
    )

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="escalation_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_target_display()} +{self.delay_minutes}min"


class RecomputeRequest(models.Model):
    """Asks the worker to recompute open deadlines after a policy or calendar change."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=40)
    requested_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    milestones_changed = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["done_at"], name="recompute_pending_idx")]

    def __str__(self) -> str:
        return f"{self.reason} {self.requested_at:%Y-%m-%d %H:%M}"
