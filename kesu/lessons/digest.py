"""The monthly digest: the lessons shared last month, to each manager, for what they answer for.

Handling managers get their department's (without a department, their branch's), customer
directors and general managers their branch's, the group customer centre every branch's. A
manager with nothing in their scope gets nothing. It goes out through the notification outbox
(inbox and e-mail, no group robots), written in each reader's language when sent, with one
event key per organisation and month, so running it again — a second beat, `run_worker` every
day after the digest day, the command by hand — sends nothing twice.
"""

from datetime import date
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kesu.lessons.choices import DIGEST_ROLES
from kesu.lessons.models import Lesson
from kesu.lessons.selectors import lessons_shared_in
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.services import notify_many
from kesu.organisation.choices import Role
from kesu.organisation.models import Organisation, User

# How many lessons a digest names; the rest are counted and on the page it links to.
LISTED = 10


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def dedupe_key(organisation_id: int, month: date) -> str:
    return f"lessons:{organisation_id}:{month:%Y-%m}"


def digest_send(*, month: date | None = None, today: date | None = None) -> int:
    """Queue the digest of `month` (by default the month before `today`) for every
    organisation's managers; returns how many notifications were queued (0 when run again)."""
    month = (month or previous_month(today or timezone.localdate())).replace(day=1)
    queued = 0
    for organisation_id in Organisation.objects.order_by("pk").values_list("pk", flat=True):
        queued += organisation_digest(organisation_id, month)
    return queued


def organisation_digest(organisation_id: int, month: date) -> int:
    lessons = list(
        lessons_shared_in(organisation_id, month)
        .select_related("branch", "category")
        .only(
            "id",
            "title",
            "cause",
            "branch_id",
            "branch__name",
            "department_id",
            "category_id",
            "category__name",
            "category__name_en",
        )
        .order_by("-id")
    )
    if not lessons:
        return 0
    by_branch: dict[int, list[Lesson]] = {}
    by_department: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_branch.setdefault(lesson.branch_id, []).append(lesson)
        if lesson.department_id:
            by_department.setdefault(lesson.department_id, []).append(lesson)
    managers = User.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=DIGEST_ROLES
    ).order_by("pk")
    items = []
    for user in managers:
        mine = _scope(user, lessons, by_branch, by_department)
        if not mine:
            continue
        items.append(
            {
                "organisation_id": organisation_id,
                "branch_id": user.branch_id,
                "recipients": [user],
                "kind": Kind.LESSONS_DIGEST,
                "payload": _payload(user, month, mine),
                "dedupe_key": dedupe_key(organisation_id, month),
                "channels": (Channel.INBOX, Channel.EMAIL),
                "webhooks": False,
            }
        )
    with transaction.atomic():
        return notify_many(items)


def _scope(user: User, lessons, by_branch, by_department) -> list[Lesson]:
    if user.role == Role.GROUP:
        return lessons
    if user.role == Role.HANDLER and user.department_id:
        return by_department.get(user.department_id, [])
    return by_branch.get(user.branch_id, []) if user.branch_id else []


def _payload(user: User, month: date, lessons: list[Lesson]) -> dict:
    query = {"month": f"{month:%Y-%m}"}
    if user.role != Role.GROUP and user.branch_id:
        query["branch"] = str(user.branch_id)
    return {
        "month": f"{month:%Y-%m}",
        "count": len(lessons),
        "lessons": [
            {
                "id": lesson.pk,
                "title": lesson.title,
                "category": lesson.category.name if lesson.category_id else "",
                "category_en": lesson.category.name_en if lesson.category_id else "",
                "cause": lesson.cause,
                "branch": lesson.branch.name,
            }
            for lesson in lessons[:LISTED]
        ],
        "path": f"{reverse('lessons:list')}?{urlencode(query)}",
    }
