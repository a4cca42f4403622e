"""The deadline models: one default calendar per organisation, a policy's specificity, unique
parts, and the names the admin shows."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from kesu.complaints.models import Category
from kesu.sla.choices import MilestoneKind
from kesu.sla.models import (
    BusinessCalendar,
    DeadlinePolicy,
    EscalationStep,
    PolicyTarget,
    RecomputeRequest,
    default_weekend,
)


def test_one_default_calendar_per_organisation_and_one_per_branch(world):
    default = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    assert default.weekend_days == default_weekend() == [6, 7]
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessCalendar.objects.create(organisation=world.org, name="第二个默认")
    BusinessCalendar.objects.create(organisation=world.org, branch=world.branch, name="东城店")
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessCalendar.objects.create(organisation=world.org, branch=world.branch, name="又一个")
    assert BusinessCalendar.objects.filter(organisation=world.org).count() == 2


def test_a_calendar_has_a_day_and_a_year_once(world):
    calendar = BusinessCalendar.objects.create(
        organisation=world.org, branch=world.branch, name="东城店"
    )
    calendar.days.create(date=date(2026, 3, 9), is_working=False, name="店庆")
    calendar.years.create(year=2031)
    with pytest.raises(IntegrityError), transaction.atomic():
        calendar.days.create(date=date(2026, 3, 9), is_working=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        calendar.years.create(year=2031)
    assert str(calendar.days.get()) == "2026-03-09 店庆"
    assert str(calendar.years.get()) == "东城店 2031"


def test_a_policys_specificity_counts_the_fields_it_matches_on(world):
    policy = DeadlinePolicy(organisation=world.org, name="默认")
    assert policy.specificity == 0
    policy.severity, policy.channel = "major", "phone"
    assert policy.specificity == 2
    policy.kind, policy.cause = "complaint", "service_manner"
    policy.category = Category.objects.filter(organisation=world.org).first()
    assert policy.category is not None and policy.specificity == 5
    assert str(policy) == "默认"


def test_a_policy_sets_each_milestone_once(world):
    policy = DeadlinePolicy.objects.create(organisation=world.org, name="测试")
    target = PolicyTarget.objects.create(
        policy=policy, milestone=MilestoneKind.RESOLUTION, amount=5, unit="days", clock="working"
    )
    with translation.override("en"):
        assert str(target) == "Resolution: 5 days (Working time)"
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyTarget.objects.create(policy=policy, milestone=MilestoneKind.RESOLUTION, amount=1)


def test_escalation_steps_are_ordered_and_unique_per_organisation(world):
    EscalationStep.objects.filter(organisation=world.org).delete()
    second = EscalationStep.objects.create(
        organisation=world.org, order=2, target="general_manager", delay_minutes=240
    )
    first = EscalationStep.objects.create(organisation=world.org, order=1, target="owner")
    assert list(EscalationStep.objects.filter(organisation=world.org)) == [first, second]
    assert str(second) == f"2. {second.get_target_display()} +240min"
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationStep.objects.create(organisation=world.org, order=1, target="group")


def test_the_names_of_a_milestone_and_a_recompute_request(world):
    complaint = world.complaint()
    milestone = complaint.milestones.get(kind=MilestoneKind.FIRST_CONTACT)
    assert str(milestone) == f"{complaint.pk} first_contact r1 {milestone.status}"
    request = RecomputeRequest.objects.create(organisation=world.org, reason="policy_changed")
    assert str(request).startswith("policy_changed 20")
