"""Reads of the integrations app: the pop-up an agent's tab shows."""

from dataclasses import dataclass, field

from django.utils import timezone

from kesu.complaints.choices import OPEN_STATES
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.core.phones import display_phone, try_normalise_phone
from kesu.customers.models import Customer
from kesu.customers.selectors import contact_as_seen, customers_by_phone
from kesu.integrations.models import IncomingCall

# At most this many customers of one number, and open complaints of each, on the pop-up.
CUSTOMERS_SHOWN = 3
OPEN_SHOWN = 5


def current_call(user, now=None) -> IncomingCall | None:
    """The newest call still showing for this agent (reported less than a minute ago, not
    dismissed): one probe of the (agent, expires_at) index."""
    if not getattr(user, "is_authenticated", False) or not user.extension:
        return None
    return (
        IncomingCall.objects.filter(
            agent_id=user.pk, expires_at__gt=now or timezone.now(), dismissed_at__isnull=True
        )
        .order_by("-expires_at", "-id")
        .first()
    )


@dataclass
class CallerCard:
    customer: Customer
    phone: str  # as the agent's role sees phone numbers elsewhere
    vehicles: list = field(default_factory=list)
    open_complaints: list[Complaint] = field(default_factory=list)


@dataclass
class CallView:
    call: IncomingCall
    phone: str  # the caller's number for the intake (E.164 when it is one)
    shown_phone: str  # as the agent may see it
    cards: list[CallerCard]

    @property
    def is_new_caller(self) -> bool:
        return not self.cards


def call_view(user, call: IncomingCall) -> CallView:
    """Who is calling, as this agent may see them: the customers of that number the agent sees,
    their vehicles and orders the agent sees, and their open complaints. Three queries."""
    normalised = try_normalise_phone(call.caller)
    customers = (
        list(customers_by_phone(user, call.caller).order_by("id")[:CUSTOMERS_SHOWN])
        if normalised
        else []
    )
    open_by_customer: dict[int, list[Complaint]] = {c.pk: [] for c in customers}
    if customers:
        rows = (
            complaints_visible_to(user)
            .filter(customer_id__in=list(open_by_customer), state__in=sorted(OPEN_STATES))
            .only("id", "number", "title", "state", "due_at", "customer_id")
            .order_by("-id")[: OPEN_SHOWN * len(customers)]
        )
        for complaint in rows:
            shown = open_by_customer[complaint.customer_id]
            if len(shown) < OPEN_SHOWN:
                shown.append(complaint)
    cards = [
        CallerCard(
            customer=c,
            phone=display_phone(contact_as_seen(user, c.phone)),
            vehicles=list(c.purchases.all())[:OPEN_SHOWN],
            open_complaints=open_by_customer[c.pk],
        )
        for c in customers
    ]
    phone = normalised or call.caller
    return CallView(
        call=call,
        phone=phone,
        shown_phone=display_phone(contact_as_seen(user, phone)) if normalised else call.caller,
        cards=cards,
    )
