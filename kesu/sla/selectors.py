"""Reads of a complaint's deadlines for the pages and printouts of the apps below sla."""

from kesu.complaints.hooks import PrintedDeadline
from kesu.sla.choices import MilestoneKind, MilestoneStatus

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
