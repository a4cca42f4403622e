"""What the navigation bar of every page offers the signed-in user.

Each entry asks the app that owns the page whether this user may use it, so the bar never
shows a link its page would refuse, nor hides one it would serve. The answers are computed
only when a template reads them: a page rendered while the database is away (the 503 page)
must not load the user.
"""

from kesu.callbacks.selectors import may_use_workspace
from kesu.complaints.services import may_register
from kesu.complaints.triage_panel import may_read_acceptance
from kesu.crises.selectors import may_read as may_read_crises
from kesu.emerging.selectors import may_read as may_read_emerging
from kesu.improvements.selectors import may_read as may_read_improvements
from kesu.lessons.selectors import may_read_lessons
from kesu.reports.access import may_read_reports
from kesu.webhooks.selectors import may_manage as may_manage_webhooks


def _signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def navigation(request) -> dict:
    """Template context processor (settings.TEMPLATES); templates call the values lazily."""

    def can_register() -> bool:
        user = _signed_in(request)
        return user is not None and may_register(user)

    def nav_callbacks() -> bool:
        user = _signed_in(request)
        return user is not None and may_use_workspace(user)

    def nav_reports() -> bool:
        user = _signed_in(request)
        return user is not None and may_read_reports(user)

    def nav_improvements() -> bool:
        user = _signed_in(request)
        return user is not None and may_read_improvements(user)

    def nav_crises() -> bool:
        user = _signed_in(request)
        return user is not None and may_read_crises(user)

    def nav_emerging() -> bool:
        user = _signed_in(request)
        return user is not None and may_read_emerging(user)

    def nav_lessons() -> bool:
        user = _signed_in(request)
        return user is not None and may_read_lessons(user)

    def nav_triage() -> bool:
        user = _signed_in(request)
        return user is not None and may_read_acceptance(user)

    def nav_webhooks() -> bool:
        user = _signed_in(request)
        return user is not None and may_manage_webhooks(user)

    return {
        "can_register": can_register,
        "nav_callbacks": nav_callbacks,
        "nav_reports": nav_reports,
        "nav_improvements": nav_improvements,
        "nav_crises": nav_crises,
        "nav_emerging": nav_emerging,
        "nav_lessons": nav_lessons,
        "nav_triage": nav_triage,
        "nav_webhooks": nav_webhooks,
    }
