"""Deadline policies a new organisation starts with (DOMAIN §4); administrators edit them."""

from kesu.complaints.choices import CauseClass, Severity
from kesu.sla.choices import MilestoneKind
from kesu.sla.deadline_rules import (
    MAJOR_CUSTOMER_UPDATE_EVERY,
    MANUFACTURER_FEEDBACK_WITHIN,
    PRODUCT_QUALITY_FIRST_CONTACT_WITHIN,
    SATISFACTION_CALLBACK_WITHIN,
    SERVICE_MANNER_FIRST_CONTACT_WITHIN,
    SOLUTION_WITHIN,
    Target,
    resolution_within,
)
from kesu.sla.models import DeadlinePolicy, PolicyTarget

K = MilestoneKind


# (name, match fields, [(milestone, target)]); the values are in deadline_rules. A new
# organisation gets them as policies it can edit; tracking applies them itself wherever an
# organisation's own policies set no target (default_targets_for).
DEFAULT_POLICIES: list[tuple[str, dict[str, str], list[tuple[str, Target]]]] = [
    (
        "默认时限",
        {},
        [
            (K.FIRST_CONTACT, PRODUCT_QUALITY_FIRST_CONTACT_WITHIN),
            (K.SOLUTION, SOLUTION_WITHIN),
            (K.RESOLUTION, resolution_within(Severity.GENERAL)),
            (K.SATISFACTION_CALLBACK, SATISFACTION_CALLBACK_WITHIN),
            # Runs only for manufacturer-forwarded complaints or when the manufacturer asked
            # for a report back (tracking.milestones_plan, milestones_feedback_expected).
            (K.MANUFACTURER_FEEDBACK, MANUFACTURER_FEEDBACK_WITHIN),
        ],
    ),
    (
        "服务态度投诉：当个工作小时内联系",
        {"cause": CauseClass.SERVICE_MANNER},
        [(K.FIRST_CONTACT, SERVICE_MANNER_FIRST_CONTACT_WITHIN)],
    ),
    (
        "中级投诉",
        {"severity": Severity.MEDIUM},
        [(K.RESOLUTION, resolution_within(Severity.MEDIUM))],
    ),
    (
        "重大投诉",
        {"severity": Severity.MAJOR},
        [
            (K.RESOLUTION, resolution_within(Severity.MAJOR)),
            (K.CUSTOMER_UPDATE, MAJOR_CUSTOMER_UPDATE_EVERY),
        ],
    ),
    (
        "非理性投诉",
        {"severity": Severity.IRRATIONAL},
        [(K.RESOLUTION, resolution_within(Severity.IRRATIONAL))],
    ),
]


def default_targets_for(complaint) -> dict[str, Target]:
    """The targets the default policies give a complaint, the more specific over the general."""
    targets: dict[str, Target] = {}
    for _name, match, policy_targets in sorted(DEFAULT_POLICIES, key=lambda p: len(p[1])):
        if all(getattr(complaint, field) == value for field, value in match.items()):
            targets.update(policy_targets)
    return targets


def install_deadline_defaults(organisation) -> None:
    if DeadlinePolicy.objects.filter(organisation=organisation).exists():
        return
    for name, match, targets in DEFAULT_POLICIES:
        policy = DeadlinePolicy.objects.create(organisation=organisation, name=name, **match)
        PolicyTarget.objects.bulk_create(
            PolicyTarget(policy=policy, milestone=m, amount=t.amount, unit=t.unit, clock=t.clock)
            for m, t in targets
        )
