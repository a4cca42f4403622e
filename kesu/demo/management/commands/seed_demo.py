"""Load the demo organisation: a dealership group with two branches and a user for every role."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from kesu.complaints import workflow
from kesu.complaints.bootstrap import TEMPLATE_DEPARTMENTS
from kesu.complaints.checklist import checklist_tick
from kesu.complaints.choices import CauseClass, Channel, ConfirmationMethod, Demand
from kesu.complaints.defaults import install_defaults
from kesu.complaints.models import Category, Complaint
from kesu.complaints.services import complaint_register
from kesu.crises import services as crises
from kesu.crises.models import Crisis, CrisisStep
from kesu.customers.choices import PersonalityType, PurchaseKind, Tier
from kesu.customers.services import customer_create, purchase_create
from kesu.demo.states import _photo as demo_photo
from kesu.demo.states import (
    branches_without_states,
    create_states,
    handler_for,
)
from kesu.emerging.detection import detect_for
from kesu.emerging.models import EmergingIssue
from kesu.improvements import services as improvements
from kesu.improvements.choices import Unit
from kesu.improvements.models import ImprovementAction
from kesu.integrations.models import Integration
from kesu.integrations.services import integration_create
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, CompensationLimit, Department, Organisation, User
from kesu.organisation.services import DEFAULT_COMPENSATION_LIMITS
from kesu.reports.keeping import organisation_reports
from kesu.reports.periods import last_month
from kesu.webhooks.choices import Event as WebhookEvent
from kesu.webhooks.events import complaint_data
from kesu.webhooks.models import Endpoint
from kesu.webhooks.services import EventItem, endpoint_create, endpoint_update, enqueue_events

DEMO_PASSWORD = "kesu-demo-2026"
DEPARTMENTS = TEMPLATE_DEPARTMENTS["dealership"]
# (username, display name, role, branch code or None, department code or None)
USERS = [
    ("frontline", "前台 王丽", Role.FRONTLINE, "east", "service"),
    ("callback", "回访专员 李娜", Role.CALLBACK, "east", "care"),
    ("handler", "售后服务总监 张强", Role.HANDLER, "east", "service"),
    ("sales_handler", "销售总监 赵敏", Role.HANDLER, "east", "sales"),
    ("director", "客户总监 陈静", Role.DIRECTOR, "east", "care"),
    ("gm", "总经理 刘洋", Role.GENERAL_MANAGER, "east", None),
    ("west_frontline", "前台 周婷", Role.FRONTLINE, "west", "service"),
    ("west_handler", "售后服务总监 孙伟", Role.HANDLER, "west", "service"),
    ("west_director", "客户总监 吴芳", Role.DIRECTOR, "west", "care"),
    ("west_gm", "总经理 郑涛", Role.GENERAL_MANAGER, "west", None),
    ("group", "集团客户中心 何军", Role.GROUP, None, None),
    ("admin", "系统管理员", Role.ADMIN, None, None),
]
# The phone extensions at the desks of those who take calls (the call-centre pop-up).
EXTENSIONS = {"frontline": "8001", "callback": "8002", "west_frontline": "8101"}
# Customers and their complaints, in the demo's own words.
CUSTOMERS = [
    ("张伟", "13812345678", Tier.GOLD, PersonalityType.IMPATIENT, "朗逸 2024款 1.5L", "京A·D1234"),
    (
        "李秀英",
        "13987654321",
        Tier.SILVER,
        PersonalityType.METICULOUS,
        "途观L 2023款 330TSI",
        "京B·55821",
    ),
    (
        "王芳",
        "15011112222",
        Tier.A,
        PersonalityType.SUSPICIOUS,
        "帕萨特 2022款 330TSI",
        "京C·77310",
    ),
    ("北京顺达物流有限公司", "01065432100", Tier.DIAMOND, "", "速腾 2024款 300TSI ×6", "京D·30621"),
]
COMPLAINTS = [
    (
        0,
        "保养后发动机异响",
        "上周在店里做完保养，第二天冷车启动就有明显的哒哒声，以前从来没有。",
        Demand.REPAIR,
        "vehicle.engine",
        Channel.PHONE,
    ),
    (
        1,
        "交车时承诺的脚垫和贴膜没有兑现",
        "买车时销售说好送全车贴膜和脚垫，提车到现在一个月了还没给我装。",
        Demand.OTHER,
        "sales.promise",
        Channel.WALK_IN,
    ),
    (
        2,
        "变速箱顿挫，要求更换变速箱",
        "二档升三档顿挫严重，已经修了两次没好，我要求更换变速箱，不然就去12315投诉。",
        Demand.REPLACEMENT,
        "vehicle.transmission",
        Channel.PHONE,
    ),
    (
        3,
        "维修等待时间过长",
        "车队一辆车进店做常规保养，约好两小时结果等了一整天，耽误我们送货。",
        Demand.APOLOGY,
        "aftersales.waiting",
        Channel.EMAIL,
    ),
    (
        0,
        "服务顾问态度差",
        "问了两次什么时候能取车，服务顾问很不耐烦，还说我不懂车。",
        Demand.APOLOGY,
        "manner",
        Channel.WECHAT,
    ),
]


class Command(BaseCommand):
    help = (
        "Create the demo organisation, its users (one per role) and complaints in every state "
        "in both branches, once."
    )

    def handle(self, *args, **options):
        org = Organisation.objects.filter(code="demo").first()
        if org is not None:
            self.stdout.write("The demo organisation is already there.")
        else:
            with transaction.atomic():
                org = self._create()
            self.stdout.write(self.style.SUCCESS("Demo organisation created."))
        # Also completes a demo organisation made by an older version of this command.
        missing = branches_without_states(org)
        if missing:
            users = {u.username: u for u in User.objects.filter(organisation=org)}
            with transaction.atomic():
                for branch in missing:
                    create_states(org, branch, users)
        if not Crisis.objects.filter(organisation=org).exists():
            users = {u.username: u for u in User.objects.filter(organisation=org)}
            with transaction.atomic():
                _create_crisis(org, users)
        if not EmergingIssue.objects.filter(organisation=org).exists():
            users = {u.username: u for u in User.objects.filter(organisation=org)}
            with transaction.atomic():
                _create_emerging_issue(org, users)
        if not Integration.objects.filter(organisation=org).exists():
            self._create_integrations(org)
        if not Endpoint.objects.filter(organisation=org).exists():
            with transaction.atomic():
                _create_webhook(org)
        self._print_logins()

    def _create_integrations(self, org):
        """The call centre's telephony and a WeChat official account, each with its key."""
        telephony, telephony_key = integration_create(
            organisation=org,
            name="呼叫中心电话系统",
            may_read=False,
            may_report_calls=True,
            all_branches=True,
        )
        wechat, wechat_key = integration_create(
            organisation=org,
            name="微信公众号",
            may_write=True,
            may_register_inbound=True,
            all_branches=False,
            branches=list(Branch.objects.filter(organisation=org, code="east")),
        )
        self.stdout.write("Integration keys (shown once; docs/integrations.md):")
        for integration, key in ((telephony, telephony_key), (wechat, wechat_key)):
            self.stdout.write(f"  {integration.name}: {key}")

    def _create(self):
        org = Organisation.objects.create(name="华辰汽车集团", code="demo", number_prefix="KS")
        install_defaults(org)
        for role, amount in DEFAULT_COMPENSATION_LIMITS.items():
            CompensationLimit.objects.create(organisation=org, role=role, max_amount=amount)
        branches = {
            "east": Branch.objects.create(
                organisation=org,
                code="east",
                name="华辰汽车 东城4S店",
                address="北京市东城区和平里东街18号",
                phone="010-84001234",
            ),
            "west": Branch.objects.create(
                organisation=org,
                code="west",
                name="华辰汽车 西城4S店",
                address="北京市西城区月坛南街9号",
                phone="010-68005678",
            ),
        }
        departments = {
            (b_code, d_code): Department.objects.create(branch=branch, code=d_code, name=name)
            for b_code, branch in branches.items()
            for d_code, name in DEPARTMENTS
        }
        users = {}
        for username, display, role, b_code, d_code in USERS:
            user = User(
                username=username,
                display_name=display,
                role=role,
                organisation=org,
                branch=branches.get(b_code),
                department=departments.get((b_code, d_code)),
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
                extension=EXTENSIONS.get(username, ""),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[username] = user
        self._create_complaints(org, branches, users)
        _create_improvements(org, branches, users)
        # Last month's reports kept (and their readers told), as the worker does on the 1st.
        organisation_reports(org, last_month())
        return org

    def _create_complaints(self, org, branches, users):
        frontline = users["frontline"]
        customers = []
        for i, (name, phone, tier, personality, product, plate) in enumerate(CUSTOMERS):
            customer = customer_create(
                actor=frontline,
                name=name,
                phone=phone,
                tier=tier,
                personality_type=personality,
                is_company=name.endswith("公司"),
                branch=branches["east"],
            )
            today = timezone.localdate()
            purchase_create(
                actor=frontline,
                customer=customer,
                kind=PurchaseKind.VEHICLE,
                product=product,
                plate_number=plate,
                reference=f"SO-2026-{1001 + i}",
                branch=branches["east"],
                sales_advisor=frontline,
                order_effective_on=today - timedelta(days=90 + i * 20),
                delivered_on=today - timedelta(days=60 + i * 20),
            )
            customers.append(customer)
        categories = {c.code: c for c in Category.objects.filter(organisation=org)}
        created = []
        for idx, title, account, demand, category, channel in COMPLAINTS:
            complaint, _ = complaint_register(
                actor=frontline,
                customer=customers[idx],
                channel=channel,
                title=title,
                account=account,
                demand=demand,
                category=categories[category],
                purchase=customers[idx].purchases.first(),
            )
            created.append(complaint)
        handler, director, callback = users["handler"], users["director"], users["callback"]
        # Move a few along so that every stage has something to look at.
        first, second, third = created[0], created[1], created[2]
        for c in (first, second, third):
            _tick(c, frontline, "listened", "read_back")
            workflow.complaint_confirm(
                complaint_id=c.pk, actor=frontline, method=ConfirmationMethod.RECORDED_CONSENT
            )
            # The handling manager of the department it was routed to (sales for the promise).
            works_it = handler_for(c, users)  # the east branch's people
            workflow.complaint_hand_over(complaint_id=c.pk, actor=frontline, to_user=works_it)
            workflow.complaint_start_investigation(complaint_id=c.pk, actor=works_it)
        workflow.complaint_propose_solution(
            complaint_id=first.pk,
            actor=handler,
            solution="免费检查并更换正时链条张紧器，赠送一次保养。",
            compensation_type="free_repair",
            solution_due_on=timezone.localdate() + timedelta(days=3),
        )
        workflow.complaint_accept_solution(complaint_id=first.pk, actor=frontline)
        _tick(first, handler, "told_result")
        workflow.complaint_resolve(
            complaint_id=first.pk, actor=handler, result="已更换张紧器，试车无异响。"
        )
        workflow.complaint_verify(complaint_id=first.pk, actor=callback, satisfaction="satisfied")
        workflow.complaint_record_root_cause(
            complaint_id=first.pk,
            actor=director,
            root_cause="张紧器批次缺陷",
            corrective_action="更换张紧器",
            preventive_action="同批次车辆保养时主动检查",
            responsibility="internal",
        )
        _tick(first, director, "summary")
        workflow.complaint_close(
            complaint_id=first.pk, actor=director, summary="已修复并回访，客户认可处理结果。"
        )
        workflow.complaint_propose_solution(
            complaint_id=third.pk,
            actor=handler,
            solution="厂家技术支持到店诊断后，更换变速箱阀体并补偿现金。",
            compensation_type="cash",
            compensation_amount=5000,
        )

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, display, role, b_code, _ in USERS:
            where = {"east": "东城店", "west": "西城店"}.get(b_code, "集团")
            self.stdout.write(f"  {username:<15} {Role(role).label!s:<24} {where}  {display}")


def _create_improvements(org, branches, users) -> None:
    """Improvement actions in each stage: one under way, one done and due for review (group-wide),
    one overdue measured per 1,000 service visits."""
    categories = {c.code: c for c in Category.objects.filter(organisation=org)}
    today = timezone.localdate()
    engine_noise = Complaint.objects.filter(organisation=org, title="保养后发动机异响").first()
    under_way = improvements.improvement_create(
        actor=users["director"],
        title="发动机冷启动异响专项整改",
        description="保养作业增加正时链条张紧器检查；同批次车辆进店时主动检查并记录。",
        owner=users["handler"],
        department=Department.objects.get(branch=branches["east"], code="service"),
        due_on=today + timedelta(days=20),
        review_on=today + timedelta(days=80),
        causes=[CauseClass.PRODUCT_QUALITY],
        categories=[categories["vehicle.engine"]],
        complaints=[engine_noise.pk] if engine_noise else [],
    )
    improvements.improvement_start(action_id=under_way.pk, actor=users["handler"])
    group = users["group"]
    pdi = improvements.improvement_create(
        actor=group,
        title="集团统一：新车交付前检查清单升级",
        description="交车前检查清单增加漆面、随车工具和贴膜三项，由质检员签字。",
        owner=group,
        branch=None,
        due_on=today,
        review_on=today + timedelta(days=1),
        causes=[CauseClass.MISSED_AT_PDI],
    )
    improvements.improvement_complete(action_id=pdi.pk, actor=group)
    # Done two months ago and due for its review today (the demo's shortcut through time): the
    # group can try the review, which counts the measure after from the data.
    ImprovementAction.objects.filter(pk=pdi.pk).update(
        completed_on=today - timedelta(days=60), review_on=today
    )
    west = improvements.improvement_create(
        actor=users["west_director"],
        title="服务顾问接待礼仪培训",
        description="全体服务顾问参加接待礼仪与沟通培训，每月抽查录音。",
        owner=users["west_handler"],
        due_on=today + timedelta(days=1),
        review_on=today + timedelta(days=60),
        causes=[CauseClass.SERVICE_MANNER],
        unit=Unit.PER_THOUSAND,
        denominator_label="维修台次",
        baseline_denominator=820,
    )
    ImprovementAction.objects.filter(pk=west.pk).update(due_on=today - timedelta(days=3))


def _create_crisis(org, users) -> None:
    """The east branch's crisis complaint handled as a crisis: its general manager the one
    spokesperson, a plan with a step done, one due soon and one overdue, a statement and a
    watched post with its screenshot. The west branch's crisis complaint is left for its general
    manager to open."""
    complaint = (
        Complaint.objects.filter(organisation=org, branch__code="east", is_crisis=True)
        .order_by("pk")
        .first()
    )
    if complaint is None:
        return
    gm, director, handler = users["gm"], users["director"], users["handler"]
    crisis = crises.crisis_open(
        actor=gm,
        complaint_id=complaint.pk,
        spokesperson=gm,
        internal_notice="如有记者、自媒体或其他车主来电询问此事，请记下对方姓名和电话，"
        "告知“稍后由公司负责人回复”，并立即转告总经理。请勿在朋友圈、车友群中评论。",
    )
    now = timezone.now()
    apology = crises.step_add(
        actor=gm,
        crisis_id=crisis.pk,
        title="上门向车主当面致歉并说明处理方案",
        owner=director,
        due_at=now + timedelta(hours=2),
    )
    crises.step_complete(
        actor=director, step_id=apology.pk, note="车主接受道歉，同意等待检测结果。"
    )
    crises.step_add(
        actor=gm,
        crisis_id=crisis.pk,
        title="第三方检测报告发给车主",
        owner=handler,
        due_at=now + timedelta(minutes=50),
    )
    overdue = crises.step_add(
        actor=gm,
        crisis_id=crisis.pk,
        title="回复汽车之家论坛帖子",
        owner=director,
        due_at=now + timedelta(hours=1),
    )
    # Due an hour ago (the demo's shortcut through time): the overdue step the plan shows.
    CrisisStep.objects.filter(pk=overdue.pk).update(due_at=now - timedelta(hours=1))
    crises.statement_add(
        actor=gm,
        crisis_id=crisis.pk,
        made_at=now - timedelta(minutes=30),
        channel="官方微博",
        text="我们已关注到车主反映的问题，已与车主取得联系，正在委托第三方检测，"
        "结果出来后第一时间公布。",
    )
    crises.post_add(
        actor=director,
        crisis_id=crisis.pk,
        platform="weibo",
        url="https://weibo.com/demo/4S-store-post",
        title="4S店修车越修越坏，求曝光",
        first_seen_at=now - timedelta(hours=3),
        reach="转发 320，评论 85",
        notes="车主本人发布，已有本地汽车博主转发。",
        screenshot=SimpleUploadedFile("微博截图.png", demo_photo("PNG"), content_type="image/png"),
    )


# Four customers of the east branch telling the same defect of one model within hours: the
# emerging issue detection (run here as the worker runs it after each deadline sweep) finds them.
EMERGING = [
    (
        "马俊",
        "13700001101",
        "冷启动正时链条异响",
        "早上冷启动时发动机有异响，像链条的声音，热车后消失。",
    ),
    ("孙磊", "13700001102", "冷车启动正时链条哗哗响", "早上冷车启动正时链条哗哗响，持续几秒。"),
    ("刘洋洋", "13700001103", "冷启动发动机正时链条异响", "每天第一次启动，发动机舱有链条异响。"),
    ("陈晨", "13700001104", "正时链条冷启动异响", "车辆冷启动时正时链条有明显异响，热车后好转。"),
]


def _create_emerging_issue(org, users) -> None:
    frontline = users["frontline"]
    east = Branch.objects.get(organisation=org, code="east")
    engine = Category.objects.get(organisation=org, code="vehicle.engine")
    now = timezone.now()
    for i, (name, phone, title, account) in enumerate(EMERGING):
        customer = customer_create(actor=frontline, name=name, phone=phone, branch=east)
        purchase = purchase_create(
            actor=frontline,
            customer=customer,
            kind=PurchaseKind.VEHICLE,
            product="朗逸 2024款 1.5L",
            branch=east,
            delivered_on=timezone.localdate() - timedelta(days=40 + i * 7),
        )
        complaint_register(
            actor=frontline,
            customer=customer,
            channel=Channel.PHONE,
            title=title,
            account=account,
            demand=Demand.REPAIR,
            category=engine,
            purchase=purchase,
            received_at=now - timedelta(hours=6 - i),
        )
    detect_for(org.pk, now)


def _create_webhook(org) -> None:
    """A webhook endpoint with the latest complaints' events in its log, switched off: its
    address is nobody's (the discard port), so the worker fails them at once and logs why."""
    admin = User.objects.get(organisation=org, username="admin")
    endpoint = endpoint_create(
        actor=admin,
        url="http://127.0.0.1:9/demo-crm/kesu",
        description="演示：客户关系管理系统（CRM）",
        events=WebhookEvent.values,
    )
    latest = Complaint.objects.filter(organisation=org).select_related("branch").order_by("-id")
    enqueue_events(
        [
            EventItem(
                organisation_id=org.pk,
                branch_id=c.branch_id,
                type=WebhookEvent.COMPLAINT_CREATED,
                data={"complaint": complaint_data(c)},
                occurred_at=c.received_at,
            )
            for c in reversed(latest[:3])
        ]
    )
    endpoint_update(
        actor=admin,
        endpoint_id=endpoint.pk,
        url=endpoint.url,
        description=endpoint.description,
        events=endpoint.events,
        is_active=False,
    )


def _tick(complaint, actor, *items: str) -> None:
    for item in items:
        checklist_tick(complaint=complaint, actor=actor, item=item, done=True)
