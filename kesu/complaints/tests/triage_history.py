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
