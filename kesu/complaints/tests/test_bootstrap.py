"""A new organisation from an industry template is ready to register complaints."""

import pytest
from django.core.management import call_command

from kesu.callbacks.models import CallbackPlan
from kesu.complaints.bootstrap import organisation_install_template
from kesu.complaints.models import Category, ChecklistRequirement, SeverityRule
from kesu.organisation.models import CompensationLimit, Department, Organisation
from kesu.sla.models import BusinessCalendar, DeadlinePolicy

pytestmark = pytest.mark.django_db


def _create(template: str, code: str = "newco"):
    call_command(
        "create_organisation",
        "--name", "华信通信",
        "--code", code,
        "--template", template,
        "--branch", "chaoyang=朝阳营业部",
        "--branch", "haidian=海淀营业部",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )  # fmt: skip
    return Organisation.objects.get(code=code)


def test_telecom_template_has_the_seed_000_categories_and_everything_else():
    org = _create("telecom")
    top = set(Category.objects.filter(organisation=org, parent=None).values_list("name", flat=True))
    assert {"话费争议", "通信质量", "服务质量"} <= top
    rules = set(SeverityRule.objects.filter(organisation=org).values_list("value", flat=True))
    assert "工信部" in rules and "12315" in rules
    assert "刹车失灵" not in rules  # a car's rules do not belong to a telecom operator
    assert DeadlinePolicy.objects.filter(organisation=org).exists()
    assert CallbackPlan.objects.filter(organisation=org).exists()
    assert ChecklistRequirement.objects.filter(organisation=org).exists()
    assert BusinessCalendar.objects.filter(organisation=org, branch=None).exists()
    assert CompensationLimit.objects.filter(organisation=org).count() >= 4
    assert Department.objects.filter(branch__organisation=org, code="network").count() == 2


def test_dealership_template_is_the_car_tree():
    org = _create("dealership")
    assert Category.objects.filter(organisation=org, name="发动机").exists()
    assert SeverityRule.objects.filter(organisation=org, value="刹车失灵").exists()


def test_installing_again_adds_nothing_twice():
    org = _create("general")
    counts = (Category.objects.count(), SeverityRule.objects.count(), Department.objects.count())
    organisation_install_template(org, "general")
    assert counts == (
        Category.objects.count(),
        SeverityRule.objects.count(),
        Department.objects.count(),
    )
