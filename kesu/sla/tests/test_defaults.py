"""The deadline policies a new organisation starts with, as DOMAIN §4 sets them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kesu.organisation.tests.factories import OrganisationFactory
from kesu.sla.choices import Clock, MilestoneKind, MilestoneStatus, Unit
from kesu.sla.defaults import DEFAULT_POLICIES, install_deadline_defaults
from kesu.sla.models import DeadlinePolicy, PolicyTarget

SH = ZoneInfo("Asia/Shanghai")


TUESDAY_10 = datetime(2026, 3, 10, 10, 0, tzinfo=SH)


def milestone(complaint, kind, round_=1):
    return complaint.milestones.get(kind=kind, round=round_)


def test_default_policies_follow_the_domain(world):
    major = world.complaint(received_at=TUESDAY_10, account="车辆自燃")
    assert milestone(major, MilestoneKind.RESOLUTION).amount == 15
    assert milestone(major, MilestoneKind.CUSTOMER_UPDATE).status == MilestoneStatus.RUNNING
    assert milestone(major, MilestoneKind.FIRST_CONTACT).policy.name == "默认时限"
    manner = world.complaint(received_at=TUESDAY_10, cause="service_manner", account="态度差")
    assert milestone(manner, MilestoneKind.FIRST_CONTACT).due_at == TUESDAY_10 + timedelta(hours=1)
    assert milestone(manner, MilestoneKind.RESOLUTION).amount == 3


def test_a_new_organisation_gets_the_default_policies_once(db):
    organisation = OrganisationFactory()
    install_deadline_defaults(organisation)
    policies = DeadlinePolicy.objects.filter(organisation=organisation)
    assert sorted(p.name for p in policies) == sorted(row[0] for row in DEFAULT_POLICIES)
    general = policies.get(name="默认时限")
    assert general.specificity == 0
    targets = {t.milestone: (t.amount, t.unit, t.clock) for t in general.targets.all()}
    assert targets == {
        MilestoneKind.FIRST_CONTACT: (2, Unit.HOURS, Clock.WORKING),
        MilestoneKind.SOLUTION: (24, Unit.HOURS, Clock.CALENDAR),
        MilestoneKind.RESOLUTION: (3, Unit.DAYS, Clock.WORKING),
        MilestoneKind.SATISFACTION_CALLBACK: (24, Unit.HOURS, Clock.CALENDAR),
        # An assumption (seed 001 names no time): see deadline_rules.MANUFACTURER_FEEDBACK_WITHIN.
        MilestoneKind.MANUFACTURER_FEEDBACK: (3, Unit.DAYS, Clock.WORKING),
    }
    assert (
        policies.get(severity="major").targets.get(milestone=MilestoneKind.RESOLUTION).amount == 15
    )
    assert policies.get(cause="service_manner").targets.get().amount == 1
    count = PolicyTarget.objects.filter(policy__organisation=organisation).count()
    # An organisation that has policies keeps them as they are.
    general.delete()
    install_deadline_defaults(organisation)
    assert not DeadlinePolicy.objects.filter(organisation=organisation, name="默认时限").exists()
    assert PolicyTarget.objects.filter(policy__organisation=organisation).count() == count - 5
