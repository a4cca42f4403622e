"""A small factory-made history of closed complaints for the triage training tests."""

import copy

from django.utils import timezone

from kesu.complaints.choices import State
from kesu.complaints.models import Category, Complaint

# Three categories, each with its own words.
TOPICS = [
    ("noise", "发动机异响", ["冷车启动发动机异响", "发动机抖动异响严重", "怠速时发动机有异响"]),
    ("paint", "车漆问题", ["车漆起泡脱落", "新车车漆有划痕", "车门车漆色差明显"]),
    ("price", "收费争议", ["保养收费太贵乱收费", "维修多收了工时费", "收费不透明价格虚高"]),
]


def closed_history(world, per_topic: int = 70, organisation=None) -> dict[str, Category]:
    """per_topic closed complaints of each topic (bulk-made copies of one registered one)."""
    organisation = organisation or world.org
    template = world.complaint()
    categories = {}
    rows = []
    now = timezone.now()
    for code, name, phrases in TOPICS:
        categories[code] = Category.objects.create(
            organisation=organisation, code=f"t-{code}", name=name
        )
        for index in range(per_topic):
            row = copy.copy(template)
            row.pk = None
            row.organisation = organisation
            row.number = f"T-{code}-{index}"
            row.title = phrases[index % 3]
            row.account = f"客户说：{phrases[index % 3]}，第{index}次来电。"
            row.category = categories[code]
            row.cause = {"noise": "product_quality", "paint": "missed_at_pdi"}.get(code, "process")
            row.department = world.service if code != "price" else world.sales
            row.upset_level = {"noise": 2, "paint": 3}.get(code, 4)
            row.state = State.CLOSED
            row.closed_at = now
            rows.append(row)
    Complaint.objects.bulk_create(rows)
    return categories


# A car dealer's history for the intake panel's tests: brakes (under 产品质量), paint and
# charges, each with its own demand, cause, department, how upset and customer type.
INTAKE_TOPICS = [
    (
        "brakes",
        "制动异响",
        ["刹车异响制动距离变长", "刹车片异响要求退车", "制动失灵刹车变软要求退车"],
        {"demand": "return", "cause": "product_quality", "upset_level": 4},
    ),
    (
        "paint",
        "车漆问题",
        ["车漆起泡脱落", "新车车漆有划痕", "车门车漆色差明显"],
        {"demand": "repair", "cause": "missed_at_pdi", "upset_level": 2},
    ),
    (
        "price",
        "收费争议",
        ["保养收费太贵乱收费", "维修多收了工时费", "收费不透明价格虚高"],
        {"demand": "refund", "cause": "process", "upset_level": 3},
    ),
]


def intake_history(world, per_topic: int = 70) -> dict[str, Category]:
    """per_topic closed complaints of each INTAKE_TOPICS topic; the brakes' category sits
    under a parent, 产品质量 › 制动异响."""
    template = world.complaint()
    parent = Category.objects.create(organisation=world.org, code="t-quality", name="产品质量")
    categories = {}
    rows = []
    now = timezone.now()
    for code, name, phrases, values in INTAKE_TOPICS:
        categories[code] = Category.objects.create(
            organisation=world.org,
            code=f"t-{code}",
            name=name,
            parent=parent if code == "brakes" else None,
        )
        for index in range(per_topic):
            row = copy.copy(template)
            row.pk = None
            row.number = f"T-{code}-{index}"
            row.title = phrases[index % 3]
            row.account = f"客户说：{phrases[index % 3]}，第{index}次来电。"
            row.category = categories[code]
            row.department = world.sales if code == "price" else world.service
            row.personality_type = "impatient" if code == "brakes" else "meticulous"
            for field, value in values.items():
                setattr(row, field, value)
            row.state = State.CLOSED
            row.closed_at = now
            rows.append(row)
    Complaint.objects.bulk_create(rows)
    return categories
