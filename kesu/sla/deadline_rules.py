"""The default deadlines, each written once (DOMAIN §4).

The sources are the seed procedure 用户抱怨处理制度 (shared/seeds/001, §4.2.2 and §4.3.4) and
DOMAIN §4. A new organisation gets them as deadline policies it can edit (sla/defaults.py);
tracking falls back on them where no policy sets a target (sla/tracking.py).
"""

from dataclasses import dataclass
from datetime import timedelta

from kesu.complaints.choices import Channel, Severity
from kesu.sla.choices import Clock, Unit


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str
    clock: str
    policy_id: int | None = None


# The 2-hour contact deadline for product-quality complaints (产品质量类抱怨, seed 001 §4.2.2.1):
# contact the customer within 2 working hours. It is the default first-contact deadline of every
# complaint whose cause has no rule of its own (only service manner has: the same hour, below).
PRODUCT_QUALITY_FIRST_CONTACT_WITHIN = Target(2, Unit.HOURS, Clock.WORKING)
# Service-manner complaints: contact immediately, within the same working hour.
SERVICE_MANNER_FIRST_CONTACT_WITHIN = Target(1, Unit.HOURS, Clock.WORKING)
# A solution and its timetable within 24 hours of the contact (seed 001 §4.2.2.4).
SOLUTION_WITHIN = Target(24, Unit.HOURS, Clock.CALENDAR)
# Satisfaction callback within 24 hours of the resolution (seed 001 §4.3.4).
SATISFACTION_CALLBACK_WITHIN = Target(24, Unit.HOURS, Clock.CALENDAR)
# Major cases usually involve several departments: the customer hears from us every day.
MAJOR_CUSTOMER_UPDATE_EVERY = Target(1, Unit.DAYS, Clock.CALENDAR)
# Any other case that involves several departments or stays open long (sla/cadence.py): at least
# one update a day (the reminder comes a day before), and two days of silence is an alert
# (seed 002: 2~3 天没有任何反馈就代表石沉大海).
CUSTOMER_UPDATE_SILENCE_ALERT_AFTER = Target(2, Unit.DAYS, Clock.CALENDAR)
# A missed deadline reaches the customer director and the general manager on the first overdue
# day (超期后的第一天, seed 001 §4.3.3; DOMAIN §4 and §10), together with the owner's manager.
GENERAL_MANAGER_HEARS_OF_OVERDUE_AFTER = timedelta(0)
# Complaints the manufacturer forwards (its hotline, its CRM) are answered back to it: among the
# showroom manager's duties, seed 001 has complaints published by the maker's CRM settled and
# reported back to the maker promptly, naming no time. Assumed: within 3 working days of
# receipt, the default resolution time of a general complaint, so the manufacturer hears the
# cause and the handling of an ordinary case by the time it should be resolved. The same target
# runs from an answer of the manufacturer's staff that expects a report back. Editable per
# policy like every other target.
MANUFACTURER_FEEDBACK_WITHIN = Target(3, Unit.DAYS, Clock.WORKING)
# The channels whose complaints owe the manufacturer feedback from the moment they are received.
MANUFACTURER_FEEDBACK_CHANNELS = frozenset({Channel.MANUFACTURER})
# The resolution deadline defaults by severity (DOMAIN §4), in working days.
RESOLUTION_WORKING_DAYS = {
    Severity.GENERAL: 3,
    Severity.MEDIUM: 7,
    Severity.MAJOR: 15,
    Severity.IRRATIONAL: 15,
}


def resolution_within(severity: str) -> Target:
    return Target(RESOLUTION_WORKING_DAYS[severity], Unit.DAYS, Clock.WORKING)
