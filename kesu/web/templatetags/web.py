from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext as _

from kesu.audit.actions import action_label as audit_action_label
from kesu.complaints.choices import OPEN_STATES, WAITING_STATES, State, TeamRole
from kesu.complaints.queues import DUE_SOON
from kesu.complaints.search import SEARCH_MAX_LENGTH
from kesu.core.limits import normalise_newlines
from kesu.core.phones import display_phone
from kesu.mailboxes.choices import MailAction

register = template.Library()

SEPARATOR = " · "


class DottedNode(template.Node):
    def __init__(self, parts: list) -> None:
        self.parts = parts

    def render(self, context) -> str:
        rendered = (part.render(context).strip() for part in self.parts)
        # A part with no text (an empty value, or only the empty tags around it) is left out
        # with its separator. The parts are rendered template output (escaped already); a
        # node's output is not escaped again.
        return SEPARATOR.join(p for p in rendered if strip_tags(p).strip())


@register.tag("dotted")
def dotted(parser, token):
    """`{% dotted %}name{% dot %}phone{% dot %}tier{% enddotted %}`: the parts that have text,
    joined by " · " — an optional part that is empty leaves no dangling separator."""
    parts = []
    while True:
        parts.append(parser.parse(("dot", "enddotted")))
        if parser.next_token().contents == "enddotted":
            return DottedNode(parts)


@register.simple_tag
def search_max_length() -> int:
    """The search inputs' maxlength (complaints/search.py)."""
    return SEARCH_MAX_LENGTH


def humanize_span(span: timedelta) -> str:
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": minutes}
    return _("%(m)sm") % {"m": minutes}


@register.simple_tag
def time_left(due, state=None):
    """ "2d 3h left" / "overdue 5h" for a deadline, or an empty string."""
    if due is None or (state is not None and state not in OPEN_STATES):
        return ""
    span = due - timezone.now()
    if span < timedelta(0):
        return _("overdue %(span)s") % {"span": humanize_span(span)}
    return _("%(span)s left") % {"span": humanize_span(span)}


@register.simple_tag
def due_badge(complaint):
    if complaint.due_at is None or complaint.state not in OPEN_STATES:
        return ""
    if complaint.state in WAITING_STATES:
        return format_html('<span class="badge paused">{}</span>', _("paused"))
    span = complaint.due_at - timezone.now()
    css = "overdue" if span < timedelta(0) else "due_soon" if span < DUE_SOON else ""
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        css,
        timezone.localtime(complaint.due_at).strftime("%Y-%m-%d %H:%M"),
        time_left(complaint.due_at),
    )


@register.filter
def action_label(code: str) -> str:
    """A timeline entry's action, by the label table the API uses too (audit/actions.py)."""
    return audit_action_label(code)


@register.filter
def state_label(code: str) -> str:
    try:
        return str(State(code).label)
    except ValueError:
        return code


@register.filter
def team_role_label(code: str) -> str:
    """A team role's label (kesu/complaints/team.py), the code itself if unknown."""
    return str(dict(TeamRole.choices).get(code, code))


@register.filter
def phone_display(value: str) -> str:
    """+8613812345678 → 138 1234 5678, +861062223333 → 010 6222 3333; masked values untouched."""
    return display_phone(value)


# Timeline entries about a message to the customer (to whom, and when a queued text may go).
_CUSTOMER_MESSAGE_ACTIONS = frozenset(
    {
        MailAction.TOLD_BY_EMAIL,
        MailAction.TOLD_BY_SMS,
        MailAction.MESSAGE_WAITING,
        MailAction.MESSAGE_NOT_SENT,
        MailAction.MESSAGE_KEPT,
    }
)


@register.filter
def is_customer_message(action: str) -> bool:
    return action in _CUSTOMER_MESSAGE_ACTIONS


@register.filter
def iso_datetime(value):
    """A time stored in an audit entry's data (ISO 8601, UTC) as a datetime, for `date`; the
    value itself when it is not one."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return value


@register.simple_tag
def char_count(counter_id: str, value, limit) -> str:
    """The "typed / limit" next to a text with a limit; the input names it in data-counter
    and kesu.js keeps it current as the user types (counted as the server counts)."""
    typed = len(normalise_newlines(str(value or "")))
    over = " over" if limit and typed > int(limit) else ""
    return format_html(
        '<span class="char-count{}" id="{}">{} / {}</span>', over, counter_id, typed, limit
    )
