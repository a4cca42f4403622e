"""Reads: what a user may see, and the querysets lists and pages are built from."""

import re
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import OPEN_STATES, WAITING_STATES, CloseReason, State
from kesu.complaints.models import (
    Attachment,
    Category,
    Complaint,
    ComplaintMember,
    ManufacturerContact,
    ManufacturerExchange,
    RecourseOption,
)
from kesu.core.errors import NotFound
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The complaints a user may see: the group all, a branch its own, a department its own."""
    qs = Complaint.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.organisation_id is None:
        return qs if user.is_superuser else qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        acting = getattr(user, "acting_branch_ids", None)
        return qs if acting is None else qs.filter(branch_id__in=sorted(acting))
    if user.role == Role.HANDLER and user.department_id:
        # Their department's, their own, and those they were put on the team of.
        return qs.filter(
            Q(department_id=user.department_id)
            | Q(owner_id=user.pk)
            | Q(pk__in=ComplaintMember.objects.filter(user_id=user.pk).values("complaint_id"))
        )
    if user.branch_id:
        return qs.filter(branch_id=user.branch_id)
    return qs.filter(owner_id=user.pk)


def branches_in_view(user) -> QuerySet[Branch]:
    """The branches whose complaints the user may see: every branch of the organisation for
    whoever sees it whole, else their own branch (none without one)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Branch.objects.none()
    branches = Branch.objects.filter(organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        acting = getattr(user, "acting_branch_ids", None)
        if acting is not None:
            branches = branches.filter(pk__in=sorted(acting))
        return branches.order_by("code")
    return branches.filter(pk=user.branch_id) if user.branch_id else branches.none()


# Long texts a list row never shows; deferring them keeps list queries narrow.
LIST_DEFERRED = (
    "account",
    "search_grams",
    "search_notes",
    "solution",
    "root_cause",
    "corrective_action",
    "preventive_action",
    "preventive_verification",
    "customer__notes",
    "customer__address",
)


def complaint_rows(user) -> QuerySet[Complaint]:
    """complaint_list for pages that show rows (number, summary, state, owner, deadline)."""
    return complaint_list(user).defer(*LIST_DEFERRED)


def complaint_list(user) -> QuerySet[Complaint]:
    return (
        complaints_visible_to(user)
        .select_related("branch", "customer", "owner", "department", "category")
        .order_by("-id")
    )


def complaint_get(user, complaint_id: int) -> Complaint:
    """One complaint the user may see, or NotFound (never reveals another branch's cases)."""
    try:
        return complaint_list(user).select_related("purchase", "registered_by").get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# Open cases whose clock runs: parked cases wait for their follow-up date instead.
OVERDUE_STATES = OPEN_STATES - WAITING_STATES
# A deadline this close is "due soon" (the queue, the badge on the pages, "at risk").
DUE_SOON = timedelta(hours=24)


def complaints_overdue(qs: QuerySet[Complaint], now=None) -> QuerySet[Complaint]:
    return qs.filter(due_at__lt=now or timezone.now(), state__in=OVERDUE_STATES)


def complaints_at_risk(qs: QuerySet[Complaint], now=None) -> QuerySet[Complaint]:
    """Not overdue yet, but due within DUE_SOON: the cases to act on today."""
    now = now or timezone.now()
    return qs.filter(due_at__gte=now, due_at__lt=now + DUE_SOON, state__in=OVERDUE_STATES)


def overdue_groups(now=None) -> QuerySet:
    """(organisation id, count) of the overdue complaints, one row per state and organisation.

    Read from the index complaint_overdue_idx (state, due_at, organisation) alone: a range per
    open state, only the rows past their date. Grouped by the state too, because grouped by
    the organisation only, SQLite walks the organisation's foreign-key index (already in that
    order) through the whole table instead.
    """
    return (
        complaints_overdue(Complaint.objects.all(), now)
        .values("state", "organisation_id")
        .annotate(n=Count("*"))  # not Count("id"): the index alone answers, without the table
        .order_by()
        .values_list("organisation_id", "n")
    )


def overdue_counts_by_organisation(now=None) -> dict[int, int]:
    """How many complaints are overdue in each organisation (id → count; none: left out)."""
    counts: dict[int, int] = {}
    for organisation_id, n in overdue_groups(now):
        counts[organisation_id] = counts.get(organisation_id, 0) + n
    return counts


def complaint_is_overdue(complaint: Complaint, now=None) -> bool:
    return (
        complaint.due_at is not None
        and complaint.state in OVERDUE_STATES
        and complaint.due_at < (now or timezone.now())
    )


def complaint_detail(user, complaint_id: int) -> Complaint:
    """complaint_get plus everything a detail page shows, in one query."""
    try:
        return (
            complaint_list(user)
            .select_related(
                "purchase",
                "registered_by",
                "compensation_approved_by",
                "preventive_verified_by",
                "merged_into",
            )
            .get(pk=complaint_id)
        )
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def complaint_timeline(user, complaint_id: int) -> QuerySet[AuditEntry]:
    """The audit entries of a complaint the user may see, oldest first."""
    complaint = complaint_get(user, complaint_id)
    return (
        AuditEntry.objects.filter(
            organisation_id=complaint.organisation_id, complaint_id=complaint.pk
        )
        .select_related("actor")
        .order_by("seq")
    )


def complaint_attachments(user, complaint_id: int) -> QuerySet[Attachment]:
    complaint = complaint_get(user, complaint_id)
    return complaint.attachments.select_related("uploaded_by").order_by("id")


def attachment_get(user, complaint_id: int, attachment_id: int) -> Attachment:
    attachment = complaint_attachments(user, complaint_id).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    return attachment


def customer_recent_complaints(user, customer_id: int, limit: int = 10) -> QuerySet[Complaint]:
    """A customer's latest complaints, only those the user may see."""
    return complaints_visible_to(user).filter(customer_id=customer_id).order_by("-id")[:limit]


def customer_complaints(user, customer_id: int) -> QuerySet[Complaint]:
    """Every complaint of a customer the user may see, newest first (for paging: the
    customer-and-id index gives a page without reading the rest)."""
    return (
        complaints_visible_to(user)
        .filter(customer_id=customer_id)
        .select_related("category")
        .order_by("-id")
    )


def categories_visible_to(user) -> QuerySet[Category]:
    if not user.is_authenticated or user.organisation_id is None:
        return Category.objects.none()
    return Category.objects.filter(organisation_id=user.organisation_id).order_by("path")


def manufacturer_contacts_for(complaint: Complaint) -> QuerySet[ManufacturerContact]:
    """The active manufacturer contacts a complaint may be escalated to: its organisation's
    contacts for every branch and those of its own branch."""
    return ManufacturerContact.objects.filter(
        organisation_id=complaint.organisation_id, is_active=True
    ).filter(Q(branch__isnull=True) | Q(branch_id=complaint.branch_id))


def manufacturer_contacts_visible_to(user) -> QuerySet[ManufacturerContact]:
    """The contacts a user may pick from: their organisation's, for every branch or for the
    user's own (all of them for the organisation-wide roles)."""
    if not user.is_authenticated or user.organisation_id is None:
        return ManufacturerContact.objects.none()
    qs = ManufacturerContact.objects.filter(organisation_id=user.organisation_id)
    if not user.sees_whole_organisation:
        qs = qs.filter(Q(branch__isnull=True) | Q(branch_id=user.branch_id))
    return qs.select_related("branch").order_by("branch_id", "name", "id")


def complaint_exchanges(user, complaint_id: int) -> QuerySet[ManufacturerExchange]:
    """The exchanges with the manufacturer of a complaint the user may see, oldest first."""
    complaint = complaint_get(user, complaint_id)
    return exchanges_of(complaint)


def exchanges_of(complaint: Complaint) -> QuerySet[ManufacturerExchange]:
    return (
        ManufacturerExchange.objects.filter(complaint_id=complaint.pk)
        .select_related("contact", "asked_by", "answered_by")
        .order_by("id")
    )


def categories_by_label(categories) -> dict[str, Category]:
    """Each category under its path in the active language (the list intake offers), and also
    under its Chinese and English paths, so a label typed or kept in a draft in the other
    language still finds it."""
    by_id = {c.pk: c for c in categories}
    by_label: dict[str, Category] = {}
    for name in ("label", "name", "name_en"):
        for category in categories:
            label = category_path_label(category, by_id, name)
            if label:
                by_label.setdefault(label, category)
    return by_label


def category_path_label(category, by_id: dict, name: str = "label") -> str:
    """The category's path of names ("产品质量 › 发动机"); "" when a node has no such name."""
    names, node = [], category
    while node is not None:
        names.append(getattr(node, name))
        node = by_id.get(node.parent_id)
    return "" if not all(names) else " › ".join(reversed(names))


# Closed for these reasons, the customer is told where else they may turn: not a duplicate
# merged into another case (that case tells them), nor a complaint they withdrew.
RECOURSE_TOLD = (CloseReason.COMPLETED, CloseReason.OTHER)


def recourse_options(organisation_id: int) -> list[RecourseOption]:
    """The organisation's active recourse options, in their order (one small query)."""
    return list(RecourseOption.objects.filter(organisation_id=organisation_id, is_active=True))


def recourse_for(complaint: Complaint) -> list[RecourseOption]:
    """Where the customer of a closed complaint may turn if still unsatisfied; nothing while
    the complaint is open, merged or withdrawn."""
    if complaint.state != State.CLOSED or complaint.close_reason not in RECOURSE_TOLD:
        return []
    return recourse_options(complaint.organisation_id)


# A time limit's legal basis at its end, "…三年内（《…暂行办法》）" or "… (Civil Code, Article
# 188)": left out of a text message, which keeps the limit itself.
_BASIS = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def recourse_text(options: list[RecourseOption], *, compact: bool = False) -> str:
    """The recourse list as plain text, in the active language: the same options, with their
    time limits, as the complaint page, the portal and the printed closing letter show. An
    option a line; `compact` (text messages): its short name and the limit without its legal
    basis, else its name, how to reach it and the limit."""
    # The colon as each language writes it (： in Chinese).
    labelled = gettext("%(what)s: %(value)s")
    lines = []
    for option in options:
        limit = option.time_limit_label
        if compact:
            name = option.sms_label
            limit = _BASIS.sub("", limit)
            lines.append("· " + (labelled % {"what": name, "value": limit} if limit else name))
            continue
        parts = [f"· {option.label}"]
        if option.how_label:
            parts.append(f"  {option.how_label}")
        if limit:
            parts.append("  " + labelled % {"what": gettext("Time limit"), "value": limit})
        lines.append("\n".join(parts))
    return "\n".join(lines)
