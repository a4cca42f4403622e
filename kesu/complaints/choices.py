from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    GRIEVANCE = "grievance", _("Grievance")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Channel(models.TextChoices):
    PHONE = "phone", _("Hotline / phone")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web / portal")
    WECHAT = "wechat", _("WeChat")
    SOCIAL = "social", _("Social media / forum")
    CALLBACK = "callback", _("Found during a callback")
    MANUFACTURER = "manufacturer", _("Manufacturer hotline")
    CONSUMER_ASSOCIATION = "consumer_assoc", _("Consumer association")
    HOTLINE_12315 = "12315", _("12315 hotline")
    MEDIA = "media", _("Media")
    COURT = "court", _("Court")


# Channels through which a third party forwards the complaint.
THIRD_PARTY_CHANNELS = frozenset(
    {
        Channel.MANUFACTURER,
        Channel.CONSUMER_ASSOCIATION,
        Channel.HOTLINE_12315,
        Channel.MEDIA,
        Channel.COURT,
    }
)


class Demand(models.TextChoices):
    REPAIR = "repair", _("Repair")
    REPLACEMENT = "replacement", _("Replacement / exchange")
    RETURN = "return", _("Return")
    REFUND = "refund", _("Refund")
    PRICE_REDUCTION = "price_reduction", _("Price reduction")
    # Reducing an order is a partial cancellation: one code, the detail says which.
    ORDER_CANCELLATION = "cancel_order", _("Cancel or reduce the order")
    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    EXPLANATION = "explanation", _("Explanation")
    IMPROVEMENT = "improvement", _("Technical or quality improvement")
    OTHER = "other", _("Other")


class CauseClass(models.TextChoices):
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    SERVICE_MANNER = "service_manner", _("Staff attitude / service manner")
    PROCESS = "process", _("Process and paperwork")
    PROMISE_NOT_KEPT = "promise_not_kept", _("Sales promise not kept")
    CUSTOMER_MISUSE = "customer_misuse", _("Customer misuse")
    MISSED_AT_PDI = "missed_at_pdi", _("Missed at pre-delivery inspection")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MEDIUM = "medium", _("Medium")
    MAJOR = "major", _("Major")
    IRRATIONAL = "irrational", _("Irrational")


class Resolvability(models.TextChoices):
    NOW = "now", _("Can be solved now")
    SHORT_TERM = "short_term", _("Can be solved in the short term")
    NOT_FOR_NOW = "not_for_now", _("Not solvable for now")


class Responsibility(models.TextChoices):
    CUSTOMER_MISUNDERSTANDING = "customer_misunderstanding", _("Customer misunderstanding")
    INTERNAL = "internal", _("Internal")
    CUSTOMER_MISUSE = "customer_misuse", _("Customer misuse")
    THIRD_PARTY = "third_party", _("Third party")
    UNDETERMINED = "undetermined", _("Undetermined")


class CompensationType(models.TextChoices):
    FREE_REPAIR = "free_repair", _("Free repair")
    FREE_PARTS = "free_parts", _("Free parts")
    EXTENDED_WARRANTY = "extended_warranty", _("Extended warranty")
    CASH = "cash", _("Cash")
    GIFT = "gift", _("Gift or voucher")
    ON_SITE = "on_site", _("On-site service")


class ConfirmationMethod(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    RECORDED_CONSENT = "recorded_consent", _("Recorded verbal consent")
    WRITTEN_REPLY = "written_reply", _("Written reply (e-mail, WeChat, letter)")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    DEPARTMENT_MANAGER = 1, _("Department manager")
    CUSTOMER_DIRECTOR = 2, _("Customer director")
    GENERAL_MANAGER = 3, _("General manager")
    GROUP = 4, _("Group")


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CONFIRMED = "confirmed", _("Contacted / confirmed")
    INVESTIGATING = "investigating", _("Investigating")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    AWAITING_APPROVAL = "awaiting_approval", _("Compensation awaiting approval")
    IN_PROGRESS = "in_progress", _("Accepted, in progress")
    RESOLVED = "resolved", _("Resolved")
    VERIFIED = "verified", _("Verified by callback")
    PARKED = "parked", _("Not solvable for now")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Move(models.TextChoices):
    """The moves of the procedure (complaints/workflow.py TRANSITIONS); the label is the one
    every page, the API and the timeline show."""

    CONFIRM = "confirm", _("Customer confirmed the record")
    START_INVESTIGATION = "start_investigation", _("Start investigation")
    PROPOSE_SOLUTION = "propose_solution", _("Propose a solution")
    APPROVE_COMPENSATION = "approve_compensation", _("Approve the compensation")
    REJECT_COMPENSATION = "reject_compensation", _("Reject the compensation")
    ACCEPT_SOLUTION = "accept_solution", _("Customer accepted the solution")
    DECLINE_SOLUTION = "decline_solution", _("Customer declined the solution")
    RESOLVE = "resolve", _("Mark resolved")
    VERIFY = "verify", _("Satisfaction confirmed by callback")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen: customer still unsatisfied")
    PARK = "park", _("Park as not solvable for now")
    RESUME = "resume", _("Resume a parked case")
    MERGE = "merge", _("Merge into another complaint")
    WITHDRAW = "withdraw", _("Withdrawn by the customer")
    HAND_OVER = "hand_over", _("Hand over")
    TAKE_ON = "take_on", _("Take it on")
    ESCALATE = "escalate", _("Escalate")
    TAKE_OVER = "take_over", _("Take over for the group")
    SEND_BACK = "send_back", _("Send back to the branch with instructions")
    SET_DEADLINE = "set_deadline", _("Set the resolution deadline")
    OVERRIDE_SEVERITY = "override_severity", _("Change the severity")
    RECORD_ROOT_CAUSE = "record_root_cause", _("Record root cause and actions")
    VERIFY_PREVENTION = "verify_prevention", _("Verify the preventive action")


class CloseReason(models.TextChoices):
    """Why a complaint was closed; what the customer said, if anything, is in close_note."""

    COMPLETED = "completed", _("Completed")
    MERGED = "merged", _("Merged into another complaint")
    WITHDRAWN = "withdrawn", _("Withdrawn by the customer")
    OTHER = "other", _("Other")


TERMINAL_STATES = frozenset({State.CLOSED, State.MERGED, State.WITHDRAWN})
OPEN_STATES = frozenset(set(State) - TERMINAL_STATES)
# Open but the clock is not running on us: the case waits for the customer or is parked.
WAITING_STATES = frozenset({State.PARKED})
# Reached a result; the customer may still reopen it.
DONE_STATES = frozenset({State.RESOLVED, State.VERIFIED, State.CLOSED})


class ComplaintAction(models.TextChoices):
    """Audit actions on a complaint besides its moves (which are recorded by their Move code)."""

    REGISTER = "register", _("Registered")
    UPDATE = "update", _("Record edited")
    NOTE = "note", _("Note")
    CALL = "call", _("Call with the customer")
    ATTACH = "attach", _("File added")
    MERGED_IN = "merged_in", _("A duplicate was merged into this complaint")
    CHECKLIST = "checklist", _("Checklist updated")
    EXPORT = "export", _("Exported")
    TEAM_ADDED = "team_added", _("Added to the team")
    TEAM_REMOVED = "team_removed", _("Removed from the team")
    TEAM_ROLE_CHANGED = "team_role_changed", _("Role on the team changed")
    # The manufacturer (DOMAIN §10): a question to its regional staff, their answer, and the
    # report back the manufacturer expects.
    MANUFACTURER_ASKED = "manufacturer_asked", _("Escalated to the manufacturer")
    MANUFACTURER_ANSWERED = "manufacturer_answered", _("The manufacturer answered")
    MANUFACTURER_FEEDBACK = "manufacturer_feedback", _("Feedback sent to the manufacturer")
    # A historical complaint brought in from an Excel file (kesu/complaints/imports.py): the
    # entry records every field the row was given, like "register" does.
    IMPORT = "import", _("Imported from Excel")


class TeamRole(models.TextChoices):
    """What a member of a complaint's team does beside its owner (team.py)."""

    CO_HANDLER = "co_handler", _("Co-handler (cross-department team)")
    VISITING = "visiting", _("Visiting team")
    WATCHER = "watcher", _("Watcher")


class ImportStatus(models.TextChoices):
    """Where an Excel import of historical complaints stands (kesu/complaints/import_jobs.py)."""

    QUEUED = "queued", _("Waiting for the background worker")
    VALIDATING = "validating", _("Checking the rows")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    INVALID = "invalid", _("Not imported: rows to correct")
    FAILED = "failed", _("Not imported: the import failed")
