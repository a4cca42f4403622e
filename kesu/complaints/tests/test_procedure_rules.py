"""The procedure's key rules, written out by hand from ../shared/DOMAIN.md.

The other workflow tests derive their cases from workflow.TRANSITIONS, so a wrong entry there
would pass them; these rows do not read the table, and a wrong role, source state or target
state in it fails here. Each row names the DOMAIN section it comes from.
"""

from decimal import Decimal

import pytest

from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import TRANSITIONS, transitions_for
from kesu.organisation.choices import Role

F, C, H, D, G = Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER
GROUP, ADMIN = Role.GROUP, Role.ADMIN
S = State
MAY, MAY_NOT = True, False

# (role, state, move, may the role make the move in that state)
RULES = [
    # §1 frontline / §3 stage 1: the frontline confirms the record with the customer.
    (F, S.REGISTERED, "confirm", MAY),
    # §1 callback specialist: runs callbacks, does not take in complaints.
    (C, S.REGISTERED, "confirm", MAY_NOT),
    # §1 administrator: configuration only, no part in handling.
    (ADMIN, S.REGISTERED, "confirm", MAY_NOT),
    # §3 states: a record is confirmed once, at the start.
    (F, S.INVESTIGATING, "confirm", MAY_NOT),
    # §1 handling manager: owns the investigation.
    (H, S.CONFIRMED, "start_investigation", MAY),
    (F, S.CONFIRMED, "start_investigation", MAY_NOT),
    # §3 states: investigation follows confirmation, not registration.
    (H, S.REGISTERED, "start_investigation", MAY_NOT),
    # §1 handling manager / §3 stage 3: proposes the solution.
    (H, S.INVESTIGATING, "propose_solution", MAY),
    (F, S.INVESTIGATING, "propose_solution", MAY_NOT),
    (C, S.INVESTIGATING, "propose_solution", MAY_NOT),
    # §1 group: sees all branches, a case is escalated to it, it does not work the case.
    (GROUP, S.INVESTIGATING, "propose_solution", MAY_NOT),
    # §1 general manager approves large compensation; the frontline grants none.
    (G, S.AWAITING_APPROVAL, "approve_compensation", MAY),
    (D, S.AWAITING_APPROVAL, "approve_compensation", MAY),
    (F, S.AWAITING_APPROVAL, "approve_compensation", MAY_NOT),
    (C, S.AWAITING_APPROVAL, "reject_compensation", MAY_NOT),
    # §3 stage 3: get the customer's agreement (the frontline talks to the customer).
    (F, S.SOLUTION_PROPOSED, "accept_solution", MAY),
    (F, S.SOLUTION_PROPOSED, "decline_solution", MAY),
    (F, S.INVESTIGATING, "accept_solution", MAY_NOT),
    # §1 handling manager: implementation, then resolved.
    (H, S.IN_PROGRESS, "resolve", MAY),
    (F, S.IN_PROGRESS, "resolve", MAY_NOT),
    # §3 states: "verified by callback"; §1 the callback specialist and the customer director
    # do the satisfaction callback, not the one who resolved the case.
    (C, S.RESOLVED, "verify", MAY),
    (D, S.RESOLVED, "verify", MAY),
    (H, S.RESOLVED, "verify", MAY_NOT),
    (C, S.IN_PROGRESS, "verify", MAY_NOT),
    # §3 states: closed only after the callback verified it; §3 stage 4 the case summary.
    (D, S.VERIFIED, "close", MAY),
    (D, S.RESOLVED, "close", MAY_NOT),
    (H, S.VERIFIED, "close", MAY_NOT),
    # §3: a customer still unsatisfied reopens the case (heard at the front desk or in a
    # callback, §2 channel "found during a callback").
    (F, S.CLOSED, "reopen", MAY),
    (C, S.RESOLVED, "reopen", MAY),
    (F, S.INVESTIGATING, "reopen", MAY_NOT),
    # §3: "not solvable for now" parks a case with a reason; resumed later.
    (H, S.INVESTIGATING, "park", MAY),
    (F, S.INVESTIGATING, "park", MAY_NOT),
    (H, S.PARKED, "resume", MAY),
    # §3: duplicates are merged, withdrawn cases closed with a reason; not once closed.
    (F, S.REGISTERED, "merge", MAY),
    (F, S.REGISTERED, "withdraw", MAY),
    (F, S.CLOSED, "withdraw", MAY_NOT),
    # §4: the resolution deadline is set per case by the customer director.
    (D, S.INVESTIGATING, "set_deadline", MAY),
    (H, S.INVESTIGATING, "set_deadline", MAY_NOT),
    # §3 stage 3: escalate when needed, the one who owns the resolution.
    (H, S.INVESTIGATING, "escalate", MAY),
    # §1 frontline: the first-contact owner until it is handed over (the complaint below is
    # owned by the frontline user); another role without an own case may not.
    (F, S.CONFIRMED, "hand_over", MAY),
    (C, S.CONFIRMED, "hand_over", MAY_NOT),
    # §2 root cause, then later the verification that the preventive action worked (§8).
    (H, S.CLOSED, "record_root_cause", MAY),
    (D, S.RESOLVED, "verify_prevention", MAY),
    (H, S.RESOLVED, "verify_prevention", MAY_NOT),
]

# §3 states: registered → confirmed → investigating → solution proposed → in progress →
# resolved → verified → closed; reopened and declined cases go back to investigating.
TARGETS = [
    ("confirm", S.CONFIRMED),
    ("start_investigation", S.INVESTIGATING),
    ("propose_solution", S.SOLUTION_PROPOSED),
    ("accept_solution", S.IN_PROGRESS),
    ("decline_solution", S.INVESTIGATING),
    ("resolve", S.RESOLVED),
    ("verify", S.VERIFIED),
    ("close", S.CLOSED),
    ("reopen", S.INVESTIGATING),
    ("park", S.PARKED),
    ("resume", S.INVESTIGATING),
    ("merge", S.MERGED),
    ("withdraw", S.WITHDRAWN),
    # Actions that keep the state.
    ("hand_over", None),
    ("escalate", None),
    ("set_deadline", None),
]


@pytest.mark.parametrize(("role", "state", "move", "may"), RULES)
def test_who_may_make_which_move_in_which_state(world, role, state, move, may):
    complaint = Complaint(
        organisation=world.org,
        state=state,
        owner=world.user(F),
        compensation_amount=Decimal("100"),
        preventive_action="交车前逐项检查",  # so that verifying it is a matter of role and state
    )

    offered = {t.name for t in transitions_for(complaint, world.user(role))}

    assert (move in offered) is may


def test_verifying_a_preventive_action_is_not_offered_before_there_is_one(world):
    complaint = Complaint(organisation=world.org, state=S.RESOLVED, owner=world.user(F))
    director = world.user(Role.DIRECTOR)
    assert "verify_prevention" not in {t.name for t in transitions_for(complaint, director)}
    complaint.preventive_action = "交车前逐项检查"
    assert "verify_prevention" in {t.name for t in transitions_for(complaint, director)}


@pytest.mark.parametrize(("move", "target"), TARGETS)
def test_where_each_move_ends(move, target):
    assert TRANSITIONS[move].target == target
