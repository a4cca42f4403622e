"""The director's and the general manager's home: this month so far against last month at the
same point, what is overdue or at risk right now, and the open crisis cases. Reads only.

"The same point" of last month is as far into it as now is into this one (day 2, 20:30 against
day 2 of last month, 20:30; capped at last month's end), so a comparison on the 2nd does not
set two days against thirty. Each figure links to the complaint list with the filters behind it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.complaints.choices import OPEN_STATES, State
from kesu.complaints.hooks import HomePanel
from kesu.complaints.selectors import DUE_SOON, OVERDUE_STATES, complaints_visible_to
from kesu.improvements.choices import ACTIVE, WORKING_STATUSES
from kesu.improvements.selectors import filtered, improvements_visible_to
from kesu.improvements.selectors import may_read as may_read_improvements
from kesu.organisation.choices import Role
from kesu.reports.periods import month
from kesu.reports.selectors import Listed, _compliance, _listed
from kesu.sla.choices import MilestoneKind

DASHBOARD_ROLES = frozenset({Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP})
CRISIS_SHOWN = 5


@dataclass
class Figure:
    code: str
    label: str
    value: float | int | None
    previous: float | int | None = None
    link: str = ""
    unit: str = ""  # "%" for a rate
    worse_when_higher: bool = True

    @property
    def change(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)

    @property
    def tone(self) -> str:
        """ "bad", "good" or "" — how the change reads for the department."""
        if not self.change:
            return ""
        worse = self.change > 0 if self.worse_when_higher else self.change < 0
        return "bad" if worse else "good"


@dataclass
class Dashboard:
    month_label: str
    since: date
    previous_label: str
    previous_until: datetime
    month: list[Figure] = field(default_factory=list)
    now: list[Figure] = field(default_factory=list)
    crisis: list[Listed] = field(default_factory=list)
    crisis_count: int = 0
    crisis_link: str = ""
    report_link: str = ""
    improvements: list[Figure] = field(default_factory=list)


def may_see_dashboard(user) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.role in DASHBOARD_ROLES)


def _list_link(**params) -> str:
    return f"{reverse('complaints:complaint-list')}?{urlencode(params, doseq=True)}"


def _rate(compliance) -> float | None:
    return compliance.rate if compliance is not None else None


def home_dashboard(user, now: datetime | None = None) -> Dashboard | None:
    """The month at a glance for whoever answers for a branch or the group; None for others."""
    if not may_see_dashboard(user):
        return None
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    this_month = month(today)
    last_month = this_month.previous()
    start, _end = this_month.bounds()
    last_start, last_end = last_month.bounds()
    previous_until = min(last_start + (now - start), last_end)

    visible = complaints_visible_to(user)
    received = visible.filter(received_at__gte=last_start, received_at__lt=now).exclude(
        state=State.MERGED
    )
    in_month = Q(received_at__gte=start)
    in_previous = Q(received_at__lt=previous_until)
    counts = received.aggregate(
        received=Count("id", filter=in_month),
        received_before=Count("id", filter=in_previous),
        crisis=Count("id", filter=in_month & Q(is_crisis=True)),
        crisis_before=Count("id", filter=in_previous & Q(is_crisis=True)),
    )
    current = {c.code: c for c in _compliance(received.filter(in_month), now)}
    before = {c.code: c for c in _compliance(received.filter(in_previous), now)}

    since, until = this_month.start.isoformat(), today.isoformat()
    dashboard = Dashboard(
        month_label=this_month.label,
        since=this_month.start,
        previous_label=last_month.label,
        previous_until=previous_until,
        report_link=f"{reverse('reports:monthly')}?{urlencode(this_month.query())}",
    )
    dashboard.month = [
        Figure("received", _("Received"), counts["received"], counts["received_before"],
               _list_link(received_after=since, received_before=until, merged="false")),
        Figure("crisis", _("Crisis cases"), counts["crisis"], counts["crisis_before"],
               _list_link(received_after=since, received_before=until, merged="false",
                          is_crisis="true")),
        Figure("first_contact", _("First contact on time"),
               _rate(current.get(MilestoneKind.FIRST_CONTACT)),
               _rate(before.get(MilestoneKind.FIRST_CONTACT)), unit="%", worse_when_higher=False),
        Figure("resolution", _("Resolved on time"), _rate(current.get(MilestoneKind.RESOLUTION)),
               _rate(before.get(MilestoneKind.RESOLUTION)), unit="%", worse_when_higher=False),
    ]  # fmt: skip

    open_states = sorted(OPEN_STATES)
    open_cases = visible.filter(state__in=open_states)
    # As complaints_overdue and complaints_at_risk decide, in one pass over the open cases.
    running = Q(state__in=sorted(OVERDUE_STATES))
    right_now = open_cases.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=running & Q(due_at__lt=now)),
        at_risk=Count("id", filter=running & Q(due_at__gte=now, due_at__lt=now + DUE_SOON)),
        crisis=Count("id", filter=Q(is_crisis=True)),
    )
    dashboard.now = [
        Figure("open", _("Open cases"), right_now["open"], link=_list_link(state=open_states)),
        Figure("overdue", _("Overdue"), right_now["overdue"], link=_list_link(overdue="true")),
        Figure("at_risk", _("Due within 24 hours"), right_now["at_risk"],
               link=_list_link(at_risk="true")),
    ]  # fmt: skip
    crisis = open_cases.filter(is_crisis=True)
    dashboard.crisis_count = right_now["crisis"]
    dashboard.crisis = _listed(crisis.order_by("-id")[:CRISIS_SHOWN])
    dashboard.crisis_link = _list_link(state=open_states, is_crisis="true")
    dashboard.improvements = _improvements(user, timezone.localtime(now).date())
    return dashboard


def _improvements(user, today: date) -> list[Figure]:
    """The improvement actions not reviewed yet, and those of them past their due date."""
    if not may_read_improvements(user):
        return []
    active = filtered(improvements_visible_to(user), status=ACTIVE)
    counts = active.aggregate(
        active=Count("id"),
        overdue=Count("id", filter=Q(status__in=sorted(WORKING_STATUSES), due_on__lt=today)),
    )
    listed = reverse("improvements:list")
    return [
        Figure("improvements", _("Open improvement actions"), counts["active"],
               link=f"{listed}?{urlencode({'status': ACTIVE})}"),
        Figure("improvements_overdue", _("Improvement actions past due"), counts["overdue"],
               link=f"{listed}?{urlencode({'status': ACTIVE, 'overdue': 'on'})}"),
    ]  # fmt: skip


def home_panel(user):
    """The dashboard as a panel of the home page (complaints.hooks.home_panels)."""
    dashboard = home_dashboard(user)
    if dashboard is None:
        return None
    return HomePanel("reports/_home_dashboard.html", {"dashboard": dashboard})
