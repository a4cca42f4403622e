"""What an emerging issue tells people through kesu/notifications: once, when it is raised,
its branches' customer directors, the handling managers of the department that owns the defect
and, for a cluster across branches, the group customer centre. Called inside the transaction
that raises it."""

from django.conf import settings
from django.urls import reverse

from kesu.complaints.people import branch_people, group_centre, handling_managers
from kesu.emerging.models import EmergingIssue
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.services import notify_many
from kesu.organisation.choices import Role

PERSONAL = (Channel.INBOX, Channel.EMAIL)


def issue_payload(issue: EmergingIssue) -> dict:
    category = issue.category
    return {
        "emerging_id": issue.pk,
        "path": reverse("emerging:detail", args=[issue.pk]),
        "label": issue.label,
        "product": issue.product,
        "category": category.name if category else "",
        "category_en": category.name_en if category else "",
        "size": issue.size,
        "hours": settings.KESU_EMERGING_WINDOW_HOURS,
    }


def recipients(issue: EmergingIssue, branch_ids: list[int]) -> list:
    org = issue.organisation_id
    people = {}
    for branch_id in branch_ids:
        for user in branch_people(org, branch_id, Role.DIRECTOR):
            people[user.pk] = user
    if issue.department_id:
        department_branch = issue.department.branch_id
        for user in handling_managers(org, issue.department_id, department_branch):
            people[user.pk] = user
    if issue.branch_id is None:
        for user in group_centre(org):
            people[user.pk] = user
    return [people[pk] for pk in sorted(people)]


def notify_raised(issue: EmergingIssue, branch_ids: list[int]) -> int:
    people = recipients(issue, branch_ids)
    if not people:
        return 0
    return notify_many(
        [
            {
                "organisation_id": issue.organisation_id,
                "branch_id": issue.branch_id,
                "recipients": people,
                "kind": Kind.EMERGING_ISSUE,
                "payload": issue_payload(issue),
                "dedupe_key": f"emerging{issue.pk}:{Kind.EMERGING_ISSUE}",
                "channels": PERSONAL,
                "webhooks": False,
            }
        ]
    )
