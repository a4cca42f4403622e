"""The default deadlines as the seed procedure and DOMAIN §4 write them."""

import pytest

from kesu.complaints.choices import Severity
from kesu.sla import deadline_rules as rules
from kesu.sla.choices import Clock, Unit


def test_first_contact_within_two_working_hours_and_one_for_service_manner():
    assert rules.Target(2, Unit.HOURS, Clock.WORKING) == rules.PRODUCT_QUALITY_FIRST_CONTACT_WITHIN
    assert rules.Target(1, Unit.HOURS, Clock.WORKING) == rules.SERVICE_MANNER_FIRST_CONTACT_WITHIN


def test_solution_and_callback_within_24_calendar_hours_and_major_updates_daily():
    assert rules.Target(24, Unit.HOURS, Clock.CALENDAR) == rules.SOLUTION_WITHIN
    assert rules.Target(24, Unit.HOURS, Clock.CALENDAR) == rules.SATISFACTION_CALLBACK_WITHIN
    assert rules.Target(1, Unit.DAYS, Clock.CALENDAR) == rules.MAJOR_CUSTOMER_UPDATE_EVERY


@pytest.mark.parametrize(
    ("severity", "days"),
    [
        (Severity.GENERAL, 3),
        (Severity.MEDIUM, 7),
        (Severity.MAJOR, 15),
        (Severity.IRRATIONAL, 15),
    ],
)
def test_resolution_in_working_days_by_severity(severity, days):
    target = rules.resolution_within(severity)
    assert (target.amount, target.unit, target.clock) == (days, Unit.DAYS, Clock.WORKING)
    assert target.policy_id is None


def test_every_severity_has_a_resolution_deadline():
    assert set(rules.RESOLUTION_WORKING_DAYS) == set(Severity.values)
    with pytest.raises(KeyError):
        rules.resolution_within("no-such-severity")


def test_a_target_is_a_value():
    target = rules.Target(2, Unit.HOURS, Clock.WORKING)
    assert target == rules.Target(2, Unit.HOURS, Clock.WORKING, policy_id=None)
    assert target != rules.Target(2, Unit.HOURS, Clock.WORKING, policy_id=1)
    with pytest.raises(AttributeError):
        target.amount = 3
