"""Deadline policies a new organisation starts with (DOMAIN §4); administrators edit them."""

from kesu.complaints.choices import CauseClass, Severity
from kesu.sla.choices import MilestoneKind
from kesu.sla.deadline_rules import (
    MAJOR_CUSTOMER_UPDATE_EVERY,
    PRODUCT_QUALITY_FIRST_CONTACT_WITHIN,
    SATISFACTION_CALLBACK_WITHIN,
    SERVICE_MANNER_FIRST_CONTACT_WITHIN,
    SOLUTION_WITHIN,
    Target,
    resolution_within,
)
from kesu.sla.models import DeadlinePolicy, PolicyTarget

K = MilestoneKind


def _rows(*targets: tuple[str, Target]) -> list[tuple[str, int, str, str]]:
    return [(milestone, t.amount, t.unit, t.clock) for milestone, t in targets]


# (name, match fields, [(milestone, amount, unit, clock)]); the values are in deadline_rules.
DEFAULT_POLICIES = [
    (
        "默认时限",
        {},
        _rows(
            (K.FIRST_CONTACT, PRODUCT_QUALITY_FIRST_CONTACT_WITHIN),
            (K.SOLUTION, SOLUTION_WITHIN),
            (K.RESOLUTION, resolution_within(Severity.GENERAL)),
            (K.SATISFACTION_CALLBACK, SATISFACTION_CALLBACK_WITHIN),
        ),
    ),
    (
        "服务态度投诉：当个工作小时内联系",
        {"cause": CauseClass.SERVICE_MANNER},
        _rows((K.FIRST_CONTACT, SERVICE_MANNER_FIRST_CONTACT_WITHIN)),
    ),
    (
        "中级投诉",
        {"severity": Severity.MEDIUM},
        _rows((K.RESOLUTION, resolution_within(Severity.MEDIUM))),
    ),
    (
        "重大投诉",
        {"severity": Severity.MAJOR},
        _rows(
            (K.RESOLUTION, resolution_within(Severity.MAJOR)),
            (K.CUSTOMER_UPDATE, MAJOR_CUSTOMER_UPDATE_EVERY),
        ),
    ),
    (
        "非理性投诉",
        {"severity": Severity.IRRATIONAL},
        _rows((K.RESOLUTION, resolution_within(Severity.IRRATIONAL))),
    ),
]


def install_deadline_defaults(organisation) -> None:
    if DeadlinePolicy.objects.filter(organisation=organisation).exists():
        return
    for name, match, targets in DEFAULT_POLICIES:
        policy = DeadlinePolicy.objects.create(organisation=organisation, name=name, **match)
        PolicyTarget.objects.bulk_create(
            PolicyTarget(policy=policy, milestone=m, amount=a, unit=u, clock=c)
            for m, a, u, c in targets
        )
