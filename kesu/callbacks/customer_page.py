"""What the callbacks add to the customer's page (kesu/complaints/views_customers.py): the
calling preference with its form, the customer's callbacks page by page, and the preference's
changes among the customer's recorded changes."""

from django.core.paginator import Paginator
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kesu.callbacks.models import CustomerCallPreference
from kesu.callbacks.selectors import RECORDING_ROLES, may_use_workspace, tasks_visible_to
from kesu.complaints.hooks import CustomerHistoryPart, PagePanel

TASKS_PAGE = 20
PREFERENCE_TYPE = CustomerCallPreference._meta.label_lower


def day_names(days: str) -> str:
    """ "12345" → "Mon to Fri", "1357" → "Mon, Wed, Fri, Sun" in the active language; "" →
    "any day". Runs of three days or more read as a range."""
    if not days:
        return _("any day")
    numbers = sorted({int(d) for d in days if d in "1234567"})
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    names = []
    for run in runs:
        if len(run) >= 3:
            names.append(
                _("%(first)s to %(last)s")
                % {"first": WEEKDAYS_ABBR[run[0] - 1], "last": WEEKDAYS_ABBR[run[-1] - 1]}
            )
        else:
            names += [str(WEEKDAYS_ABBR[n - 1]) for n in run]
    return pgettext("between the items of a list", ", ").join(names)


def weekday_choices() -> list[tuple[str, str]]:
    return [(str(i + 1), str(WEEKDAYS_ABBR[i])) for i in range(7)]


def customer_panel(customer, user, query) -> PagePanel:
    preference = CustomerCallPreference.objects.filter(customer_id=customer.pk).first()
    context = {
        "customer": customer,
        "preference": preference,
        "days": day_names(preference.days if preference else ""),
        "chosen_days": set(preference.days) if preference and preference.days else set(),
        "weekdays": weekday_choices(),
        "may_edit": may_use_workspace(user) and user.role in RECORDING_ROLES,
        "sees_tasks": may_use_workspace(user),
        "tasks": None,
    }
    if context["sees_tasks"]:
        tasks = (
            tasks_visible_to(user)
            .filter(customer_id=customer.pk)
            .select_related("plan", "completed_by")
            .order_by("-due_on", "-id")
        )
        context["tasks"] = Paginator(tasks, TASKS_PAGE).get_page(query.get("callbacks_page"))
    return PagePanel("callbacks/_customer_panel.html", context)


def _window(values) -> str:
    if not values:
        return "—"
    start, until, no_sms = values[0], values[1], values[2]
    days = values[3] if len(values) > 3 else ""
    parts = [f"{start}–{until}" if start else _("any time"), day_names(days)]
    if no_sms:
        parts.append(_("no text messages"))
    return " · ".join(parts)


def describe_preference(entry, user) -> list[str]:
    data = entry.data or {}
    return [f"{_window(data.get('from'))} → {_window(data.get('to'))}"]


def customer_history_part(customer, user) -> CustomerHistoryPart | None:
    ids = list(
        CustomerCallPreference.objects.filter(customer_id=customer.pk).values_list("pk", flat=True)
    )
    if not ids:
        return None
    return CustomerHistoryPart(PREFERENCE_TYPE, ids, describe_preference)
