"""Reads: the lessons a user may read, searched and filtered, and those beside a complaint.

Lessons are read by everyone in the organisation, across branches (DOMAIN §6: "searchable by
everyone"); a lesson holds nothing of the customer. Whether a lesson links to its complaint is
the complaint's own scope (`linkable_complaints`). Every list is newest first by id, read from
an index that ends with id, and pages by keyset.
"""

from datetime import date, datetime, time

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import Move
from kesu.complaints.models import Category, Complaint
from kesu.complaints.search import words_matching
from kesu.complaints.selectors import categories_by_label, complaints_visible_to
from kesu.lessons.models import Lesson
from kesu.lessons.services import TEXT_FIELDS

# Long texts and search pieces a list row does not need in full.
LIST_DEFERRED = ("search_grams",)
# How many lessons of similar cases the complaint page and the intake show.
SIMILAR = 3


def may_read_lessons(user) -> bool:
    """Everyone signed in to an organisation reads its lessons."""
    return bool(user.is_authenticated and user.organisation_id)


def lessons_visible_to(user) -> QuerySet[Lesson]:
    """Every lesson of the user's organisation (none without one)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Lesson.objects.none()
    return Lesson.objects.filter(organisation_id=user.organisation_id)


def lesson_rows(qs: QuerySet[Lesson]) -> QuerySet[Lesson]:
    """What a list shows of each lesson, in one query, newest first: of its complaint only the
    number (`complaint_number`), nothing of its texts or its customer."""
    return (
        qs.select_related("category", "branch", "marked_by")
        .annotate(complaint_number=F("complaint__number"))
        .defer(*LIST_DEFERRED)
        .order_by("-id")
    )


def category_subtree(category: Category) -> list[int]:
    """The ids of a category and every category under it (the tree is small: one query on the
    (organisation, path) index)."""
    return list(
        Category.objects.filter(organisation_id=category.organisation_id)
        .filter(Q(path=category.path) | Q(path__startswith=category.path + "/"))
        .values_list("id", flat=True)
    )


def category_line(category: Category) -> list[int]:
    """The ids of a category, everything under it and the categories above it: the lessons of
    similar cases are those of the same line of the tree (a lesson filed under 售后服务 is one
    for 售后服务 › 服务收费 too, one of 车辆质量 › 车身 is not one for 车辆质量 › 发动机)."""
    parts = category.path.split("/")
    above = ["/".join(parts[:i]) for i in range(1, len(parts))]
    return list(
        Category.objects.filter(organisation_id=category.organisation_id)
        .filter(Q(path=category.path) | Q(path__startswith=category.path + "/") | Q(path__in=above))
        .values_list("id", flat=True)
    )


def top_of(category: Category) -> Category:
    """The category at the top of its tree (itself for a top one)."""
    top = category.path.split("/")[0]
    if top == category.path:
        return category
    return (
        Category.objects.filter(organisation_id=category.organisation_id, path=top).first()
        or category
    )


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first moment of a month and of the next one, in local time."""
    start = date(month.year, month.month, 1)
    after = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(after, time.min), zone),
    )


def lessons_search(
    user,
    *,
    category: Category | None = None,
    cause: str = "",
    words: str = "",
    branch_id: int | None = None,
    month: date | None = None,
) -> QuerySet[Lesson]:
    """The user's lessons narrowed by a category (and everything under it), a cause class,
    words of their title, text or advice, a branch and the month they were shared in."""
    qs = lessons_visible_to(user)
    if category is not None:
        qs = qs.filter(category_id__in=category_subtree(category))
    if cause:
        qs = qs.filter(cause=cause)
    if branch_id is not None:
        qs = qs.filter(branch_id=branch_id)
    if month is not None:
        start, end = month_bounds(month)
        qs = qs.filter(marked_at__gte=start, marked_at__lt=end)
    if words.strip():
        qs = words_matching(qs, words, TEXT_FIELDS)
    return qs


def lessons_similar(user, complaint_or_category, limit: int = SIMILAR) -> list[Lesson]:
    """The newest lessons of the same line of the category tree (category_line) as a complaint
    (not its own lesson) or as a category chosen at intake; none without a category."""
    if isinstance(complaint_or_category, Complaint):
        complaint = complaint_or_category
        category = complaint.category if complaint.category_id else None
    else:
        complaint, category = None, complaint_or_category
    if category is None:
        return []
    qs = lessons_visible_to(user).filter(category_id__in=category_line(category))
    if complaint is not None:
        qs = qs.exclude(complaint_id=complaint.pk)
    return list(lesson_rows(qs)[:limit])


def linkable_complaints(user, lessons) -> set[int]:
    """Of the lessons' complaints, the ids of those the user may open (one query)."""
    ids = {lesson.complaint_id for lesson in lessons}
    if not ids:
        return set()
    return set(complaints_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def lesson_of(complaint: Complaint) -> Lesson | None:
    return Lesson.objects.select_related("marked_by").filter(complaint_id=complaint.pk).first()


def closing_summary(complaint: Complaint) -> str:
    """The case summary given when the complaint was last closed (its timeline keeps it)."""
    data = (
        AuditEntry.objects.filter(
            organisation_id=complaint.organisation_id,
            complaint_id=complaint.pk,
            action=Move.CLOSE,
        )
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    summary = (data or {}).get("summary")
    return summary.strip() if isinstance(summary, str) else ""


def category_from_label(organisation_id: int, label: str) -> Category | None:
    """The active category whose path of names (产品质量 › 发动机) is `label`, as the intake form
    offers and sends it."""
    label = (label or "").strip()
    if not label or organisation_id is None:
        return None
    categories = list(
        Category.objects.filter(organisation_id=organisation_id, is_active=True).order_by("path")
    )
    return categories_by_label(categories).get(label)


def lessons_shared_in(organisation_id: int, month: date) -> QuerySet[Lesson]:
    """An organisation's lessons shared in a month, for its digest (the marked_at index)."""
    start, end = month_bounds(month)
    return Lesson.objects.filter(
        organisation_id=organisation_id, marked_at__gte=start, marked_at__lt=end
    )
