"""Reads: which callbacks a user may see, today's list, a customer's callback history, what the
callbacks found for the export of the complaints."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext

from kesu.callbacks.choices import CallbackType, QuestionKind, TaskStatus
from kesu.callbacks.models import CallbackTask, SampleDraw, SurveyQuestion, SurveyResponse
from kesu.complaints.choices import Move
from kesu.complaints.hooks import CustomerRating, ExportColumn, ExportPart
from kesu.complaints.workflow import TRANSITIONS
from kesu.core.errors import NotFound
from kesu.core.queries import IdIn
from kesu.organisation.choices import Role

# Roles that work only the callbacks planned for their own role, not their branch's whole list:
# frontline staff make the sales advisor's call after a delivery (callbacks/defaults.py).
OWN_ROLE_ONLY_ROLES = frozenset({Role.FRONTLINE})
# Who works with callbacks in the workspace and the API.
WORKSPACE_ROLES = frozenset(
    {Role.CALLBACK, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP, Role.ADMIN}
    | OWN_ROLE_ONLY_ROLES
)
# Who may record what came of a call: those who may verify the complaint with it (the group and
# administrators only look), and the roles that see only their own role's calls — by default
# none of those is about a complaint; one that would verify a complaint is refused by the
# procedure (workflow.TRANSITIONS).
RECORDING_ROLES = TRANSITIONS[Move.VERIFY].roles | OWN_ROLE_ONLY_ROLES
# Who may draw samples and see every colleague's list.
SUPERVISING_ROLES = frozenset({Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP, Role.ADMIN})


def may_use_workspace(user) -> bool:
    return (
        user.is_authenticated and user.organisation_id is not None and user.role in WORKSPACE_ROLES
    )


def tasks_visible_to(user) -> QuerySet[CallbackTask]:
    """Callbacks a user may see: a branch its own, the group and administrators all; frontline
    staff only those planned for their role."""
    qs = CallbackTask.objects.all()
    if not may_use_workspace(user):
        return qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        return qs
    if user.role in OWN_ROLE_ONLY_ROLES:
        qs = qs.filter(role=user.role)
    if user.branch_id:
        return qs.filter(branch_id=user.branch_id)
    return qs.filter(assignee_id=user.pk)


def task_list(user) -> QuerySet[CallbackTask]:
    return tasks_visible_to(user).select_related(
        "customer", "plan", "purchase", "complaint", "assignee", "branch"
    )


def end_of_day(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return datetime.combine(
        local.date() + timedelta(days=1), datetime.min.time(), tzinfo=local.tzinfo
    )


def mine(user) -> Q:
    """Assigned to the user, or to nobody yet but to the user's role."""
    return Q(assignee_id=user.pk) | Q(assignee__isnull=True, role=user.role)


def todays_tasks(user, *, scope: str = "mine", now: datetime | None = None):
    """Open callbacks that may be made today (late ones first), in calling-window order."""
    qs = task_list(user).filter(status=TaskStatus.OPEN, call_from__lt=end_of_day(now))
    if scope == "mine" or user.role not in SUPERVISING_ROLES:
        qs = qs.filter(mine(user))
    return qs.order_by("call_from", "due_on", "id")


def task_get(user, task_id) -> CallbackTask:
    try:
        return task_list(user).select_related("plan__survey", "key_person").get(pk=task_id)
    except (CallbackTask.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def next_task_after(user, task: CallbackTask, now=None) -> CallbackTask | None:
    """The next callback on the user's list for today, after the one just done."""
    return todays_tasks(user, scope="mine", now=now).exclude(pk=task.pk).first()


def customer_callbacks(user, customer_id: int, exclude_id: int | None = None, limit: int = 6):
    qs = (
        tasks_visible_to(user)
        .filter(customer_id=customer_id)
        .exclude(pk=exclude_id)  # type: ignore[misc]  # None excludes nothing, as meant
        .select_related("plan", "completed_by")
        .order_by("-due_on", "-id")
    )
    return qs[:limit]


def draws_visible_to(user) -> QuerySet[SampleDraw]:
    qs = SampleDraw.objects.all()
    if not may_use_workspace(user) or user.role not in SUPERVISING_ROLES:
        return qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        return qs
    return qs.filter(branch_id=user.branch_id)


def _answer_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def customer_ratings(complaint) -> list[CustomerRating]:
    """What the customer said of the handling (complaints.hooks.customer_ratings): the "result"
    rating (1–5) and comment of every questionnaire answered about the complaint, the portal's
    rating among them, oldest first; one query."""
    english = (get_language() or "").startswith("en")
    out = []
    responses = (
        SurveyResponse.objects.filter(complaint_id=complaint.pk)
        .select_related("survey")
        .order_by("answered_at", "id")
    )
    for response in responses:
        answers = response.answers or {}
        score = _answer_number(answers.get("result"))
        if score is None:
            continue
        survey = response.survey
        comment = answers.get("comment")
        out.append(
            CustomerRating(
                at=response.answered_at,
                score=score,
                comment=comment if isinstance(comment, str) else "",
                source=(survey.name_en if english and survey.name_en else survey.name),
            )
        )
    return out


def exported_satisfaction(user) -> ExportPart:
    """What the callbacks found for the Excel export of the list: the score (1–5) of the latest
    satisfaction callback about each complaint, and the NPS answer (0–10) of the latest
    questionnaire about it. Two or three queries per chunk of complaints."""

    def load(ids: list[int]) -> dict[int, dict]:
        found: dict[int, dict] = {}
        scores = (
            CallbackTask.objects.filter(
                IdIn("complaint_id", ids),
                callback_type=CallbackType.SATISFACTION,
                status=TaskStatus.DONE,
                score__isnull=False,
            )
            .order_by("completed_at", "id")
            .values_list("complaint_id", "score")
        )
        for complaint_id, score in scores:
            found.setdefault(complaint_id, {})["score"] = score
        responses = list(
            SurveyResponse.objects.filter(IdIn("complaint_id", ids))
            .order_by("answered_at", "id")
            .values_list("complaint_id", "survey_id", "answers")
        )
        if responses:
            nps_codes: dict[int, list[str]] = {}
            for survey_id, code in SurveyQuestion.objects.filter(
                survey_id__in={survey_id for _c, survey_id, _a in responses},
                kind=QuestionKind.NPS,
            ).values_list("survey_id", "code"):
                nps_codes.setdefault(survey_id, []).append(code)
            for complaint_id, survey_id, answers in responses:
                for code in nps_codes.get(survey_id, []):
                    nps = _answer_number((answers or {}).get(code))
                    if nps is not None:
                        found.setdefault(complaint_id, {})["nps"] = nps
        return found

    return ExportPart(
        after="satisfaction",
        columns=[
            ExportColumn(
                gettext("Callback score (1–5)"), 10, lambda data: (data or {}).get("score")
            ),
            ExportColumn(gettext("NPS (0–10)"), 8, lambda data: (data or {}).get("nps")),
        ],
        load=load,
    )
