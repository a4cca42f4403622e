"""What the portal reads: the organisation and branches it serves, and one case as its customer
may see it (no staff names, no internal notes, nothing of another complaint)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import ComplaintAction, State
from kesu.complaints.models import Attachment, Complaint, RecourseOption
from kesu.complaints.selectors import recourse_for
from kesu.organisation.models import Branch, Organisation
from kesu.portal.services import ENDED_STATES, PORTAL_PREFIX, RATABLE_STATES, already_rated

# The state in the customer's words (the internal names mean nothing to them).
CUSTOMER_STATES: dict[str, tuple] = {
    State.REGISTERED: (
        pgettext_lazy("customer portal", "Received"),
        _("We have your case and will contact you soon."),
    ),
    State.CONFIRMED: (_("Being looked into"), _("We are looking into what happened.")),
    State.INVESTIGATING: (_("Being looked into"), _("We are looking into what happened.")),
    State.SOLUTION_PROPOSED: (
        _("Solution on its way"),
        _("We are working out a solution and will tell you about it."),
    ),
    State.AWAITING_APPROVAL: (
        _("Solution on its way"),
        _("We are working out a solution and will tell you about it."),
    ),
    State.IN_PROGRESS: (_("Being carried out"), _("The agreed solution is being carried out.")),
    State.RESOLVED: (
        _("Resolved"),
        _("We believe your case is resolved. We may call you to check that all is well."),
    ),
    State.VERIFIED: (_("Resolved"), _("Your case is resolved and you confirmed it.")),
    State.PARKED: (
        _("On hold"),
        _("We cannot resolve this yet; we will contact you as soon as we can go on."),
    ),
    State.CLOSED: (
        pgettext_lazy("customer portal", "Closed"),
        _("Your case is closed. Thank you for telling us."),
    ),
    State.MERGED: (
        _("Handled together"),
        _("We handle this together with another case of yours."),
    ),
    State.WITHDRAWN: (_("Withdrawn"), _("This case was withdrawn.")),
}
STEPS = (
    (pgettext_lazy("customer portal", "Received"), {State.REGISTERED}),
    (_("Being looked into"), {State.CONFIRMED, State.INVESTIGATING}),
    (_("Solution"), {State.SOLUTION_PROPOSED, State.AWAITING_APPROVAL, State.IN_PROGRESS}),
    (_("Resolved"), {State.RESOLVED, State.VERIFIED}),
    (pgettext_lazy("customer portal", "Closed"), {State.CLOSED}),
)


def portal_organisation() -> Organisation | None:
    """KESU_PORTAL_ORGANISATION's organisation, else the first one."""
    qs = Organisation.objects.order_by("pk")
    code = settings.KESU_PORTAL_ORGANISATION
    return (qs.filter(code=code) if code else qs).first()


def portal_branches(organisation: Organisation) -> QuerySet[Branch]:
    return Branch.objects.filter(organisation=organisation).order_by("name", "pk")


def portal_branch(organisation: Organisation, code: str) -> Branch | None:
    return (
        Branch.objects.select_related("organisation")
        .filter(organisation=organisation, code=code)
        .first()
    )


def complaint_for_customer(organisation: Organisation, number: str, phone: str):
    """The complaint of this number whose customer has this phone, or None (whether the
    number does not exist or is someone else's: the caller answers both alike)."""
    return (
        Complaint.objects.select_related("branch", "branch__organisation", "customer")
        .filter(organisation=organisation, number=number.strip().upper(), customer__phone=phone)
        .first()
    )


@dataclass
class Line:
    at: datetime
    text: str


@dataclass
class CaseView:
    complaint: Complaint
    state_title: str
    state_text: str
    steps: list[tuple[str, str]]  # (label, "done" | "current" | "")
    promised: datetime | None
    shared: list[Line] = field(default_factory=list)
    added: list[Line] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    may_rate: bool = False
    may_add: bool = False
    rated: bool = False
    recourse: list[RecourseOption] = field(default_factory=list)


def _steps(state: str) -> list[tuple[str, str]]:
    current = next((i for i, (_l, states) in enumerate(STEPS) if state in states), None)
    out = []
    for i, (label, _states) in enumerate(STEPS):
        if current is None:
            status = ""
        else:  # the last step reached is done: nothing is left to come
            last = current == len(STEPS) - 1
            status = "done" if i < current or last else "current" if i == current else ""
        out.append((str(label), status))
    return out


def case_view(complaint: Complaint) -> CaseView:
    """One complaint as its customer sees it, in a fixed number of queries."""
    title, text = CUSTOMER_STATES.get(complaint.state, CUSTOMER_STATES[State.REGISTERED])
    entries = (
        AuditEntry.objects.filter(
            complaint_id=complaint.pk,
            action__in=[ComplaintAction.NOTE, ComplaintAction.CALL],
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    shared, added = [], []
    for e in entries:
        by_customer = e.actor is not None and e.actor.username.startswith(PORTAL_PREFIX)
        if by_customer:
            added.append(Line(e.at, str(e.data.get("text", ""))))
        elif e.visibility == AuditEntry.Visibility.SHARED and e.data.get("text"):
            shared.append(Line(e.at, str(e.data["text"])))
    photos = list(
        Attachment.objects.filter(
            complaint_id=complaint.pk, uploaded_by__username__startswith=PORTAL_PREFIX
        )
        .order_by("pk")
        .values_list("original_name", flat=True)
    )
    rated = already_rated(complaint)
    ended = complaint.state in ENDED_STATES
    return CaseView(
        complaint=complaint,
        state_title=str(title),
        state_text=str(text),
        steps=_steps(complaint.state),
        promised=None if ended else complaint.due_at,
        shared=shared,
        added=added,
        photos=photos,
        may_rate=complaint.state in RATABLE_STATES and not rated,
        may_add=complaint.state not in ENDED_STATES,
        rated=rated,
        recourse=recourse_for(complaint),
    )
