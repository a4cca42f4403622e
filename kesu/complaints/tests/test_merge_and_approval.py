"""Merging by complaint number, and approval offered only within the approver's limit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.choices import Severity, State
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import transitions_for, who_may_approve
from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit


def _merge(world, duplicate, **into):
    return workflow.complaint_merge(
        complaint_id=duplicate.pk, actor=world.user(Role.FRONTLINE), **into
    )


def test_merge_by_number_keeps_the_higher_severity_and_the_crisis_flag(world):
    survivor = world.complaint()
    duplicate = world.complaint(customer=survivor.customer)
    Complaint.objects.filter(pk=duplicate.pk).update(severity=Severity.MAJOR, is_crisis=True)
    survivor_version = survivor.version

    merged = _merge(world, duplicate, into_number=survivor.number.lower())

    assert merged.state == State.MERGED and merged.merged_into_id == survivor.pk
    survivor.refresh_from_db()
    assert survivor.severity == Severity.MAJOR and survivor.is_crisis
    assert survivor.version == survivor_version + 1
    went = AuditEntry.objects.get(complaint_id=duplicate.pk, action="merge")
    assert went.data["into"] == survivor.number and went.data["into_id"] == survivor.pk
    came = AuditEntry.objects.get(complaint_id=survivor.pk, action="merged_in")
    assert came.data["duplicate"] == duplicate.number
    assert came.data["changes"] == {
        "severity": [Severity.GENERAL, Severity.MAJOR],
        "is_crisis": [False, True],
    }


def test_merge_keeps_the_survivors_own_higher_severity(world):
    survivor = world.complaint()
    Complaint.objects.filter(pk=survivor.pk).update(severity=Severity.MAJOR)
    duplicate = world.complaint(customer=survivor.customer)
    _merge(world, duplicate, into_id=survivor.pk)  # the id is still accepted
    survivor.refresh_from_db()
    assert survivor.severity == Severity.MAJOR and not survivor.is_crisis
    came = AuditEntry.objects.get(complaint_id=survivor.pk, action="merged_in")
    assert came.data["changes"] == {}


@pytest.mark.parametrize("case", ["itself", "unknown", "other_branch", "other_customer", "closed"])
def test_merge_refusals_are_field_errors(world, case):
    duplicate = world.complaint()
    if case == "itself":
        into = duplicate.number
    elif case == "unknown":
        into = "KS-1999-000001"
    elif case == "other_branch":
        into = world.complaint(
            actor=world.other_users[Role.FRONTLINE], customer=duplicate.customer
        ).number
    elif case == "other_customer":
        into = world.complaint().number
    else:
        closed = world.complaint(customer=duplicate.customer)
        Complaint.objects.filter(pk=closed.pk).update(state=State.CLOSED)
        into = closed.number
    with pytest.raises(ValidationError) as exc:
        _merge(world, duplicate, into_number=into)
    messages = exc.value.message_dict["into"]
    expected = {
        "itself": "itself",
        "unknown": "no complaint",
        "other_branch": "no complaint",  # a complaint the user cannot see does not exist
        "other_customer": "another customer",
        "closed": "open complaint",
    }[case]
    assert expected in messages[0]
    duplicate.refresh_from_db()
    assert duplicate.state == State.REGISTERED and duplicate.merged_into_id is None


def _awaiting(world, amount):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(
        state=State.AWAITING_APPROVAL, compensation_type="cash", compensation_amount=amount
    )
    complaint.refresh_from_db()
    return complaint


def _names(complaint, user):
    return {t.name for t in transitions_for(complaint, user)}


def test_approval_is_offered_only_within_the_limit(world):
    complaint = _awaiting(world, Decimal("20000"))  # director's default limit is 10 000
    director, gm = world.user(Role.DIRECTOR), world.user(Role.GENERAL_MANAGER)
    assert not _names(complaint, director) & workflow.APPROVAL_MOVES
    assert _names(complaint, gm) >= workflow.APPROVAL_MOVES
    # The organisation's own limit counts.
    CompensationLimit.objects.create(
        organisation=world.org, role=Role.DIRECTOR, max_amount=Decimal("50000")
    )
    assert _names(complaint, director) >= workflow.APPROVAL_MOVES


def test_within_the_limit_approval_is_offered(world):
    complaint = _awaiting(world, Decimal("5000"))
    assert _names(complaint, world.user(Role.DIRECTOR)) >= workflow.APPROVAL_MOVES
    assert not _names(complaint, world.user(Role.HANDLER)) & workflow.APPROVAL_MOVES


def test_who_may_approve_names_the_roles_and_users_whose_limit_covers_it(world):
    complaint = _awaiting(world, Decimal("20000"))
    approvers = who_may_approve(complaint)
    assert [a.role for a in approvers] == [Role.GENERAL_MANAGER]
    assert approvers[0].users == [world.user(Role.GENERAL_MANAGER)]  # not the other branch's
    complaint = _awaiting(world, Decimal("5000"))
    assert [a.role for a in who_may_approve(complaint)] == [Role.DIRECTOR, Role.GENERAL_MANAGER]
