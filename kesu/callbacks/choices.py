"""Codes of the callbacks app (DOMAIN §5). Rows store these codes; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What starts a callback or a greeting."""

    ORDER_EFFECTIVE = "order_effective", _("Order took effect")
    DELIVERED = "delivered", _("Delivered")
    SERVICE_COMPLETED = "service_completed", _("Service visit completed")
    COMPLAINT_RESOLVED = "complaint_resolved", _("Complaint resolved")
    COMPLAINT_CLOSED = "complaint_closed", _("Complaint closed")
    PERIODIC = "periodic", _("Periodic questionnaire")
    BIRTHDAY = "birthday", _("Customer's birthday")
    FOUNDING_ANNIVERSARY = "founding_anniversary", _("Company founding anniversary")
    KEY_PERSON_BIRTHDAY = "key_person_birthday", _("Key person's birthday")
    HOLIDAY = "holiday", _("Public holiday")
    SAMPLE_DELIVERIES = "sample_deliveries", _("Sample of deliveries")
    SAMPLE_COMPLAINTS = "sample_complaints", _("Sample of complaint records")
    SAMPLE_CUSTOMERS = "sample_customers", _("Sample of customers (loyalty)")


PURCHASE_EVENTS = {
    Event.ORDER_EFFECTIVE: "order_effective_on",
    Event.DELIVERED: "delivered_on",
    Event.SERVICE_COMPLETED: "service_completed_on",
}
COMPLAINT_EVENTS = frozenset({Event.COMPLAINT_RESOLVED, Event.COMPLAINT_CLOSED})
GREETING_EVENTS = frozenset(
    {Event.BIRTHDAY, Event.FOUNDING_ANNIVERSARY, Event.KEY_PERSON_BIRTHDAY, Event.HOLIDAY}
)
SAMPLE_EVENTS = frozenset(
    {Event.SAMPLE_DELIVERIES, Event.SAMPLE_COMPLAINTS, Event.SAMPLE_CUSTOMERS}
)


class Level(models.IntegerChoices):
    ONE = 1, _("Level 1: every case due")
    TWO = 2, _("Level 2: sample checked by managers")
    THREE = 3, _("Level 3: loyalty sample by directors")


class CallbackType(models.TextChoices):
    """Decides the script prompt shown during the call."""

    WELCOME = "welcome", _("Welcome after the order")
    DELIVERY = "delivery", _("After delivery")
    SERVICE = "service", _("After a service visit")
    SATISFACTION = "satisfaction", _("Satisfaction after resolution")
    FOLLOW_UP = "follow_up", _("Follow-up after closure")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    GREETING = "greeting", _("Greeting")
    SAMPLING = "sampling", _("Spot check")
    LOYALTY = "loyalty", _("Loyalty call")


class Delivery(models.TextChoices):
    CALL = "call", _("Phone call")
    SMS = "sms", _("Text message (SMS)")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To call")
    DONE = "done", _("Done")
    UNREACHED = "unreached", _("Not reached")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = frozenset({TaskStatus.OPEN})


class AttemptResult(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy or rejected")
    SWITCHED_OFF = "switched_off", _("Switched off / unavailable")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    CALL_LATER = "call_later", _("Asked to be called later")


NOT_REACHED_RESULTS = frozenset(
    {AttemptResult.NO_ANSWER, AttemptResult.BUSY, AttemptResult.SWITCHED_OFF}
)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ClosedBy(models.TextChoices):
    """How a task came to an end, besides the call itself."""

    CALL = "call", _("The call")
    PROCEDURE = "procedure", _("The complaint's procedure")
    SYSTEM = "system", _("The system")


class Population(models.TextChoices):
    DELIVERIES = "deliveries", _("Deliveries")
    COMPLAINTS = "complaints", _("Complaint records")
    CUSTOMERS = "customers", _("Customers (new and existing)")


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Satisfaction 1–5")
    NPS = "nps", _("Recommendation 0–10")
    TEXT = "text", _("Free text")


class ResponseChannel(models.TextChoices):
    PHONE = "phone", _("On the phone, entered by staff")
    LINK = "link", _("By the customer through a link")


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the sending hours")
    SENT = "sent", _("Sent")
    RECORDED = "recorded", _("Kept in the outbox (no SMS provider configured)")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class SmsTemplate(models.TextChoices):
    BIRTHDAY = "birthday", _("Birthday greeting")
    FOUNDING_ANNIVERSARY = "founding_anniversary", _("Company anniversary greeting")
    KEY_PERSON_BIRTHDAY = "key_person_birthday", _("Key person's birthday greeting")
    HOLIDAY = "holiday", _("Holiday greeting")
    SURVEY_LINK = "survey_link", _("Questionnaire link")
    CLOSURE = "closure", _("Complaint closed: where else to turn")
    # A message written from the organisation's editable templates (kesu/mailboxes): the
    # finished text is in its params.
    CUSTOMER_MESSAGE = "customer_message", _("Message to a customer (from a template)")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")


class CallbackAction(models.TextChoices):
    """Audit actions of the callback workspace, the plans, surveys and SMS."""

    CALLBACK_PLANNED = "callback_planned", _("Callback planned")
    CALLBACK_SETTLED = "callback_settled", _("Callback no longer needed")
    CALLBACK_ATTEMPT = "callback_attempt", _("Callback attempted")
    CALLBACK_OUTCOME = "callback_outcome", _("Callback outcome recorded")
    CALL_PREFERENCE = "call_preference", _("Calling preference recorded")
    SAMPLE_DRAWN = "sample_drawn", _("Callback sample drawn")
    SURVEY_LINK_CREATED = "survey_link_created", _("Survey link created")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")
    SMS_QUEUED = "sms_queued", _("SMS queued")
