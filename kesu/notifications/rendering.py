"""Turning a notification's codes into sentences, and into the bodies the group robots accept.

Nothing here touches the database: a notification is rendered from its kind and payload in
the language of whoever reads it (the request's language for the inbox, the site's default
for e-mail and robots).
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote_plus, urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kesu.complaints.choices import CauseClass, Demand, EscalationLevel, TeamRole
from kesu.core.links import public_url
from kesu.notifications.choices import Kind
from kesu.notifications.events import EVENT_OF
from kesu.sla.choices import MilestoneKind

MISSING = "—"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    link: str = ""

    @property
    def text(self) -> str:
        """Subject, body and link as one text, for channels without a subject line."""
        return "\n".join(part for part in (self.subject, self.body, self.link) if part)

    @property
    def body_with_link(self) -> str:
        return f"{self.body}\n{self.link}" if self.link else self.body


def _when(value) -> str:
    """An ISO timestamp as a short local date and time: “March 10 12:00”, “03月10日 12:00”."""
    if not value:
        return MISSING
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    local = timezone.localtime(moment)
    return f"{date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"


def _milestone(code) -> str:
    labels = dict(MilestoneKind.choices)
    return str(labels.get(code, code or MISSING))


def _level(value) -> str:
    try:
        return str(EscalationLevel(int(value)).label)
    except (TypeError, ValueError):
        return str(value or MISSING)


def _label(choices, code) -> str:
    return str(dict(choices.choices).get(code, code or MISSING))


def _values(payload: dict) -> dict:
    return {
        "number": payload.get("complaint_number") or MISSING,
        "title": payload.get("title") or MISSING,
        "milestone": _milestone(payload.get("milestone")),
        "due": _when(payload.get("due_at")),
        "level": _level(payload.get("level")),
        "department": payload.get("department") or MISSING,
        "by": payload.get("by") or MISSING,
        "amount": payload.get("amount") or MISSING,
        "demand": _label(Demand, payload.get("demand")),
        "reason": payload.get("reason") or "",
    }


def page_link(payload: dict) -> str:
    """The page the notification is about (its complaint's, its improvement action's or another
    page of this site) as an absolute address, for messages read outside Kesu."""
    path = link_path(payload)
    return public_url(path) if path else ""


def link_path(payload: dict) -> str:
    """The page a notification is about: its complaint's, its improvement action's or a path."""
    complaint_id = payload.get("complaint_id")
    if isinstance(complaint_id, int):
        return reverse("complaints:complaint", args=[complaint_id])
    crisis_id = payload.get("crisis_id")
    if isinstance(crisis_id, int):
        return reverse("crises:detail", args=[crisis_id])
    improvement_id = payload.get("improvement_id")
    if isinstance(improvement_id, int):
        return reverse("improvements:detail", args=[improvement_id])
    path = payload.get("path")  # another page of this site, e.g. the lessons of a month
    if isinstance(path, str) and path.startswith("/") and not path.startswith("//"):
        return path
    return ""


def _with_reason(body: str, v: dict) -> str:
    return body + " " + _("Reason: %(reason)s") % v if v["reason"] else body


def _milestone_reminder(v: dict, payload: dict) -> Message:
    return Message(
        _("Deadline reminder: %(number)s") % v,
        _("Complaint %(number)s “%(title)s”: %(milestone)s is due by %(due)s.") % v,
    )


def _milestone_breached(v: dict, payload: dict) -> Message:
    return Message(
        _("Overdue: %(number)s") % v,
        _("Complaint %(number)s “%(title)s”: %(milestone)s was due by %(due)s and is overdue.") % v,
    )


def _escalation(v: dict, payload: dict) -> Message:
    body = _("Complaint %(number)s “%(title)s” has been escalated to: %(level)s.") % v
    if payload.get("milestone"):
        body += " " + _("%(milestone)s was due by %(due)s.") % v
    return Message(_("Escalated: %(number)s") % v, _with_reason(body, v))


def _crisis(v: dict, payload: dict) -> Message:
    return Message(
        _("Crisis: %(number)s") % v,
        _(
            "Complaint %(number)s “%(title)s” is a crisis: name one spokesperson and start "
            "the action plan now."
        )
        % v,
    )


def _new_complaint(v: dict, payload: dict) -> Message:
    return Message(
        _("New complaint: %(number)s") % v,
        _("Complaint %(number)s “%(title)s” was registered by %(by)s; it goes to %(department)s.")
        % v,
    )


def _routed(v: dict, payload: dict) -> Message:
    if payload.get("routed_to_owner"):
        v = {**v, "owner": payload.get("owner") or MISSING}
        return Message(
            _("Routed to %(owner)s: %(number)s") % v,
            _(
                "Complaint %(number)s “%(title)s” was routed to %(owner)s (%(department)s), "
                "who handles it from now on."
            )
            % v,
        )
    return Message(
        _("For your department: %(number)s") % v,
        _(
            "Complaint %(number)s “%(title)s” was routed to %(department)s. It waits in "
            "“Waiting for me” for one of you to take it on."
        )
        % v,
    )


def _urgent_demand(v: dict, payload: dict) -> Message:
    if payload.get("quality_defect"):
        body = _(
            "Complaint %(number)s “%(title)s” concerns a product-quality defect: call the "
            "directors concerned together for an action plan."
        )
    else:
        body = _("Complaint %(number)s “%(title)s”: the customer demands: %(demand)s.")
    return Message(_("At once: %(number)s") % v, body % v)


def _from_callback(v: dict, payload: dict) -> Message:
    return Message(
        _("Complaint from a callback: %(number)s") % v,
        _("%(by)s found complaint %(number)s “%(title)s” during a callback.") % v,
    )


def _customer_replied(v: dict, payload: dict) -> Message:
    return Message(
        _("The customer wrote about %(number)s") % v,
        _("The customer's e-mail about complaint %(number)s “%(title)s” is on its timeline.") % v,
    )


def _mail_failed(v: dict, payload: dict) -> Message:
    values = {
        "mailbox": payload.get("mailbox") or MISSING,
        "sender": payload.get("sender") or MISSING,
        "subject": payload.get("subject") or MISSING,
        "reason": payload.get("reason") or MISSING,
    }
    return Message(
        _("An e-mail to %(mailbox)s could not be processed") % values,
        _(
            "The e-mail from %(sender)s, subject “%(subject)s”, to %(mailbox)s became neither a "
            "complaint nor a note: %(reason)s. It is left unread and flagged in the mailbox: "
            "please read it there and register it by hand if it is a complaint. It is listed "
            "as failed under Received e-mails in the admin."
        )
        % values,
    )


def _handed_over(v: dict, payload: dict) -> Message:
    if not payload.get("owner"):
        # To a department, nobody named: it waits for its managers to take it on.
        return Message(
            _("Handed over: %(number)s") % v,
            _(
                "%(by)s handed complaint %(number)s “%(title)s” over to %(department)s; it "
                "waits in “Waiting for me” for the department's managers to take it on."
            )
            % v,
        )
    return Message(
        _("Handed over: %(number)s") % v,
        _(
            "%(by)s handed complaint %(number)s “%(title)s” over; it is now with %(owner)s "
            "(%(department)s)."
        )
        % {**v, "owner": payload.get("owner") or MISSING},
    )


def _approval_needed(v: dict, payload: dict) -> Message:
    return Message(
        _("Compensation to approve: %(number)s") % v,
        _(
            "%(by)s proposes a compensation of %(amount)s yuan for complaint %(number)s "
            "“%(title)s”; it is above their limit and waits for your approval."
        )
        % v,
    )


def _compensation_approved(v: dict, payload: dict) -> Message:
    return Message(
        _("Compensation approved: %(number)s") % v,
        _("%(by)s approved the compensation of %(amount)s yuan for complaint %(number)s.") % v,
    )


def _compensation_rejected(v: dict, payload: dict) -> Message:
    return Message(
        _("Compensation rejected: %(number)s") % v,
        _with_reason(
            _("%(by)s rejected the compensation for complaint %(number)s “%(title)s”.") % v, v
        ),
    )


def _reopened(v: dict, payload: dict) -> Message:
    body = (
        _(
            "Complaint %(number)s “%(title)s” was reopened: the customer is still "
            "unsatisfied. Find out why and take remedial action at once."
        )
        % v
    )
    owner, previous = payload.get("owner") or "", payload.get("previous_owner") or ""
    if owner and previous and owner != previous:
        body += " " + _("It passes from %(previous)s to %(owner)s.") % {
            "previous": previous,
            "owner": owner,
        }
    return Message(_("Customer still unsatisfied: %(number)s") % v, _with_reason(body, v))


def _taken_over(v: dict, payload: dict) -> Message:
    return Message(
        _("Taken over by the group: %(number)s") % v,
        _(
            "The group customer centre (%(by)s) took complaint %(number)s “%(title)s” over; "
            "it handles the case from now on."
        )
        % v,
    )


def _sent_back(v: dict, payload: dict) -> Message:
    return Message(
        _("Sent back by the group: %(number)s") % v,
        _(
            "The group customer centre sent complaint %(number)s “%(title)s” back to the "
            "branch. Instructions: %(reason)s"
        )
        % v,
    )


def _team_added(v: dict, payload: dict) -> Message:
    role = _label(TeamRole, payload.get("team_role"))
    if payload.get("previous_role"):
        previous = _label(TeamRole, payload["previous_role"])
        return Message(
            _("Your role on the team: %(number)s") % v,
            _(
                "%(by)s changed your role on the team of complaint %(number)s “%(title)s”: "
                "%(previous)s → %(role)s."
            )
            % {**v, "role": role, "previous": previous},
        )
    return Message(
        _("On the team: %(number)s") % v,
        _("%(by)s put you on the team of complaint %(number)s “%(title)s” as: %(role)s.")
        % {**v, "role": role},
    )


def _customer_added(v: dict, payload: dict) -> Message:
    photos = int(payload.get("photos") or 0)
    text = str(payload.get("text") or "")
    body = _("The customer added to complaint %(number)s “%(title)s” on the customer portal.") % v
    if text:
        body += " " + _("They wrote: %(text)s") % {"text": text}
    if photos:
        body += " " + _("Photos added: %(n)s.") % {"n": photos}
    return Message(_("The customer added information: %(number)s") % v, body)


def _day(value) -> str:
    """An ISO date as a short local date: “March 10”, “03月10日”."""
    try:
        return date_format(date.fromisoformat(str(value)), "MONTH_DAY_FORMAT")
    except ValueError:
        return str(value or MISSING)


def _month(value) -> str:
    """ "2026-11" as the month is written in the active language: “November 2026”, “2026年11月”."""
    try:
        year, month = (int(part) for part in str(value).split("-"))
        return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return str(value or MISSING)


def _improvement_assigned(v: dict, payload: dict) -> Message:
    v = {**v, "due": _day(payload.get("due_on")), "by": payload.get("by") or MISSING}
    return Message(
        _("Improvement action for you: %(title)s") % v,
        _(
            "%(by)s made you the owner of the improvement action “%(title)s”, due by %(due)s. "
            "Start it, carry it out and mark it done."
        )
        % v,
    )


def _improvement_due(v: dict, payload: dict) -> Message:
    v = {**v, "due": _day(payload.get("due_on"))}
    return Message(
        _("Improvement action due: %(title)s") % v,
        _(
            "The improvement action “%(title)s” is due by %(due)s. Finish it and mark it done, "
            "so that its effect can be measured."
        )
        % v,
    )


def _improvement_review(v: dict, payload: dict) -> Message:
    v = {**v, "review": _day(payload.get("review_on"))}
    return Message(
        _("Improvement action to review: %(title)s") % v,
        _(
            "The improvement action “%(title)s” is to be reviewed from %(review)s: compare its "
            "measure before and after, and record whether it worked."
        )
        % v,
    )


def _prevention_verify(v: dict, payload: dict) -> Message:
    v = {**v, "day": _day(payload.get("verify_on"))}
    return Message(
        _("Verify the preventive action: %(number)s") % v,
        _(
            "Complaint %(number)s “%(title)s”: its preventive action can be verified from "
            "%(day)s. Check whether the problem has come back and record the verification."
        )
        % v,
    )


def _crisis_notice(v: dict, payload: dict) -> Message:
    v = {**v, "spokesperson": payload.get("spokesperson") or MISSING}
    body = (
        _(
            "Complaint %(number)s “%(title)s” is being handled as a crisis. Only %(spokesperson)s "
            "speaks for the company about it: do not comment to the press, online or to anyone "
            "outside; pass every question on to %(spokesperson)s."
        )
        % v
    )
    notice = payload.get("notice") or ""
    return Message(
        _("Crisis %(number)s: only %(spokesperson)s speaks for us") % v,
        f"{body}\n{notice}" if notice else body,
    )


def _crisis_step_assigned(v: dict, payload: dict) -> Message:
    v = {**v, "step": payload.get("step") or MISSING}
    return Message(
        _("Crisis step for you: %(step)s") % v,
        _(
            "%(by)s gave you the step “%(step)s” of the action plan of the crisis %(number)s "
            "“%(title)s”, due by %(due)s."
        )
        % v,
    )


def _crisis_step_due(v: dict, payload: dict) -> Message:
    v = {**v, "step": payload.get("step") or MISSING}
    return Message(
        _("Crisis step due: %(step)s") % v,
        _(
            "The step “%(step)s” of the crisis %(number)s “%(title)s” is due by %(due)s. "
            "Carry it out and mark it done."
        )
        % v,
    )


def _crisis_step_overdue(v: dict, payload: dict) -> Message:
    v = {**v, "step": payload.get("step") or MISSING, "owner": payload.get("owner") or MISSING}
    return Message(
        _("Crisis step overdue: %(step)s") % v,
        _(
            "The step “%(step)s” of the crisis %(number)s “%(title)s” was due by %(due)s and "
            "is not done. Its owner: %(owner)s."
        )
        % v,
    )


def _emerging_issue(v: dict, payload: dict) -> Message:
    english = (translation.get_language() or "").startswith("en")
    category = (english and payload.get("category_en")) or payload.get("category")
    v = {
        **v,
        "label": payload.get("label") or MISSING,
        "product": payload.get("product") or _("no product named"),
        "size": payload.get("size") or MISSING,
        "category": category or _("no category"),
        "hours": payload.get("hours") or MISSING,
    }
    return Message(
        _("Emerging issue: %(label)s (%(product)s)") % v,
        _(
            "%(size)s similar complaints about %(product)s, %(category)s, within %(hours)s hours: "
            "“%(label)s”, more than usual. Look at the cluster and start an improvement action "
            "or a crisis, or dismiss it."
        )
        % v,
    )


def _lessons_digest(v: dict, payload: dict) -> Message:
    english = (translation.get_language() or "").startswith("en")
    month = _month(payload.get("month"))
    count = int(payload.get("count") or 0)
    lines = [
        ngettext(
            "%(count)s case summary was shared as a lesson in %(month)s:",
            "%(count)s case summaries were shared as lessons in %(month)s:",
            count,
        )
        % {"count": count, "month": month}
    ]
    listed = payload.get("lessons") or []
    for lesson in listed:
        category = (lesson.get("category_en") if english else "") or lesson.get("category")
        where = [
            category,
            _label(CauseClass, lesson.get("cause")) if lesson.get("cause") else "",
            lesson.get("branch"),
        ]
        details = " · ".join(str(part) for part in where if part)
        title = lesson.get("title") or MISSING
        line = _("%(title)s (%(details)s)") % {"title": title, "details": details}
        lines.append(f"• {line if details else title}")
    if count > len(listed):
        lines.append(_("… and %(more)s more.") % {"more": count - len(listed)})
    return Message(
        _("Lessons learned in %(month)s: %(count)s") % {"month": month, "count": count},
        "\n".join(lines),
    )


def _monthly_report(v: dict, payload: dict) -> Message:
    values = {
        "month": _month(payload.get("month")),
        "where": payload.get("where") or _("all branches"),
        "total": payload.get("total", MISSING),
        "overdue": payload.get("overdue", MISSING),
        "crisis": payload.get("crisis", MISSING),
    }
    return Message(
        _("Monthly analysis %(month)s: %(where)s") % values,
        _(
            "The monthly analysis of %(month)s for %(where)s is attached as a PDF. Received: "
            "%(total)s; still open past the deadline: %(overdue)s; crisis cases: %(crisis)s. "
            "The report as it was kept, with its Excel workbook:"
        )
        % values,
    )


def _generic(v: dict, payload: dict) -> Message:
    if payload.get("complaint_number"):
        return Message(
            _("News about complaint %(number)s") % v,
            _("There is news about complaint %(number)s “%(title)s”. Open it in Kesu.") % v,
        )
    return Message(_("Kesu notification"), _("You have a new notification in Kesu."))


TEXTS = {
    Kind.MILESTONE_REMINDER: _milestone_reminder,
    Kind.MILESTONE_BREACHED: _milestone_breached,
    Kind.ESCALATION: _escalation,
    Kind.CRISIS: _crisis,
    Kind.NEW_COMPLAINT: _new_complaint,
    Kind.ROUTED: _routed,
    Kind.URGENT_DEMAND: _urgent_demand,
    Kind.FROM_CALLBACK: _from_callback,
    Kind.HANDED_OVER: _handed_over,
    Kind.CUSTOMER_REPLIED: _customer_replied,
    Kind.MAIL_FAILED: _mail_failed,
    Kind.APPROVAL_NEEDED: _approval_needed,
    Kind.COMPENSATION_APPROVED: _compensation_approved,
    Kind.COMPENSATION_REJECTED: _compensation_rejected,
    Kind.REOPENED: _reopened,
    Kind.TAKEN_OVER: _taken_over,
    Kind.SENT_BACK: _sent_back,
    Kind.TEAM_ADDED: _team_added,
    Kind.CUSTOMER_ADDED: _customer_added,
    Kind.IMPROVEMENT_ASSIGNED: _improvement_assigned,
    Kind.IMPROVEMENT_DUE: _improvement_due,
    Kind.IMPROVEMENT_REVIEW: _improvement_review,
    Kind.PREVENTION_VERIFY: _prevention_verify,
    Kind.CRISIS_NOTICE: _crisis_notice,
    Kind.CRISIS_STEP_ASSIGNED: _crisis_step_assigned,
    Kind.CRISIS_STEP_DUE: _crisis_step_due,
    Kind.CRISIS_STEP_OVERDUE: _crisis_step_overdue,
    Kind.EMERGING_ISSUE: _emerging_issue,
    Kind.LESSONS_DIGEST: _lessons_digest,
    Kind.MONTHLY_REPORT: _monthly_report,
}


def render(kind: str, payload: dict, language: str | None = None) -> Message:
    """Subject, body and link of a notification in `language` (default: the site's language)."""
    payload = payload or {}
    with translation.override(language or settings.LANGUAGE_CODE):
        message = TEXTS.get(kind, _generic)(_values(payload), payload)
        body = message.body
        also = [str(EVENT_OF[k].label) for k in payload.get("also") or () if k in EVENT_OF]
        if also:
            # The other reasons the same change concerned this reader (one message each).
            body += "\n" + _("This is also: %(reasons)s.") % {"reasons": _list(also)}
    return Message(message.subject, body, page_link(payload))


def _list(parts: list[str]) -> str:
    return ("、" if (translation.get_language() or "").startswith("zh") else ", ").join(parts)


# Group robots: both WeCom and DingTalk take a plain-text message of this shape.


def robot_body(message: Message) -> dict:
    return {"msgtype": "text", "text": {"content": message.text}}


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64 of HMAC-SHA256 over "timestamp\\nsecret", keyed by the secret."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The robot's address with the timestamp and sign query parameters a signed robot requires."""
    if timestamp_ms is None:
        timestamp_ms = int(time.time() * 1000)
    sign = quote_plus(dingtalk_signature(secret, timestamp_ms))
    parts = urlsplit(url)
    extra = f"timestamp={timestamp_ms}&sign={sign}"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))
