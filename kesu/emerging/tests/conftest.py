"""Helpers for the emerging issue tests: a burst of similar complaints, ordinary history."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from kesu.complaints.models import Category, Complaint
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

PRODUCT = "上汽大众 朗逸 2023款 1.5L 自动 满逸版"
# Six customers telling the same defect in their own words.
BURST = [
    ("冷启动正时链条异响", "早上冷启动时发动机有异响，像链条的声音，热车后消失。"),
    ("冷车启动正时链条哗哗响", "早上冷车启动正时链条哗哗响，持续几秒。"),
    ("冷启动发动机正时链条异响", "每天第一次启动，发动机舱有链条异响。"),
    ("冷启动异响，疑似正时链条", "冷启动时发动机哗啦哗啦响，4S店说是正时链条问题。"),
    ("正时链条冷启动异响", "车辆冷启动时正时链条有明显异响，热车后好转。"),
    ("冷车启动时正时链条响", "停放一夜后冷车启动，正时链条位置异响明显。"),
]
SEVENTH = ("冷启动正时链条又响了", "冷车启动后正时链条咔咔异响，跟论坛上说的一样。")


def engine(org) -> Category:
    return Category.objects.get(organisation=org, code="vehicle.engine")


def register_similar(world, texts, at, *, product=PRODUCT, branch_users=None, step=None):
    """Register one complaint per (title, account), `step` apart from `at` on."""
    users = branch_users or world.users
    step = step if step is not None else timedelta(minutes=37)
    made = []
    for i, (title, account) in enumerate(texts):
        customer = CustomerFactory(organisation=world.org)
        purchase = PurchaseFactory(customer=customer, product=product)
        made.append(
            world.complaint(
                actor=users[Role.FRONTLINE],
                customer=customer,
                purchase=purchase,
                title=title,
                account=account,
                category=engine(world.org),
                received_at=at + step * i,
            )
        )
    return made


def ordinary_history(world, count: int, days: int, now, seed: int = 5, data_path=None) -> list[int]:
    """`count` generated complaints (real 12365auto summaries, the generator's mix of models,
    categories and wordings) received over the last `days` days, ids in the order received."""
    from kesu.demo.generation import generate_complaints

    generate_complaints(
        count=count,
        organisation=world.org,
        seed=seed,
        batch_size=1000,
        timeline="register",
        now=now,
        analyze=False,
        data_path=data_path,
    )
    rng = random.Random(seed)
    span = days * 86400
    times = sorted(now - timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    rows = list(Complaint.objects.filter(organisation=world.org).order_by("id"))
    for row, at in zip(rows, times, strict=False):
        row.received_at = at
    Complaint.objects.bulk_update(rows, ["received_at"], batch_size=500)
    return [r.pk for r in rows]


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def raised(world, now):
    """An emerging issue of the east branch: four identical complaints a minute apart."""
    from kesu.emerging.detection import detect
    from kesu.emerging.models import EmergingIssue

    texts = [("冷启动正时链条异响", "早上冷启动时正时链条异响，热车后消失。")] * 4
    complaints = register_similar(
        world, texts, now - timedelta(minutes=5), step=timedelta(minutes=1)
    )
    detect(now=now)
    issue = EmergingIssue.objects.get()
    issue.test_complaints = complaints
    return issue
