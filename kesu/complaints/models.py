import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kesu.complaints import limits
from kesu.complaints.checklist import item_choices as checklist_item_choices
from kesu.complaints.checklist import move_choices as checklist_move_choices
from kesu.complaints.choices import (
    CauseClass,
    Channel,
    CloseReason,
    CompensationType,
    ConfirmationMethod,
    Demand,
    EscalationLevel,
    ImportStatus,
    Kind,
    Resolvability,
    Responsibility,
    Satisfaction,
    Severity,
    State,
    TeamRole,
)
from kesu.core.limits import TextLimit
from kesu.customers.choices import PersonalityType
from kesu.customers.models import Customer, Purchase
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, Organisation


def in_subtree(path: str, root: str) -> bool:
    """Whether the category at `path` is the one at `root` or under it (paths: "sales/sales.promise")."""
    return bool(path) and (path == root or path.startswith(root + "/"))


class Category(models.Model):
    """A node of the configurable category tree (e.g. 产品质量 › 发动机)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="categories"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=40)
    # Materialised path of codes ("quality/engine") so a subtree is one indexed prefix match.
    path = models.CharField(_("path"), max_length=400, editable=False)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    default_cause = models.CharField(
        _("default cause class"), max_length=20, choices=CauseClass.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="category_code_unique")
        ]
        indexes = [models.Index(fields=["organisation", "path"], name="category_path_idx")]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = f"{self.parent.path}/{self.code}" if self.parent_id else self.code
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # A renamed or moved node takes its subtree along: filters and routing match paths.
            below = list(
                Category.objects.filter(
                    organisation_id=self.organisation_id, path__startswith=old_path + "/"
                )
            )
            for node in below:
                node.path = self.path + node.path[len(old_path) :]
            Category.objects.bulk_update(below, ["path"])

    @property
    def label(self) -> str:
        """The name in the active language: the English one when English is active and it is
        set, the Chinese one otherwise."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


class SeverityRule(models.Model):
    """A rule that suggests a severity when a complaint is registered; staff may override it."""

    class Match(models.TextChoices):
        KEYWORD = "keyword", _("Account or title contains")
        DEMAND = "demand", _("Demand is")
        CHANNEL = "channel", _("Channel is")
        CATEGORY = "category", _("Category is (or is under)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="severity_rules"
    )
    match = models.CharField(_("match"), max_length=10, choices=Match.choices)
    value = models.CharField(_("value"), max_length=100)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    crisis = models.BooleanField(
        _("crisis"), default=False, help_text=_("A match also flags the complaint as a crisis.")
    )
    reason_code = models.SlugField(
        _("reason code"), max_length=40, help_text=_("Recorded on the complaint, e.g. safety.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("severity rule")
        verbose_name_plural = _("severity rules")

    def __str__(self) -> str:
        return f"{self.get_match_display()} {self.value_display()} → {self.get_severity_display()}"

    def value_display(self) -> str:
        """The value as staff read it: a demand or channel by its name, not its code."""
        choices = {self.Match.DEMAND: Demand, self.Match.CHANNEL: Channel}.get(self.match)
        if choices is not None and self.value in choices.values:
            return str(choices(self.value).label)
        return self.value


class RoutingRule(models.Model):
    """Where a new complaint goes: the most specific active rule that matches names its handling
    department (kesu/complaints/routing.py). Empty criteria match anything."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="routing_rules"
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category (or under it)"),
    )
    cause = models.CharField(
        _("cause class"), max_length=20, choices=CauseClass.choices, blank=True
    )
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices, blank=True)
    demand = models.CharField(_("demand"), max_length=20, choices=Demand.choices, blank=True)
    department_code = models.SlugField(
        _("department code"),
        max_length=40,
        blank=True,
        help_text=_("The department of this code in the complaint's branch, e.g. sales."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_(
            "This person handles the complaint, where they work in its branch "
            "(otherwise the next matching rule applies)."
        ),
    )
    owner_role = models.CharField(
        _("owner's role"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_(
            "The person of this role in the department (or, without one, in the branch) "
            "with the fewest open complaints handles it."
        ),
    )
    priority = models.SmallIntegerField(
        _("priority"), default=0, help_text=_("Among equally specific rules, the higher wins.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["organisation", "-priority", "id"]

    def __str__(self) -> str:
        target = self.department_code or self.owner_role or (self.owner and str(self.owner)) or "?"
        return f"{self.name} → {target}"

    @property
    def label(self) -> str:
        """The name in the active language, as Category.label."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name

    def clean(self) -> None:
        if not (self.department_code or self.owner_id or self.owner_role):
            raise ValidationError(_("Name a department, an owner or a role."))
        if self.owner_id and self.owner_role:
            raise ValidationError({"owner_role": _("Name either an owner or a role, not both.")})
        if self.owner_id and self.owner.organisation_id != self.organisation_id:
            raise ValidationError({"owner": _("The owner must work in this organisation.")})
        if self.department_code and self.organisation_id:
            codes = set(
                Department.objects.filter(branch__organisation_id=self.organisation_id)
                .values_list("code", flat=True)
                .distinct()
            )
            # An organisation without branches yet has nothing to check against.
            if codes and self.department_code not in codes:
                raise ValidationError(
                    {
                        "department_code": _(
                            "No branch of the organisation has a department of this code; "
                            "the codes are: %(codes)s."
                        )
                        % {"codes": ", ".join(sorted(codes))}
                    }
                )

    @property
    def specificity(self) -> int:
        return sum(
            bool(v)
            for v in (self.category_id, self.cause, self.channel, self.severity, self.demand)
        )


class ChecklistRequirement(models.Model):
    """A checklist item that must be ticked before a move of the procedure may be made."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="checklist_requirements"
    )
    move = models.CharField(
        _("move"),
        max_length=32,
        choices=checklist_move_choices,
        help_text=_("The move that is refused while the item is not ticked."),
    )
    item = models.CharField(_("checklist item"), max_length=32, choices=checklist_item_choices)

    class Meta:
        verbose_name = _("required checklist item")
        verbose_name_plural = _("required checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "move", "item"], name="checklist_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_move_display()}: {self.get_item_display()}"


class ComplaintCounter(models.Model):
    """The last number handed out per organisation and year; rows are locked while numbering."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="complaint_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_value}"


class Complaint(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="complaints"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("branch")
    )
    number = models.CharField(_("number"), max_length=24, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REGISTERED, editable=False
    )

    # What was received, from whom, how.
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    channel_detail = models.CharField(
        _("channel detail"), max_length=limits.CHANNEL_DETAIL, blank=True
    )
    # Forwarded by a third party (THIRD_PARTY_CHANNELS): their own number for it and who there
    # handles it, so the answer can go back to them under their reference.
    third_party_reference = models.CharField(
        _("third party's reference"),
        max_length=limits.THIRD_PARTY_REFERENCE,
        blank=True,
        help_text=_(
            "Their number for the case: the 12315 work order, the manufacturer's case number, "
            "the court's case number."
        ),
    )
    third_party_contact = models.CharField(
        _("third party's contact"),
        max_length=limits.THIRD_PARTY_CONTACT,
        blank=True,
        help_text=_("Who handles it there: name, phone, e-mail."),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    purchase = models.ForeignKey(
        Purchase,
        on_delete=models.PROTECT,
        related_name="complaints",
        null=True,
        blank=True,
        verbose_name=_("order / vehicle / service visit"),
    )
    received_at = models.DateTimeField(_("received at"))
    title = models.CharField(_("summary"), max_length=limits.TITLE)
    account = models.TextField(
        _("customer's account"),
        help_text=_("In the customer's own words."),
        max_length=limits.ACCOUNT,
        validators=[TextLimit(limits.ACCOUNT)],
    )
    demand = models.CharField(
        _("demand"), max_length=16, choices=Demand.choices, default=Demand.OTHER
    )
    demand_detail = models.CharField(_("demand detail"), max_length=limits.LINE, blank=True)
    # Staff named as the customer or colleagues name them, not a user: the salesperson or
    # mechanic concerned may have no Kesu account (docs/decisions.md).
    staff_involved = models.CharField(
        _("staff member involved"),
        max_length=limits.PERSON,
        blank=True,
        help_text=_("The employee the complaint is about: name and position."),
    )
    promise_made_by = models.CharField(
        _("promise made by"),
        max_length=limits.PERSON,
        blank=True,
        help_text=_("For a promise not kept: who made it (they answer for it)."),
    )

    # Classification.
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("category"),
    )
    cause = models.CharField(
        _("cause class"), max_length=20, choices=CauseClass.choices, blank=True
    )
    severity = models.CharField(
        _("severity"), max_length=12, choices=Severity.choices, default=Severity.GENERAL
    )
    suggested_severity = models.CharField(
        _("suggested severity"),
        max_length=12,
        choices=Severity.choices,
        default=Severity.GENERAL,
        editable=False,
    )
    severity_reasons = models.JSONField(
        _("severity rule codes"), default=list, blank=True, editable=False
    )
    severity_override_reason = models.CharField(
        _("reason for changing the severity"), max_length=limits.LINE, blank=True
    )
    is_crisis = models.BooleanField(_("crisis"), default=False)
    # What the crisis detector found in the text at registration (kesu/triage/crisis.py):
    # [{"kind": "social", "words": "发抖音"}, ...]; kept when staff clear the flag.
    crisis_signals = models.JSONField(_("crisis signals"), default=list, blank=True, editable=False)
    resolvability = models.CharField(
        _("resolvability"), max_length=12, choices=Resolvability.choices, blank=True
    )
    responsibility = models.CharField(
        _("responsibility"), max_length=30, choices=Responsibility.choices, blank=True
    )
    personality_type = models.CharField(
        _("customer personality type"), max_length=20, choices=PersonalityType.choices, blank=True
    )
    upset_level = models.PositiveSmallIntegerField(_("how upset (1–5)"), null=True, blank=True)

    # Who has it.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_complaints",
        verbose_name=_("owner"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("handling department"),
    )
    routed_by = models.ForeignKey(
        RoutingRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("routed by"),
        help_text=_("The routing rule that chose the department at registration, if one did."),
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)

    # Confirmation of the record with the customer (stage 1).
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmation_method = models.CharField(
        _("confirmation"),
        max_length=20,
        choices=ConfirmationMethod.choices,
        blank=True,
        editable=False,
    )

    # Solution and compensation (stage 3).
    solution = models.TextField(
        _("solution"), max_length=limits.TEXT, blank=True, validators=[TextLimit(limits.TEXT)]
    )
    solution_due_on = models.DateField(_("solution to be done by"), null=True, blank=True)
    compensation_type = models.CharField(
        _("compensation"), max_length=20, choices=CompensationType.choices, blank=True
    )
    compensation_amount = models.DecimalField(
        _("compensation amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compensation approved by"),
        editable=False,
    )
    compensation_approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    not_solvable_reason = models.CharField(
        _("why not solvable for now"), max_length=limits.LINE, blank=True
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)

    # What was learnt (stage 4).
    root_cause = models.TextField(
        _("root cause"), max_length=limits.TEXT, blank=True, validators=[TextLimit(limits.TEXT)]
    )
    corrective_action = models.TextField(
        _("corrective action"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
    )
    preventive_action = models.TextField(
        _("preventive action"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
    )
    # From this day on the preventive action may be verified (workflow: set when it is recorded,
    # by default KESU_PREVENTION_VERIFY_AFTER_DAYS later); empty on cases from before the rule.
    preventive_verify_on = models.DateField(
        _("verify the preventive action on"), null=True, blank=True, editable=False
    )
    preventive_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    preventive_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    preventive_verification = models.TextField(
        _("verification of the preventive action"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True, editable=False
    )

    # End of the road.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    close_reason = models.CharField(
        _("closing reason"),
        max_length=20,
        choices=CloseReason.choices,
        blank=True,
        editable=False,
    )
    # In the customer's words, e.g. why they withdrew.
    close_note = models.CharField(
        _("closing note"), max_length=limits.LINE, blank=True, editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        editable=False,
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)
    # Two-character pieces of the searched texts and customer name (see complaints/search.py).
    search_grams = models.TextField(default="", blank=True, editable=False)
    # Texts only the timeline keeps (case summary, reasons of moves), for search.
    search_notes = models.TextField(default="", blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="complaint_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(upset_level__isnull=True) | models.Q(upset_level__range=(1, 5)),
                name="complaint_upset_level_range",
            ),
        ]
        # Lists are "newest first" within a scope, so each index ends with id.
        indexes = [
            models.Index(fields=["branch", "state", "id"], name="complaint_branch_state_idx"),
            models.Index(fields=["branch", "id"], name="complaint_branch_idx"),
            models.Index(fields=["department", "state", "id"], name="complaint_dept_state_idx"),
            models.Index(fields=["owner", "state", "id"], name="complaint_owner_state_idx"),
            models.Index(fields=["customer", "id"], name="complaint_customer_idx"),
            # Ends with id, so a period's lowest and highest ids come from the index alone. A key
            # column rather than INCLUDE: SQLite has no INCLUDE (system check models.W040).
            models.Index(
                fields=["organisation", "received_at", "id"], name="complaint_received_idx"
            ),
            models.Index(fields=["organisation", "severity", "id"], name="complaint_severity_idx"),
            models.Index(fields=["category", "id"], name="complaint_category_idx"),
            models.Index(fields=["due_at"], name="complaint_due_idx"),
            # Overdue counts per organisation (/metrics): only the rows of open states that are
            # past their date, not every complaint ever past it. Not a partial index: SQLite
            # cannot match the query's bound IN list with an index condition.
            models.Index(fields=["state", "due_at", "organisation"], name="complaint_overdue_idx"),
            # A branch's cases escalated to one level (the director's and the GM's "waiting for
            # me"): few rows, where the (branch, state) index would walk every open case.
            models.Index(
                fields=["branch", "escalation_level", "state"], name="complaint_escalated_idx"
            ),
            # The complaints changed since a moment (the report's monthly counts,
            # kesu/reports/rollups.py: which months to count again, which to count live).
            models.Index(fields=["organisation", "updated_at"], name="complaint_updated_idx"),
            # Who complained in a period (the report's repeat customers), from the index alone.
            models.Index(
                fields=["organisation", "received_at", "customer", "branch"],
                name="complaint_customers_idx",
            ),
            # Search by the reference a third party gave (a 12315 work order, a case number).
            models.Index(
                fields=["organisation", "third_party_reference"], name="complaint_reference_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"complaints/{instance.complaint.organisation_id}/{instance.complaint.number}/{filename}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(
        _("description"), max_length=limits.ATTACHMENT_DESCRIPTION, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ComplaintMember(models.Model):
    """Someone on a complaint's team beside its owner (kesu/complaints/team.py)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="members", verbose_name=_("complaint")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="complaint_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role on the team"), max_length=20, choices=TeamRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "user"], name="complaint_member_once")
        ]
        # A user's "with my team" queue starts from their memberships.
        indexes = [models.Index(fields=["user", "complaint"], name="complaint_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ManufacturerContact(models.Model):
    """Someone of the manufacturer's regional staff (厂家区域人员) a branch may escalate to.

    A contact without a branch serves every branch of the organisation; one with a branch only
    that branch. Contacts are switched off, not deleted: exchanges name them.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="manufacturer_contacts",
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="manufacturer_contacts",
        verbose_name=_("branch"),
        help_text=_("Leave empty for a contact every branch may escalate to."),
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(
        _("role / title"), max_length=100, blank=True, help_text=_("e.g. regional service manager")
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("manufacturer contact")
        verbose_name_plural = _("manufacturer contacts")
        ordering = ["organisation", "branch", "name", "id"]

    def __str__(self) -> str:
        details = " · ".join(part for part in (self.title, self.region, self.brand) if part)
        return f"{self.name} ({details})" if details else self.name

    def clean(self):
        errors = {}
        if self.branch_id and self.branch.organisation_id != self.organisation_id:
            errors["branch"] = _("Choose a branch of the contact's organisation.")
        if not (self.phone or "").strip() and not (self.email or "").strip():
            errors["phone"] = _("Give a phone number or an e-mail address to reach them.")
        if errors:
            raise ValidationError(errors)


class ManufacturerExchange(models.Model):
    """A question a branch put to the manufacturer's regional staff about a complaint, and
    their answer once it came; both are also entries of the complaint's timeline."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="manufacturer_exchanges"
    )
    contact = models.ForeignKey(
        ManufacturerContact,
        on_delete=models.PROTECT,
        related_name="exchanges",
        verbose_name=_("manufacturer contact"),
    )
    asked = models.TextField(
        _("what was asked"), max_length=limits.TEXT, validators=[TextLimit(limits.TEXT)]
    )
    asked_at = models.DateTimeField(_("asked at"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    answer = models.TextField(
        _("the manufacturer's answer"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer recorded by"),
    )
    feedback_expected = models.BooleanField(
        _("the manufacturer expects a report back"), default=False
    )

    class Meta:
        verbose_name = _("exchange with the manufacturer")
        verbose_name_plural = _("exchanges with the manufacturer")
        indexes = [models.Index(fields=["complaint", "id"], name="maker_exchange_complaint_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.contact_id} {self.asked_at:%Y-%m-%d}"


# Chinese characters (CJK ideographs and punctuation): a short name of them is no English one.
_HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


class RecourseOption(models.Model):
    """Where a customer may turn if still unsatisfied when their complaint closes (the market
    regulator's 12315, the consumer association, the manufacturer, arbitration, a court), with
    the time limit that applies: told on the complaint page, the closing letter and the closing
    text message. Each organisation edits its own, installed from its industry template."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="recourse_options"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("where (Chinese)"), max_length=limits.LINE)
    name_en = models.CharField(_("where (English)"), max_length=limits.LINE, blank=True)
    how = models.CharField(_("how to reach it (Chinese)"), max_length=limits.LINE, blank=True)
    how_en = models.CharField(_("how to reach it (English)"), max_length=limits.LINE, blank=True)
    time_limit = models.CharField(_("time limit (Chinese)"), max_length=limits.LINE, blank=True)
    time_limit_en = models.CharField(_("time limit (English)"), max_length=limits.LINE, blank=True)
    sms_name = models.CharField(
        _("name in the closing text message"),
        max_length=40,
        blank=True,
        help_text=_("A few characters, e.g. 12315; empty: not named in the text message."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recourse for unsatisfied customers")
        verbose_name_plural = _("recourse for unsatisfied customers")
        ordering = ["organisation", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="recourse_code_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def _in_language(self, chinese: str, english: str) -> str:
        return english if english and (get_language() or "").startswith("en") else chinese

    @property
    def label(self) -> str:
        return self._in_language(self.name, self.name_en)

    @property
    def how_label(self) -> str:
        return self._in_language(self.how, self.how_en)

    @property
    def time_limit_label(self) -> str:
        return self._in_language(self.time_limit, self.time_limit_en)

    @property
    def sms_label(self) -> str:
        """Its name in a closing text message, in the active language: the short name where
        it is in that language (in English only one without Chinese characters, like 12315),
        else the name (English, where recorded)."""
        english = (get_language() or "").startswith("en")
        if self.sms_name and not (english and _HAN.search(self.sms_name)):
            return self.sms_name
        return self.label


class ImportJob(models.Model):
    """One upload of historical complaints from Excel: its file until it is worked through, how
    far the work got (for the progress bar) and the report of every row's problems."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The uploader's language: the worker writes the report's messages in it.
    language = models.CharField(_("language of the report"), max_length=10, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    # In the database rather than on disk, so a worker on another machine can read it; emptied
    # once the job is done.
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    validated_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    # [[row, column, message], ...] in the uploader's language (at most REPORT_CAP of them).
    errors = models.JSONField(_("report"), default=list, blank=True)
    # Why the whole file was refused or the import failed, in the uploader's language.
    message = models.CharField(_("message"), max_length=500, blank=True)
    first_number = models.CharField(_("first number"), max_length=24, blank=True)
    last_number = models.CharField(_("last number"), max_length=24, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # How many times a worker took the job on: one whose worker stopped halfway is taken again
    # (import_jobs.recover_stalled_imports), up to STALL_ATTEMPTS times.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        indexes = [
            models.Index(fields=["created_by", "id"], name="import_job_user_idx"),
            models.Index(fields=["status", "id"], name="import_job_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class IdempotencyKey(models.Model):
    """Remembers which complaint a client's Idempotency-Key created, so a retry creates nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


# The list views users save live in their own module; importing it registers the model.
from kesu.complaints.saved_views import SavedView  # noqa: E402, F401
