"""The deadlines a printout lists: the latest round of each handling milestone, cancelled ones left
out, in the order contact, solution, resolution; and each milestone's times in the export."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kesu.complaints.hooks import exported_columns as exported_columns_hook
from kesu.complaints.hooks import printed_deadlines as printed_deadlines_hook
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.sla.selectors import HANDLING_KINDS, exported_milestones, printed_deadlines

SH = ZoneInfo("Asia/Shanghai")
TUESDAY_10 = datetime(2026, 3, 10, 10, 0, tzinfo=SH)


def test_a_new_complaint_prints_its_three_handling_deadlines_in_order(world):
    complaint = world.complaint(received_at=TUESDAY_10)
    printed = printed_deadlines(complaint)
    assert [p.kind for p in printed] == list(HANDLING_KINDS)
    contact, solution, resolution = printed
    # The solution clock starts at first contact: not started yet, no date.
    assert (solution.status, solution.due_at) == (MilestoneStatus.WAITING, None)
    milestone = complaint.milestones.get(kind=MilestoneKind.FIRST_CONTACT)
    assert contact.due_at == milestone.due_at and contact.status == milestone.status
    assert contact.label == str(milestone.get_kind_display())
    assert str(contact.status_label) == str(milestone.get_status_display())
    assert (contact.is_resolution, resolution.is_resolution) == (False, True)


def test_the_latest_round_counts_and_cancelled_deadlines_are_left_out(world):
    complaint = world.complaint(received_at=TUESDAY_10)
    first = complaint.milestones.get(kind=MilestoneKind.RESOLUTION)
    second = complaint.milestones.create(
        kind=MilestoneKind.RESOLUTION,
        round=2,
        status=MilestoneStatus.RUNNING,
        amount=3,
        unit="days",
        clock="working",
        due_at=datetime(2026, 4, 1, 18, 0, tzinfo=SH),
    )
    first.status = MilestoneStatus.CANCELLED
    first.save()
    (resolution,) = [p for p in printed_deadlines(complaint) if p.is_resolution]
    assert resolution.due_at == second.due_at
    complaint.milestones.filter(
        kind__in=[MilestoneKind.FIRST_CONTACT, MilestoneKind.SOLUTION]
    ).update(status=MilestoneStatus.CANCELLED)
    second.status = MilestoneStatus.CANCELLED
    second.save()
    assert printed_deadlines(complaint) == []


def test_customer_updates_and_callbacks_are_not_printed(world):
    complaint = world.complaint(received_at=TUESDAY_10, account="车辆自燃")
    assert complaint.milestones.filter(kind=MilestoneKind.CUSTOMER_UPDATE).exists()
    assert {p.kind for p in printed_deadlines(complaint)} <= set(HANDLING_KINDS)


def test_the_complaints_printout_hook_reaches_it(world):
    complaint = world.complaint(received_at=TUESDAY_10)
    assert printed_deadlines in printed_deadlines_hook.receivers()
    assert printed_deadlines(complaint) in printed_deadlines_hook(complaint)


def test_the_export_shows_each_milestones_latest_round_and_nothing_once_cancelled(world):
    complaint = world.complaint(received_at=TUESDAY_10)
    other = world.complaint(received_at=TUESDAY_10)
    complaint.milestones.create(
        kind=MilestoneKind.RESOLUTION,
        round=2,
        status=MilestoneStatus.MET,
        amount=3,
        unit="days",
        clock="working",
        due_at=datetime(2026, 4, 1, 18, 0, tzinfo=SH),
        met_at=datetime(2026, 3, 30, 9, 0, tzinfo=SH),
    )
    complaint.milestones.filter(kind=MilestoneKind.FIRST_CONTACT).update(
        status=MilestoneStatus.CANCELLED
    )
    part = exported_milestones(world.user("director"))
    assert part.after == "due_at" and exported_milestones in exported_columns_hook.receivers()
    loaded = part.load([complaint.pk, other.pk])
    values = {c.title: c.value(loaded.get(complaint.pk)) for c in part.columns}
    assert values["Resolution: due by"] == datetime(2026, 4, 1, 18, 0, tzinfo=SH)
    assert values["Resolution: met at"] == datetime(2026, 3, 30, 9, 0, tzinfo=SH)
    assert values["First contact: due by"] is None  # its only round was cancelled
    contact = other.milestones.get(kind=MilestoneKind.FIRST_CONTACT)
    assert part.columns[0].value(loaded[other.pk]) == contact.due_at
    assert all(c.value(None) is None for c in part.columns)  # a complaint with no milestones
