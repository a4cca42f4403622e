"""Who is told what, and when: the table of notification events (DOMAIN §4, §7, §10; seed 001).

Each event names the people it reaches by their place around the complaint (`Audience`), not
by a list of users; `people_for` turns an audience into the users of this complaint, through
kesu/complaints/people.py, the same lookups the deadline chain uses. docs/notifications.md is
generated from this table (`events_table`) and a test keeps the two equal.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import EscalationLevel
from kesu.complaints.models import Complaint
from kesu.complaints.people import (
    branch_people,
    group_centre,
    handling_managers,
    manager_of,
)
from kesu.complaints.team import team_of
from kesu.complaints.workflow import who_may_approve
from kesu.notifications.choices import Kind
from kesu.organisation.choices import Role
from kesu.organisation.models import User


class Audience(models.TextChoices):
    OWNER = "owner", _("the complaint's owner")
    OWNER_MANAGER = "owner_manager", _("the owner's manager")
    PREVIOUS_OWNER = "previous_owner", _("whoever owned it before the change")
    DEPARTMENT_MANAGERS = (
        "department_managers",
        _("the handling managers of its department (where it has none, the customer director)"),
    )
    CUSTOMER_DIRECTOR = "director", _("the branch's customer director")
    GENERAL_MANAGER = "gm", _("the branch's general manager")
    GROUP = "group", _("the group customer centre")
    APPROVERS = "approvers", _("whoever may approve the amount")
    PROPOSER = "proposer", _("whoever proposed the compensation")
    LEVEL = "level", _("the level it was escalated to")
    TEAM = "team", _("its team (co-handlers, visiting team, watchers)")
    NEW_MEMBER = "new_member", _("whoever was put on the team or given another role on it")
    # Not about one complaint: kesu/lessons/digest.py addresses them.
    MANAGERS = (
        "managers",
        _(
            "each manager for what they answer for: handling managers (their department), "
            "customer directors and general managers (their branch), the group customer "
            "centre (every branch)"
        ),
    )
    # An improvement action's people (kesu/improvements/reminders.py looks them up).
    ACTION_OWNER = "action_owner", _("the improvement action's owner")
    ACTION_REVIEWER = (
        "action_reviewer",
        _(
            "who reviews the improvement action: its branch's customer director (for a "
            "group-wide action, the group customer centre)"
        ),
    )

    # A crisis's people (kesu/crises looks them up).
    BRANCH_STAFF = "branch_staff", _("everyone of the crisis complaint's branch")
    STEP_OWNER = "step_owner", _("the owner of the crisis action step")
    SPOKESPERSON = "spokesperson", _("the crisis's spokesperson")
    # A branch mailbox's people (kesu/mailboxes/notices.py looks them up).
    MAILBOX_KEEPERS = (
        "mailbox_keepers",
        _(
            "the customer director of the mailbox's branch (where it has none, the staff "
            "member its mail is registered by)"
        ),
    )


# Audiences that are not places around a complaint: their app finds the people.
NOT_OF_A_COMPLAINT = frozenset(
    {
        Audience.ACTION_OWNER,
        Audience.ACTION_REVIEWER,
        Audience.MANAGERS,
        Audience.BRANCH_STAFF,
        Audience.STEP_OWNER,
        Audience.SPOKESPERSON,
        Audience.MAILBOX_KEEPERS,
    }
)


@dataclass(frozen=True)
class Event:
    kind: str
    label: Promise
    when: Promise
    audiences: tuple[str, ...]
    source: str  # where the rule comes from
    # `when` in users' words, where `when` names code or settings (the settings page shows it;
    # docs/notifications.md keeps the technical one).
    when_for_users: Promise | None = None

    @property
    def user_when(self) -> Promise:
        return self.when_for_users or self.when


A = Audience
# The events a complaint's own changes raise (alerts.py); the deadline sweep raises the two
# after them (kesu/sla/reminders.py, along the organisation's escalation chain), the
# improvement reminders the last three (kesu/improvements/reminders.py).
EVENTS: tuple[Event, ...] = (
    Event(
        Kind.NEW_COMPLAINT,
        _("New complaint registered"),
        _("a complaint is registered"),
        (A.CUSTOMER_DIRECTOR,),
        "seed 001 §4.1.2.1, DOMAIN §10",
    ),
    Event(
        Kind.ROUTED,
        _("Complaint for your department"),
        _("a complaint is registered and routed to a department or a person"),
        (A.OWNER, A.OWNER_MANAGER, A.DEPARTMENT_MANAGERS),
        "DOMAIN §10 (routing)",
    ),
    Event(
        Kind.URGENT_DEMAND,
        _("Return, exchange, money or a quality defect"),
        _(
            "a complaint is registered that demands a return, an exchange, a refund, "
            "compensation or a lower price, or whose cause is product quality"
        ),
        (A.GENERAL_MANAGER, A.DEPARTMENT_MANAGERS),
        "seed 001 §4.2.2.3, DOMAIN §10",
    ),
    Event(
        Kind.FROM_CALLBACK,
        _("Complaint found during a callback"),
        _("a complaint is registered from a callback"),
        (A.CUSTOMER_DIRECTOR,),
        "seed 001 §4.1.2.1 and §3 (回访中遇到客户抱怨)",
    ),
    Event(
        Kind.CUSTOMER_REPLIED,
        _("The customer wrote again"),
        _(
            "an e-mail from the customer with a complaint's number in its subject was added to "
            "that complaint (kesu/mailboxes)"
        ),
        (A.OWNER,),
        "issue 14",
        when_for_users=_(
            "the customer answered by e-mail about a complaint you own: their mail is on its "
            "timeline"
        ),
    ),
    Event(
        Kind.CRISIS,
        _("Crisis"),
        _("a complaint is registered as a crisis or flagged as one later"),
        (A.GENERAL_MANAGER, A.CUSTOMER_DIRECTOR, A.TEAM),
        "DOMAIN §7",
    ),
    Event(
        Kind.HANDED_OVER,
        _("Complaint handed over"),
        _("a complaint is handed over to a person or a department"),
        (A.OWNER, A.OWNER_MANAGER, A.PREVIOUS_OWNER, A.DEPARTMENT_MANAGERS, A.TEAM),
        "DOMAIN §10",
    ),
    Event(
        Kind.APPROVAL_NEEDED,
        _("Compensation to approve"),
        _("a solution's compensation is above the proposer's limit"),
        (A.APPROVERS,),
        "DOMAIN §3",
    ),
    Event(
        Kind.COMPENSATION_APPROVED,
        _("Compensation approved"),
        _("the compensation is approved"),
        (
            A.PROPOSER,
            A.TEAM,
        ),
        "DOMAIN §3",
    ),
    Event(
        Kind.COMPENSATION_REJECTED,
        _("Compensation rejected"),
        _("the compensation is rejected"),
        (
            A.PROPOSER,
            A.TEAM,
        ),
        "DOMAIN §3",
    ),
    Event(
        Kind.REOPENED,
        _("Customer still unsatisfied"),
        _("a complaint is reopened because the customer is still unsatisfied"),
        (A.GENERAL_MANAGER, A.OWNER, A.PREVIOUS_OWNER, A.TEAM),
        "seed 001 §4.3.4, DOMAIN §3",
    ),
    Event(
        Kind.ESCALATION,
        _("Escalated"),
        _("someone escalates a complaint by hand"),
        (
            A.LEVEL,
            A.TEAM,
        ),
        "seed 001 §四, DOMAIN §10",
    ),
    Event(
        Kind.TAKEN_OVER,
        _("Taken over by the group"),
        _("the group customer centre takes a complaint over"),
        (A.DEPARTMENT_MANAGERS, A.CUSTOMER_DIRECTOR, A.GENERAL_MANAGER, A.TEAM),
        "seed 001 §四, DOMAIN §10",
    ),
    Event(
        Kind.SENT_BACK,
        _("Sent back by the group"),
        _("the group customer centre sends a complaint back to the branch with instructions"),
        (A.OWNER, A.DEPARTMENT_MANAGERS, A.GENERAL_MANAGER, A.CUSTOMER_DIRECTOR, A.TEAM),
        "DOMAIN §10",
    ),
    Event(
        Kind.TEAM_ADDED,
        _("Put on a complaint's team"),
        _("someone puts a colleague on a complaint's team, or changes their role on it"),
        (A.NEW_MEMBER,),
        "seed 001 (跨部门小组、上门小组), DOMAIN §10",
    ),
    Event(
        Kind.CUSTOMER_ADDED,
        _("Customer added information"),
        _("the customer adds information or photos to their complaint on the customer portal"),
        (A.OWNER,),
        "issue 14 (customer portal)",
    ),
    Event(
        Kind.MILESTONE_REMINDER,
        _("Deadline reminder"),
        _("a deadline is near (the deadline sweep)"),
        (A.OWNER,),
        "DOMAIN §4",
    ),
    Event(
        Kind.MILESTONE_BREACHED,
        _("Overdue"),
        _(
            "a deadline has passed: on the first overdue day, along the escalation chain "
            "(the deadline sweep)"
        ),
        (A.OWNER, A.DEPARTMENT_MANAGERS, A.CUSTOMER_DIRECTOR, A.GENERAL_MANAGER),
        "seed 001 §4.3.3, DOMAIN §4",
    ),
    Event(
        Kind.IMPROVEMENT_ASSIGNED,
        _("Improvement action assigned to you"),
        _(
            "someone else made you the owner of an improvement action, when it was created "
            "or later (kesu/improvements/reminders.py)"
        ),
        (A.ACTION_OWNER,),
        "seed 001 §4.4.1, DOMAIN §8",
        when_for_users=_(
            "someone else made you the owner of an improvement action, when it was created or later"
        ),
    ),
    Event(
        Kind.IMPROVEMENT_DUE,
        _("Improvement action due soon"),
        _(
            "an improvement action not done yet is due in a few working days "
            "(KESU_IMPROVEMENT_REMINDER_WORKING_DAYS; the improvement reminders after the "
            "deadline sweep)"
        ),
        (A.ACTION_OWNER,),
        "seed 001 §4.4.1, DOMAIN §8",
        when_for_users=_(
            "an improvement action of yours not done yet is due in a few working days"
        ),
    ),
    Event(
        Kind.IMPROVEMENT_REVIEW,
        _("Improvement action to review"),
        _(
            "an improvement action's review date is a few working days away: has the measure "
            "moved? (the improvement reminders)"
        ),
        (A.ACTION_OWNER, A.ACTION_REVIEWER),
        "seed 001 §4.4.1–4.4.2, DOMAIN §8",
    ),
    Event(
        Kind.PREVENTION_VERIFY,
        _("Preventive action to verify"),
        _(
            "a resolved complaint's preventive action has reached its verification date "
            "(the improvement reminders)"
        ),
        (A.OWNER, A.CUSTOMER_DIRECTOR),
        "DOMAIN §2 (verification of the preventive action)",
    ),
    Event(
        Kind.CRISIS_NOTICE,
        _("Crisis: who speaks for us"),
        _(
            "a crisis's spokesperson is named or changed, or its internal notice changed: only "
            "the spokesperson speaks in public (kesu/crises)"
        ),
        (A.BRANCH_STAFF,),
        "DOMAIN §7, issue 13",
        when_for_users=_(
            "a crisis's spokesperson is named or changed, or its internal notice changed: only "
            "the spokesperson speaks in public"
        ),
    ),
    Event(
        Kind.CRISIS_STEP_ASSIGNED,
        _("Crisis action step for you"),
        _("someone else gave you a step of a crisis's action plan (kesu/crises)"),
        (A.STEP_OWNER,),
        "DOMAIN §7, issue 13",
        when_for_users=_("someone else gave you a step of a crisis's action plan"),
    ),
    Event(
        Kind.CRISIS_STEP_DUE,
        _("Crisis action step due soon"),
        _(
            "a step of a crisis's action plan not done yet is due within "
            "KESU_CRISIS_STEP_REMINDER_MINUTES (the crisis reminders after the deadline sweep)"
        ),
        (A.STEP_OWNER,),
        "DOMAIN §7, issue 13",
        when_for_users=_(
            "a step of a crisis's action plan given to you and not done yet is due soon"
        ),
    ),
    Event(
        Kind.CRISIS_STEP_OVERDUE,
        _("Crisis action step overdue"),
        _(
            "a step of a crisis's action plan is past its due time and not done: escalated "
            "(the crisis reminders after the deadline sweep)"
        ),
        (A.STEP_OWNER, A.SPOKESPERSON, A.GENERAL_MANAGER),
        "DOMAIN §7, issue 13",
    ),
    Event(
        Kind.MAIL_FAILED,
        _("A customer's e-mail could not be processed"),
        _(
            "a mail to a branch's mailbox could not be read or registered (an unknown "
            "character set, a broken structure, a registration refused): kept as failed in the "
            "admin's Received e-mails, left unread and flagged in the mailbox (kesu/mailboxes)"
        ),
        (A.MAILBOX_KEEPERS,),
        "issue 14",
        when_for_users=_(
            "a mail to your branch's mailbox could not be processed: someone should read it "
            "in the mailbox, where it is left unread and flagged"
        ),
    ),
    Event(
        Kind.EMERGING_ISSUE,
        _("Emerging issue"),
        _(
            "many similar complaints about one product model and defect in a short time, above "
            "its usual rate: once per cluster, when it first crosses KESU_EMERGING_MIN_SIZE "
            "(the emerging issue detection after the deadline sweep, kesu/emerging); the "
            "directors of each branch it has complaints of, the group for one across branches"
        ),
        (A.CUSTOMER_DIRECTOR, A.DEPARTMENT_MANAGERS, A.GROUP),
        "issue 13 (emerging issues)",
        when_for_users=_(
            "many similar complaints about one product model and defect in a short time, above "
            "its usual rate: once per cluster, when it is first found"
        ),
    ),
    Event(
        Kind.LESSONS_DIGEST,
        _("Lessons learned last month"),
        _(
            "once a month (the day KESU_LESSON_DIGEST_DAY), when case summaries were shared as "
            "lessons the month before (kesu/lessons/digest.py)"
        ),
        (A.MANAGERS,),
        "DOMAIN §3 (lessons shared with managers), §6",
        when_for_users=_(
            "once a month, when case summaries were shared as lessons the month before"
        ),
    ),
    Event(
        Kind.MONTHLY_REPORT,
        _("Last month's report"),
        _(
            "once a month (the day KESU_MONTHLY_REPORT_DAY): last month's report of the branch "
            "(of the group), kept as it was, its PDF attached (kesu/reports/keeping.py)"
        ),
        (A.CUSTOMER_DIRECTOR, A.GENERAL_MANAGER, A.GROUP),
        "issue 12 (the monthly report, mailed on the 1st)",
        when_for_users=_(
            "once a month: last month's report of the branch (of the group), kept as it was, "
            "its PDF attached"
        ),
    ),
)
EVENT_OF = {e.kind: e for e in EVENTS}
KIND_CHOICES = [(e.kind, e.label) for e in EVENTS]

LEVEL_AUDIENCE = {
    EscalationLevel.DEPARTMENT_MANAGER: A.DEPARTMENT_MANAGERS,
    EscalationLevel.CUSTOMER_DIRECTOR: A.CUSTOMER_DIRECTOR,
    EscalationLevel.GENERAL_MANAGER: A.GENERAL_MANAGER,
    EscalationLevel.GROUP: A.GROUP,
}


def people_for(
    audience: str,
    complaint: Complaint,
    *,
    proposer: User | None = None,
    level: int | None = None,
    member: User | None = None,
    previous: User | None = None,
) -> list[User]:
    """The users an audience of `complaint` is, active ones only."""
    org = complaint.organisation_id
    if audience == A.OWNER:
        owner = complaint.owner if complaint.owner_id else None
        return [owner] if owner is not None and owner.is_active else []
    given = {A.PREVIOUS_OWNER: previous, A.PROPOSER: proposer, A.NEW_MEMBER: member}
    if audience in given:  # a person the change names
        person = given[audience]
        return [person] if person is not None and person.is_active else []
    if audience == A.OWNER_MANAGER:
        return manager_of(complaint.owner if complaint.owner_id else None)
    if audience == A.DEPARTMENT_MANAGERS:
        return handling_managers(org, complaint.department_id, complaint.branch_id)
    if audience == A.CUSTOMER_DIRECTOR:
        return branch_people(org, complaint.branch_id, Role.DIRECTOR)
    if audience == A.GENERAL_MANAGER:
        return branch_people(org, complaint.branch_id, Role.GENERAL_MANAGER)
    if audience == A.GROUP:
        return group_centre(org)
    if audience == A.APPROVERS:
        # A handling manager approves for their own department only (as in their queue).
        return [
            u
            for group in who_may_approve(complaint)
            for u in group.users
            if u.role != Role.HANDLER or u.department_id == complaint.department_id
        ]
    if audience == A.TEAM:
        return team_members(complaint)
    if audience == A.LEVEL:
        target = LEVEL_AUDIENCE.get(level) if level is not None else None
        return people_for(target, complaint) if target else []
    what = "an audience not of a complaint" if audience in NOT_OF_A_COMPLAINT else "unknown"
    raise ValueError(f"{what}: {audience!r}")


def team_members(complaint: Complaint) -> list[User]:
    """The active users on the complaint's team."""
    return [m.user for m in team_of(complaint) if m.user.is_active]


def events_table() -> str:
    """The table of docs/notifications.md, in English."""
    from django.utils import translation

    with translation.override("en"):
        lines = [
            "| notification | when | who | source |",
            "|---|---|---|---|",
        ]
        for e in EVENTS:
            who = ", ".join(str(Audience(a).label) for a in e.audiences)
            lines.append(f"| {e.label} (`{e.kind}`) | {e.when} | {who} | {e.source} |")
    return "\n".join(lines) + "\n"
