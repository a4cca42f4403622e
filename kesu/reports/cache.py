"""The monthly report, kept for a few minutes once worked out.

At a million complaints a month of the whole group takes seconds to compute (bench/reports.py),
so a report is kept in the cache for KESU_REPORT_CACHE_SECONDS (10 minutes by default; 0 turns
this off) and the page says when its figures were worked out ("Figures as of …"); `?fresh=1`
works them out again. In production the worker computes the reports people open most — the
group's and each branch's, this month and last, in the default language — before they are asked
for (`warm_reports`, CELERY_BEAT_SCHEDULE), so nobody waits for them.

A report depends on who may see what: the key holds the organisation, the user's reach (the
whole organisation; a branch and the role; a handling manager personally, whose reach includes
the cases they were put on the team of), the period, the scope filters and the language.
"""

import hashlib
import json
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Organisation, User
from kesu.reports.access import REPORT_ROLES
from kesu.reports.periods import Period, month
from kesu.reports.selectors import Report, monthly_report

logger = logging.getLogger("kesu.reports")
# Part of every key: a new version of the report's shape never reads an older one.
VERSION = 1


def _reach(user) -> str:
    if user.sees_whole_organisation:
        return "all"
    if user.role == Role.HANDLER and user.department_id:
        return f"user:{user.pk}"
    return f"branch:{user.branch_id}:{user.role}"


def report_key(user, period: Period, scope: dict[str, str], language: str) -> str:
    about = json.dumps(
        [VERSION, user.organisation_id, _reach(user), period.query(), sorted(scope.items()),
         language],
        separators=(",", ":"),
    )  # fmt: skip
    return "kesu:report:" + hashlib.sha256(about.encode()).hexdigest()


def report_for(user, period: Period, scope: dict[str, str], request=None, fresh=False) -> Report:
    """The report as kept (if worked out less than KESU_REPORT_CACHE_SECONDS ago), else now."""
    seconds = settings.KESU_REPORT_CACHE_SECONDS
    if seconds <= 0:
        return monthly_report(user, period, scope, request=request)
    key = report_key(user, period, scope, translation.get_language() or "")
    if not fresh:
        kept = cache.get(key)
        if isinstance(kept, Report):
            return kept
    report = monthly_report(user, period, scope, request=request)
    cache.set(key, report, seconds)
    return report


def _readers(organisation: Organisation) -> list[User]:
    """One reader per reach worth computing ahead: the group, and each branch's director and
    general manager (their reports are the same figures, but kept apart by role)."""
    users = User.objects.filter(organisation=organisation, is_active=True)
    readers = []
    group = users.filter(role=Role.GROUP).order_by("pk").first()
    if group is not None:
        readers.append(group)
    for branch in Branch.objects.filter(organisation=organisation).order_by("pk"):
        for role in (Role.DIRECTOR, Role.GENERAL_MANAGER):
            found = users.filter(branch=branch, role=role).order_by("pk").first()
            if found is not None and found.role in REPORT_ROLES:
                readers.append(found)
    return readers


def warm_reports(today=None) -> int:
    """Work out this month's and last month's reports of every organisation's group and
    branches, in the default language; returns how many were kept."""
    if settings.KESU_REPORT_CACHE_SECONDS <= 0:
        return 0
    from django.utils import timezone

    today = today or timezone.localdate()
    periods = [month(today), month(today).previous()]
    kept = 0
    with translation.override(settings.LANGUAGE_CODE):
        for organisation in Organisation.objects.order_by("pk"):
            for user in _readers(organisation):
                for period in periods:
                    started = time.monotonic()
                    report_for(user, period, {}, fresh=True)
                    kept += 1
                    logger.info(
                        "report %s for %s worked out in %.1f s",
                        period.label,
                        _reach(user),
                        time.monotonic() - started,
                    )
    return kept
