"""Deadline policies a new organisation starts with (DOMAIN §4); administrators edit them."""

from kesu.complaints.choices import CauseClass, Severity
from kesu.sla.choices import Clock, MilestoneKind, Unit
from kesu.sla.models import DeadlinePolicy, PolicyTarget

K = MilestoneKind
W, C = Clock.WORKING, Clock.CALENDAR

# (name, match fields, [(milestone, amount, unit, clock)])
DEFAULT_POLICIES = [
    (
        "默认时限",
        {},
        [
            (K.FIRST_CONTACT, 2, Unit.HOURS, W),
            (K.SOLUTION, 24, Unit.HOURS, C),
            (K.RESOLUTION, 3, Unit.DAYS, W),
            (K.SATISFACTION_CALLBACK, 24, Unit.HOURS, C),
        ],
    ),
    (
        "服务态度投诉：当个工作小时内联系",
        {"cause": CauseClass.SERVICE_MANNER},
        [
            (K.FIRST_CONTACT, 1, Unit.HOURS, W),
        ],
    ),
    ("中级投诉", {"severity": Severity.MEDIUM}, [(K.RESOLUTION, 7, Unit.DAYS, W)]),
    # Major cases usually involve several departments: the customer hears from us every day.
    (
        "重大投诉",
        {"severity": Severity.MAJOR},
        [
            (K.RESOLUTION, 15, Unit.DAYS, W),
            (K.CUSTOMER_UPDATE, 1, Unit.DAYS, C),
        ],
    ),
    ("非理性投诉", {"severity": Severity.IRRATIONAL}, [(K.RESOLUTION, 15, Unit.DAYS, W)]),
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
