"""Demo callbacks for the demo organisation (`seed_demo` first, then `seed_callbacks_demo`).

Gives the east branch's callback specialist a day's list (deliveries, a service visit, a welcome
call, a customer who likes evening calls), its frontline the sales advisor's call after
yesterday's delivery, the customer director a satisfaction callback, and the measures page a
month of finished callbacks and last week's samples.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kesu.callbacks.choices import TaskStatus
from kesu.callbacks.models import CallbackTask, CustomerCallPreference
from kesu.callbacks.sampling import draw_last_week
from kesu.callbacks.services import NewComplaint, task_not_reached, task_record_outcome
from kesu.complaints import workflow
from kesu.complaints.checklist import checklist_tick
from kesu.complaints.services import complaint_register
from kesu.customers.choices import PersonalityType, PurchaseKind, Tier
from kesu.customers.models import Customer
from kesu.customers.services import customer_create, purchase_create
from kesu.organisation.models import Organisation, User

# (name, phone, tier, personality, kind, product, plate, days ago, window)
TODAY = [
    ("陈明", "13600001111", Tier.GOLD, "", PurchaseKind.VEHICLE, "朗逸 2025款 1.5L", "京A·K7721", 7, None),
    ("孙丽", "13600004444", Tier.SILVER, PersonalityType.IMPULSIVE, PurchaseKind.VEHICLE, "途岳 2024款 280TSI", "京B·M3390", 25, None),
    ("刘芳", "13600002222", Tier.B, "", PurchaseKind.SERVICE, "帕萨特 常规保养", "京C·22817", 3, (time(18, 30), time(20, 0))),
    ("赵磊", "13600003333", Tier.A, "", PurchaseKind.ORDER, "途观L 2025款 380TSI", "", 1, None),
    ("周强", "13600005555", "", PersonalityType.WANTS_TO_BE_HEARD, PurchaseKind.SERVICE, "速腾 更换刹车片", "京E·90415", 3, None),
    # Delivered yesterday: the frontline's (the sales advisor's) call within 3 days.
    ("钱伟", "13600006666", Tier.SILVER, "", PurchaseKind.VEHICLE, "途观L 2025款 330TSI", "京F·61208", 1, None),
]  # fmt: skip
HISTORY_NAMES = [
    "吴桂英",
    "郑浩",
    "冯静",
    "韩伟",
    "杨秀兰",
    "朱磊",
    "秦敏",
    "许军",
    "何丽",
    "吕强",
    "施燕",
    "张涛",
    "孔洁",
    "曹阳",
    "严红",
    "华峰",
    "金梅",
    "魏东",
    "陶然",
    "姜丽",
]


def seed(organisation: Organisation, now: datetime | None = None) -> int:
    """Create the demo callbacks once; returns how many callbacks exist for the organisation."""
    if Customer.objects.filter(organisation=organisation, phone="+8613600001111").exists():
        return CallbackTask.objects.filter(organisation=organisation).count()
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    users = {u.username: u for u in User.objects.filter(organisation=organisation)}
    east = users["callback"].branch
    west = users["west_director"].branch
    frontline = users["frontline"]
    with transaction.atomic():
        for name, phone, tier, personality, kind, product, plate, days, window in TODAY:
            customer = customer_create(
                actor=frontline,
                name=name,
                phone=phone,
                tier=tier,
                personality_type=personality,
                branch=east,
            )
            if window:
                CustomerCallPreference.objects.create(
                    customer=customer, window_from=window[0], window_until=window[1]
                )
            day = today - timedelta(days=days)
            dates = {
                PurchaseKind.VEHICLE: {
                    "order_effective_on": day - timedelta(days=20),
                    "delivered_on": day,
                },
                PurchaseKind.SERVICE: {"service_completed_on": day},
                PurchaseKind.ORDER: {"order_effective_on": day},
            }[kind]
            purchase_create(
                actor=frontline,
                customer=customer,
                kind=kind,
                product=product,
                plate_number=plate,
                branch=east,
                # The vehicles frontline sold: the 3-day call after delivery is theirs.
                sales_advisor=frontline if kind == PurchaseKind.VEHICLE else None,
                **dates,
            )
        # A complaint resolved today: the customer director's satisfaction callback.
        customer = Customer.objects.get(organisation=organisation, phone="+8613600001111")
        complaint, _created = complaint_register(
            actor=frontline,
            customer=customer,
            channel="phone",
            title="新车天窗异响",
            account="提车一周，过减速带时天窗位置咯吱响。",
            demand="repair",
            purchase=customer.purchases.first(),
        )
        handler = users["handler"]
        workflow.complaint_confirm(
            complaint_id=complaint.pk, actor=frontline, method="recorded_consent"
        )
        checklist_tick(complaint=complaint, actor=frontline, item="read_back", done=True)
        workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)
        workflow.complaint_propose_solution(
            complaint_id=complaint.pk, actor=handler, solution="重新调整天窗导轨并加注润滑脂。"
        )
        workflow.complaint_accept_solution(complaint_id=complaint.pk, actor=frontline)
        workflow.complaint_resolve(
            complaint_id=complaint.pk, actor=handler, result="已调整，试车无异响。"
        )
        _history(organisation, users, east, west, today)
    draw_last_week(organisation.pk, now=now)
    return CallbackTask.objects.filter(organisation=organisation).count()


def _history(organisation, users, east, west, today):
    """A month of finished callbacks in both branches, so the measures have something to show."""
    outcomes = ["satisfied"] * 6 + ["neutral", "satisfied", "dissatisfied", "satisfied"]
    for i, name in enumerate(HISTORY_NAMES):
        branch = east if i % 3 else west
        creator = users["frontline"] if branch == east else users["west_frontline"]
        customer = customer_create(
            actor=creator,
            name=name,
            phone=f"1390000{i:04d}",
            tier=[Tier.GOLD, Tier.SILVER, "", Tier.A][i % 4],
            branch=branch,
        )
        delivered = today - timedelta(days=8 + i % 12)
        purchase_create(
            actor=creator,
            customer=customer,
            kind=PurchaseKind.VEHICLE,
            product=["朗逸", "速腾", "途观L", "帕萨特"][i % 4],
            branch=branch,
            delivered_on=delivered,
        )
        for task in CallbackTask.objects.filter(
            customer=customer, status=TaskStatus.OPEN, due_on__lt=today
        ).select_related("plan"):
            if branch == west:
                actor = users["west_director"]
            else:
                actor = users["callback"] if task.role == "callback" else users["director"]
            late = timedelta(days=3 if i % 5 == 0 else 0)
            when = timezone.make_aware(datetime.combine(task.due_on + late, time(10, 30)))
            if when > timezone.now():
                continue
            if i % 7 == 3:
                for step in range(3):
                    if CallbackTask.objects.get(pk=task.pk).status != TaskStatus.OPEN:
                        break
                    task_not_reached(
                        task_id=task.pk, actor=actor, now=when + timedelta(hours=4 * step)
                    )
                continue
            satisfaction = outcomes[i % len(outcomes)]
            task_record_outcome(
                task_id=task.pk,
                actor=actor,
                satisfaction=satisfaction,
                score=[5, 4, 5, 3, 4, 5, 4, 5, 2, 5][i % 10],
                notes="对交车讲解不满意" if satisfaction == "dissatisfied" else "",
                new_complaint=NewComplaint(
                    title="交车讲解不清楚",
                    account="交车时没有讲解车机和驾驶辅助的用法，回家后很多功能不会用。",
                    demand="explanation",
                )
                if satisfaction == "dissatisfied"
                else None,
                lead_interest="延长保修" if i % 6 == 1 else "",
                now=when,
            )
