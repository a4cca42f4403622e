"""Reads of complaints' deadlines for the pages, printouts and exports of the apps below sla."""

from django.utils.translation import gettext as _

from kesu.complaints.hooks import ExportColumn, ExportPart, PrintedDeadline
from kesu.core.queries import IdIn
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.sla.models import ComplaintMilestone

# The milestones the handling department works towards, in the order a printout lists them.
HANDLING_KINDS = (MilestoneKind.FIRST_CONTACT, MilestoneKind.SOLUTION, MilestoneKind.RESOLUTION)


def printed_deadlines(complaint) -> list[PrintedDeadline]:
    """The latest round of each handling milestone that is not cancelled (one query)."""
    latest = {}
    for m in complaint.milestones.filter(kind__in=HANDLING_KINDS).order_by("round", "id"):
        latest[m.kind] = m
    return [
        PrintedDeadline(
            kind=kind,
            label=str(latest[kind].get_kind_display()),
            due_at=latest[kind].due_at,
            status=latest[kind].status,
            status_label=str(latest[kind].get_status_display()),
            is_resolution=kind == MilestoneKind.RESOLUTION,
        )
        for kind in HANDLING_KINDS
        if kind in latest and latest[kind].status != MilestoneStatus.CANCELLED
    ]


def _milestone_column(title: str, kind: str, field: str) -> ExportColumn:
    return ExportColumn(title, 17, lambda data: (data or {}).get(kind, {}).get(field))


def exported_milestones(user) -> ExportPart:
    """Each milestone's due and met time for the Excel export of the list: its latest round, left
    empty when that round was cancelled, as on printouts. One query per chunk of complaints."""

    def load(ids: list[int]) -> dict[int, dict]:
        found: dict[int, dict] = {}
        rows = (
            ComplaintMilestone.objects.filter(IdIn("complaint_id", ids))
            .order_by("round", "id")
            .values_list("complaint_id", "kind", "status", "due_at", "met_at")
        )
        for complaint_id, kind, status, due_at, met_at in rows:
            found.setdefault(complaint_id, {})[kind] = (
                {} if status == MilestoneStatus.CANCELLED else {"due": due_at, "met": met_at}
            )
        return found

    columns = []
    for kind in MilestoneKind:
        columns.append(
            _milestone_column(
                _("%(milestone)s: due by") % {"milestone": kind.label}, kind.value, "due"
            )
        )
        columns.append(
            _milestone_column(
                _("%(milestone)s: met at") % {"milestone": kind.label}, kind.value, "met"
            )
        )
    return ExportPart(after="due_at", columns=columns, load=load)
