"""Callback plans, tasks, sample draws, surveys, greetings by SMS and leads (DOMAIN §5).

Rows hold codes and values; sentences are made from them when shown or sent.
"""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.callbacks import limits
from kesu.callbacks.choices import (
    AttemptResult,
    CallbackType,
    ClosedBy,
    Delivery,
    Event,
    LeadStatus,
    Level,
    Population,
    QuestionKind,
    ResponseChannel,
    Satisfaction,
    SmsStatus,
    SmsTemplate,
    TaskStatus,
)
from kesu.complaints.models import Complaint
from kesu.customers.models import Customer, KeyPerson, Purchase
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Organisation

# The minimum sampling rates of DOMAIN §5; an organisation may sample more, never less.
LEVEL2_MIN_RATE = Decimal("0.10")
LEVEL3_MIN_RATE = Decimal("0.05")


class CallbackSettings(models.Model):
    """An organisation's rules for calling, retrying, sampling and sending text messages."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="callback_settings"
    )
    call_from = models.TimeField(_("calls from"), default=time(9, 0))
    call_until = models.TimeField(_("calls until"), default=time(20, 0))
    rest_from = models.TimeField(
        _("midday rest from"),
        null=True,
        blank=True,
        default=time(12, 0),
        help_text=_("No calls during the customers' midday rest."),
    )
    rest_until = models.TimeField(
        _("midday rest until"), null=True, blank=True, default=time(14, 0)
    )
    working_days_only = models.BooleanField(
        _("call on working days only"),
        default=True,
        help_text=_("Callbacks falling on a holiday or weekend move to the next working day."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts before giving up"), default=3, validators=[MinValueValidator(1)]
    )
    retry_after_minutes = models.PositiveIntegerField(
        _("retry after (minutes)"),
        default=120,
        help_text=_("An unreached customer is called again after this long, within calling hours."),
    )
    max_late_days = models.PositiveSmallIntegerField(
        _("catch up at most (days)"),
        default=14,
        help_text=_("Events whose callback would be more days overdue than this create no task."),
    )
    level2_rate = models.DecimalField(
        _("level 2 sampling rate"),
        max_digits=4,
        decimal_places=3,
        default=LEVEL2_MIN_RATE,
        validators=[MinValueValidator(LEVEL2_MIN_RATE), MaxValueValidator(Decimal(1))],
    )
    level3_rate = models.DecimalField(
        _("level 3 sampling rate"),
        max_digits=4,
        decimal_places=3,
        default=LEVEL3_MIN_RATE,
        validators=[MinValueValidator(LEVEL3_MIN_RATE), MaxValueValidator(Decimal(1))],
    )
    auto_sample_weekly = models.BooleanField(
        _("draw samples every week"),
        default=True,
        help_text=_("The daily planning run draws last week's samples for every branch."),
    )
    recent_contact_days = models.PositiveSmallIntegerField(
        _("leave out customers sampled within (days)"),
        default=30,
        help_text=_("0 keeps everyone in the draw."),
    )
    sms_from = models.TimeField(_("text messages from"), default=time(9, 0))
    sms_until = models.TimeField(_("text messages until"), default=time(17, 0))
    sms_signature = models.CharField(
        _("text message signature"),
        max_length=40,
        blank=True,
        help_text=_("Names the sender; empty uses the branch's name."),
    )
    survey_link_days = models.PositiveSmallIntegerField(
        _("questionnaire links valid (days)"), default=14
    )

    class Meta:
        verbose_name = _("callback settings")
        verbose_name_plural = _("callback settings")

    def __str__(self) -> str:
        return str(self.organisation)

    def rate_for(self, level: int) -> Decimal:
        return self.level3_rate if level == Level.THREE else self.level2_rate


class Survey(models.Model):
    """A questionnaire: asked on the phone or answered by the customer through a link."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="surveys")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="survey_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="survey_question_code_unique")
        ]

    def __str__(self) -> str:
        return self.text


class CallbackPlan(models.Model):
    """When a callback (or a greeting) is due, at which level, by whom, with which script."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="callback_plans"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    event = models.CharField(_("event"), max_length=24, choices=Event.choices)
    offset_days = models.SmallIntegerField(
        _("days after the event"), default=0, help_text=_("0 is the day of the event itself.")
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days allowed"),
        default=1,
        help_text=_("The callback counts as on time up to this many days after it is due."),
    )
    interval_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"), null=True, blank=True, help_text=_("Periodic plans only.")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.ONE)
    role = models.CharField(
        _("done by"), max_length=20, choices=Role.choices, default=Role.CALLBACK
    )
    callback_type = models.CharField(
        _("callback type"), max_length=16, choices=CallbackType.choices
    )
    delivery = models.CharField(
        _("how"), max_length=6, choices=Delivery.choices, default=Delivery.CALL
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("questionnaire"),
    )
    tiers = models.JSONField(
        _("customer tiers"),
        default=list,
        blank=True,
        help_text=_("Only customers of these tiers; empty for all customers."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("callback plan")
        verbose_name_plural = _("callback plans")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="callback_plan_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CustomerCallPreference(models.Model):
    """When a customer prefers to be called, and whether they accept text messages."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="call_preference"
    )
    window_from = models.TimeField(_("call from"), null=True, blank=True)
    window_until = models.TimeField(_("call until"), null=True, blank=True)
    # ISO weekdays the customer may be called on, e.g. "12345" for weekdays; blank: any day.
    days = models.CharField(_("preferred days"), max_length=7, blank=True, default="")
    no_sms = models.BooleanField(_("no text messages"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calling preference")
        verbose_name_plural = _("calling preferences")

    def __str__(self) -> str:
        return f"{self.customer}: {self.window_from}–{self.window_until}"


class SampleDraw(models.Model):
    """A recorded random draw: from which population, with which seed and rate, who was drawn."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sample_draws"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="sample_draws"
    )
    plan = models.ForeignKey(CallbackPlan, on_delete=models.PROTECT, related_name="draws")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    population_kind = models.CharField(_("population"), max_length=12, choices=Population.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    rate = models.DecimalField(_("rate"), max_digits=4, decimal_places=3)
    seed = models.BigIntegerField(_("seed"))
    weighted = models.BooleanField(_("weighted by tier"), default=False)
    population_ids = models.JSONField(_("population"), default=list)
    excluded_ids = models.JSONField(_("left out"), default=list)
    drawn_ids = models.JSONField(_("drawn"), default=list)
    target_count = models.PositiveIntegerField(_("target"))
    # Counts of the lists above, so that measures need not load them.
    population_size = models.PositiveIntegerField(_("population size"), default=0)
    excluded_count = models.PositiveIntegerField(_("left out"), default=0)
    drawn_count = models.PositiveIntegerField(_("drawn"), default=0)
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )

    class Meta:
        verbose_name = _("sample draw")
        verbose_name_plural = _("sample draws")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "branch",
                    "level",
                    "population_kind",
                    "period_start",
                    "period_end",
                ],
                name="sample_draw_period_unique",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "period_start"], name="sample_draw_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_population_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def achieved_rate(self) -> float | None:
        return self.drawn_count / self.population_size if self.population_size else None


class CallbackTask(models.Model):
    """One callback to make: whom, about what, by when, and what came of it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="callback_tasks"
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_tasks",
        verbose_name=_("branch"),
    )
    plan = models.ForeignKey(
        CallbackPlan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("plan")
    )
    # Unique per organisation: plan, subject and event, so a replayed event adds nothing.
    key = models.CharField(max_length=120, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    callback_type = models.CharField(_("type"), max_length=16, choices=CallbackType.choices)
    event = models.CharField(_("event"), max_length=24, choices=Event.choices)
    event_on = models.DateField(_("event date"))
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="callback_tasks",
        verbose_name=_("customer"),
    )
    key_person = models.ForeignKey(
        KeyPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="callback_tasks"
    )
    purchase = models.ForeignKey(
        Purchase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_tasks",
        verbose_name=_("purchase"),
    )
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_tasks",
        verbose_name=_("complaint"),
    )
    sample_draw = models.ForeignKey(
        SampleDraw, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    due_on = models.DateField(_("due on"))
    latest_on = models.DateField(_("on time until"))
    # The next time the customer may be called, and the end of that calling window.
    call_from = models.DateTimeField(_("call from"))
    call_until = models.DateTimeField(_("call until"))
    role = models.CharField(_("done by"), max_length=20, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_tasks",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    score = models.PositiveSmallIntegerField(
        _("score (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # The notes of every call of the task one after the other, each at most its input's limit
    # (callbacks/limits.py); the log as a whole is not bounded.
    notes = models.TextField(_("notes"), blank=True)
    raised_complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_by_callbacks",
        verbose_name=_("new complaint"),
    )
    closed_by = models.CharField(
        _("closed by"), max_length=10, choices=ClosedBy.choices, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    # Set when the task ends: finished by the last day it counts as on time.
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="callback_task_key_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__range=(1, 5)),
                name="callback_task_score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "status", "call_from"], name="cb_task_branch_idx"),
            models.Index(fields=["assignee", "status", "call_from"], name="cb_task_assignee_idx"),
            models.Index(fields=["organisation", "status", "call_from"], name="cb_task_org_idx"),
            models.Index(fields=["organisation", "due_on"], name="cb_task_due_idx"),
            models.Index(fields=["customer", "completed_at"], name="cb_task_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_callback_type_display()} · {self.customer}"

    def finish(self, status: str, actor, at, closed_by: str) -> None:
        self.status, self.closed_by = status, closed_by
        self.completed_at, self.completed_by = at, actor
        self.on_time = timezone.localtime(at).date() <= self.latest_on


class CallAttempt(models.Model):
    """Every dial: who called, when, and whether the customer answered."""

    task = models.ForeignKey(CallbackTask, on_delete=models.CASCADE, related_name="call_attempts")
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=14, choices=AttemptResult.choices)
    note = models.CharField(_("note"), max_length=limits.ATTEMPT_NOTE, blank=True)
    rescheduled_to = models.DateTimeField(_("next call from"), null=True, blank=True)

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_result_display()}"


class SurveyInvitation(models.Model):
    """A questionnaire link sent to a customer: signed, expiring, answered once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        CallbackTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire link")
        verbose_name_plural = _("questionnaire links")

    def __str__(self) -> str:
        return f"{self.survey} → {self.customer}"


class SurveyResponse(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="survey_responses"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="survey_responses"
    )
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_responses"
    )
    task = models.ForeignKey(
        CallbackTask,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    channel = models.CharField(_("answered"), max_length=6, choices=ResponseChannel.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"))
    # Question code → answer: an integer for ratings and NPS, text for free text.
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")
        indexes = [
            models.Index(fields=["organisation", "answered_at"], name="survey_response_at_idx")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.customer}"


class SmsMessage(models.Model):
    """The text-message outbox: written at once, sent only inside the sending hours."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sms_messages"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="sms_messages"
    )
    key_person = models.ForeignKey(
        KeyPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        CallbackPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="sms_messages"
    )
    key = models.CharField(max_length=120, editable=False)
    phone = models.CharField(_("phone"), max_length=20)
    template = models.CharField(_("message"), max_length=24, choices=SmsTemplate.choices)
    params = models.JSONField(_("values"), default=dict, blank=True)
    sender_name = models.CharField(_("sender"), max_length=80)
    status = models.CharField(
        _("status"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.PENDING
    )
    not_before = models.DateTimeField(_("not before"))
    attempts = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("text as sent"), blank=True)
    provider_ref = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="sms_message_key_unique")
        ]
        indexes = [models.Index(fields=["status", "not_before"], name="sms_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_template_display()} → {self.phone}"


class Lead(models.Model):
    """Interest in further products or services, found during a callback."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="leads")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="leads")
    task = models.ForeignKey(
        CallbackTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    interest = models.CharField(_("interested in"), max_length=limits.LEAD_INTEREST)
    status = models.CharField(
        _("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return self.interest
