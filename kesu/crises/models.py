"""Crisis handling (DOMAIN §7, seeds 002 and 003): a crisis complaint's named spokesperson, its
action plan, the public statements made, the posts and articles watched, the internal notice to
staff, and the review when it ends. One `Crisis` per complaint flagged as a crisis."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Attachment, Complaint
from kesu.core.limits import TextLimit
from kesu.crises import limits
from kesu.crises.choices import Platform, Status
from kesu.organisation.models import Branch, Organisation

USER = settings.AUTH_USER_MODEL


class Crisis(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    # The complaint's branch, kept here so that the lists are scoped without a join.
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="crises", verbose_name=_("branch")
    )
    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="crisis", verbose_name=_("complaint")
    )
    spokesperson = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="crises_spoken_for",
        verbose_name=_("spokesperson"),
        help_text=_("The only person who speaks for the company in public about this case."),
    )
    internal_notice = models.TextField(
        _("internal notice to staff"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("opened by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("ended by"),
    )
    # The review when it ends.
    review_what_happened = models.TextField(
        _("what happened"), max_length=limits.TEXT, blank=True, editable=False
    )
    review_what_worked = models.TextField(
        _("what worked"), max_length=limits.TEXT, blank=True, editable=False
    )
    review_what_to_change = models.TextField(
        _("what to change"), max_length=limits.TEXT, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("crisis")
        verbose_name_plural = _("crises")
        indexes = [
            models.Index(fields=["organisation", "branch", "status"], name="crisis_scope_idx"),
            models.Index(fields=["organisation", "status", "opened_at"], name="crisis_open_idx"),
        ]

    def __str__(self) -> str:
        return str(self.complaint.number) if self.complaint_id else str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def number(self) -> str:
        """The complaint's number: a crisis is known by its case."""
        return self.complaint.number


class CrisisStep(models.Model):
    """One step of the action plan: what is done, by whom, by when."""

    crisis = models.ForeignKey(
        Crisis, on_delete=models.CASCADE, related_name="steps", verbose_name=_("crisis")
    )
    title = models.CharField(_("step"), max_length=limits.TITLE)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="crisis_steps", verbose_name=_("owner")
    )
    due_at = models.DateTimeField(_("due"))
    note = models.TextField(
        _("note"), max_length=limits.TEXT, blank=True, validators=[TextLimit(limits.TEXT)]
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("done by"),
    )
    # The due times the reminder and the escalation were sent for (a moved time is sent again).
    reminded_for = models.DateTimeField(_("reminded of"), null=True, blank=True, editable=False)
    escalated_for = models.DateTimeField(_("escalated for"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("crisis action step")
        verbose_name_plural = _("crisis action steps")
        ordering = ["due_at", "id"]
        indexes = [
            # The reminder sweep: the steps not done yet, by due time.
            models.Index(
                fields=["due_at"], condition=Q(done_at__isnull=True), name="crisis_step_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


class CrisisStatement(models.Model):
    """A statement made in public: when, where, what, by whom."""

    crisis = models.ForeignKey(
        Crisis, on_delete=models.CASCADE, related_name="statements", verbose_name=_("crisis")
    )
    made_at = models.DateTimeField(_("made at"))
    channel = models.CharField(_("where"), max_length=limits.LINE)
    text = models.TextField(
        _("statement"), max_length=limits.TEXT, validators=[TextLimit(limits.TEXT)]
    )
    made_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    recorded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public statement")
        verbose_name_plural = _("public statements")
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.made_at:%Y-%m-%d %H:%M}"


class WatchedPost(models.Model):
    """A post or article about the case being watched, with a screenshot of it if taken."""

    crisis = models.ForeignKey(
        Crisis, on_delete=models.CASCADE, related_name="posts", verbose_name=_("crisis")
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    url = models.URLField(_("address"), max_length=limits.URL)
    title = models.CharField(_("title"), max_length=limits.TITLE, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    reach = models.CharField(
        _("reach"),
        max_length=limits.LINE,
        blank=True,
        help_text=_("Views, shares, comments, as far as they are known."),
    )
    notes = models.TextField(
        _("notes"), max_length=limits.TEXT, blank=True, validators=[TextLimit(limits.TEXT)]
    )
    # The screenshot is one of the complaint's files: stored, checked and shown as they are.
    screenshot = models.ForeignKey(
        Attachment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screenshot"),
    )
    recorded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watched post")
        verbose_name_plural = _("watched posts")
        ordering = ["first_seen_at", "id"]

    def __str__(self) -> str:
        return self.title or self.url
