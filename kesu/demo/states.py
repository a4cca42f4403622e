"""Demo complaints in every state of the procedure, for each branch of the demo organisation.

Everything goes through the services and the moves of kesu/complaints/workflow.py, so each
complaint has a real timeline. The checklist items that moves may come to require are ticked
first (read back before the investigation starts; result told and summary written before
closing).
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kesu.complaints import workflow
from kesu.complaints.checklist import checklist_tick
from kesu.complaints.choices import Channel, ConfirmationMethod, Demand, State
from kesu.complaints.models import Category, Complaint, ManufacturerContact
from kesu.complaints.services import (
    complaint_add_note,
    complaint_attach,
    complaint_register,
    manufacturer_answer,
    manufacturer_ask,
)
from kesu.customers.choices import PersonalityType, PurchaseKind, Tier
from kesu.customers.services import customer_create, purchase_create

# The first story of each branch: when it is there, the branch has its demo states already.
MARKER_TITLE = "车门划痕，交车时没有发现"

# Per branch: usernames by role, and the customers (name, phone, tier, type, vehicle, plate, VIN).
BRANCH_PEOPLE = {
    "east": {
        "frontline": "frontline",
        "handler": "handler",
        "sales_handler": "sales_handler",
        "director": "director",
        "gm": "gm",
        "callback": "callback",
    },
    "west": {
        "frontline": "west_frontline",
        "handler": "west_handler",
        "director": "west_director",
        "gm": "west_gm",
        "callback": "west_director",  # the west branch has no callback specialist
    },
}
BRANCH_CUSTOMERS = {
    "east": [
        ("孙立华", "13700001111", Tier.SILVER, PersonalityType.METICULOUS,
         "ID.4 CROZZ 2023款 纯净智享版", "京E·6F218", "LFVVB9E69P5012345"),
        ("周建国", "13700002222", Tier.GOLD, PersonalityType.IMPATIENT,
         "途岳 2024款 280TSI", "京F·11873", "LSVYS6C27RN054321"),
        ("吴晓梅", "18600003333", Tier.A, PersonalityType.SUSPICIOUS,
         "迈腾 2023款 380TSI DSG", "京G·90416", "LFV3B23C3P3067890"),
        ("北京恒通建设集团有限公司", "01062223333", Tier.DIAMOND, "",
         "威然 2024款 380TSI ×3", "京H·52907", ""),
    ],
    "west": [
        ("马晓东", "13500004444", Tier.SILVER, PersonalityType.IMPATIENT,
         "探岳 2024款 330TSI", "京J·37520", "LSVUZ6B21RN098765"),
        ("郭丽娟", "13500005555", Tier.GOLD, PersonalityType.METICULOUS,
         "朗逸 2025款 1.5L 自动", "京K·80134", "LSVNV6180SN011223"),
        ("黄志强", "15900006666", Tier.A, PersonalityType.SUSPICIOUS,
         "帕萨特 2024款 380TSI", "京L·26659", "LSVCX6A49RN033445"),
        ("北京瑞丰餐饮管理有限公司", "01068887777", Tier.DIAMOND, "",
         "途安L 2024款 280TSI ×2", "京M·71302", ""),
    ],
}  # fmt: skip

# A few customers with an e-mail address (reserved example domains), so e-mail in and out can be
# tried: write from such an address to a branch mailbox, or share a note with them.
DEMO_EMAILS = {
    "孙立华": ("sun.lihua@example.com", "email"),
    "吴晓梅": ("wu.xiaomei@example.test", ""),
    "北京恒通建设集团有限公司": ("service@hengtong.example.com", "email"),
    "郭丽娟": ("guo.lijuan@example.com", "email"),
    "黄志强": ("huang.zhiqiang@example.test", ""),
}


@dataclass
class Story:
    """One demo complaint and how far it goes."""

    customer: int
    title: str
    account: str
    demand: str
    category: str
    channel: str
    state: str
    photo: bool = False
    reopen: bool = False
    compensation: int | None = None
    merge_into: str | None = None  # the title of the complaint this one duplicates
    notes: list[str] = field(default_factory=list)
    staff_involved: str = ""
    promise_made_by: str = ""
    reference: str = ""  # the forwarding third party's reference number
    third_party_contact: str = ""
    # Put to the manufacturer's regional staff: (question, answer or "" while waiting).
    maker: tuple[str, str] | None = None
    # Closed and shared as a lesson: (title, the case summary, what to do differently).
    lesson: tuple[str, str, str] | None = None


STORIES = [
    Story(0, MARKER_TITLE, "提车第三天洗车时发现左后门有一道十厘米的划痕，交车时销售没有提醒。",
          Demand.REPAIR, "vehicle.pdi", Channel.WALK_IN, State.INVESTIGATING, photo=True,
          notes=["客户带来了照片和交车检查单，检查单上没有记录划痕。"],
          staff_involved="销售顾问 王强"),
    Story(0, "车门划痕的事第二次来电", "上次说的左后门划痕到现在还没人联系我。",
          Demand.REPAIR, "vehicle.pdi", Channel.PHONE, State.MERGED, merge_into=MARKER_TITLE),
    Story(1, "预约保养到店后无工位", "提前三天预约了保养，到店后说没有工位，让我下午再来。",
          Demand.APOLOGY, "aftersales.waiting", Channel.PHONE, State.REGISTERED,
          staff_involved="服务顾问 周洋"),
    Story(1, "空调异味", "开空调有明显的霉味，清洗过一次还是有。",
          Demand.REPAIR, "vehicle.body", Channel.WECHAT, State.CONFIRMED),
    Story(2, "保险续保报价与承诺不符", "销售说续保有八五折，到期时报价却是原价。",
          Demand.PRICE_REDUCTION, "value_added.insurance", Channel.PHONE, State.SOLUTION_PROPOSED,
          promise_made_by="销售顾问 孙磊"),
    Story(2, "更换刹车片后仍有异响", "刚换的刹车片踩刹车时还是吱吱响。",
          Demand.REPAIR, "aftersales.repeat_repair", Channel.WALK_IN, State.IN_PROGRESS),
    Story(3, "发票开具错误", "公司车辆的发票抬头写错了，需要重开。",
          Demand.OTHER, "sales.paperwork", Channel.EMAIL, State.RESOLVED),
    Story(3, "代步车未按约提供", "维修期间说好提供代步车，结果当天没有车。",
          Demand.APOLOGY, "process", Channel.PHONE, State.VERIFIED,
          staff_involved="服务顾问 李娜", promise_made_by="服务顾问 李娜"),
    Story(1, "洗车后车内物品丢失", "保养洗车后发现车里的行车记录仪不见了。",
          Demand.COMPENSATION, "aftersales", Channel.WALK_IN, State.CLOSED,
          lesson=("洗车前没有请客户取走车内贵重物品",
                  "保养洗车后客户的行车记录仪不见了；接车时没有清点车内物品，事后说不清，最后按原价赔偿。",
                  "接车时和客户一起清点车内贵重物品并写在接车单上，请客户带走；洗车区装监控。")),
    Story(0, "轮胎鼓包，要求赔偿", "新车开了两个月轮胎就鼓包，怀疑是出厂问题。",
          Demand.COMPENSATION, "vehicle.tyres", Channel.PHONE, State.INVESTIGATING, reopen=True),
    Story(2, "车机系统频繁死机", "中控屏每周死机两三次，厂家还没有升级包。",
          Demand.REPAIR, "vehicle.body", Channel.PHONE, State.PARKED,
          maker=("同款车机死机已有多起，请告知系统升级包的发布时间。", "")),
    Story(3, "记者来电询问车辆自燃传闻", "有记者打电话说我们公司的车在停车场冒烟，要求说明情况。",
          Demand.EXPLANATION, "vehicle", Channel.MEDIA, State.CONFIRMED,
          reference="晚报热线-20261203-07", third_party_contact="都市晚报 陈记者"),
    Story(2, "变速箱漏油，要求现金补偿", "变速箱漏油修了三次，耽误上班，要求补偿误工费。",
          Demand.COMPENSATION, "vehicle.transmission", Channel.PHONE, State.AWAITING_APPROVAL,
          compensation=8000),
    Story(1, "客户已自行解决的投诉", "车窗异响已经在别处修好了，不需要处理了。",
          Demand.REPAIR, "vehicle.body", Channel.PHONE, State.WITHDRAWN),
    Story(0, "厂家热线转来：仪表盘故障灯常亮", "客户致电厂家客服热线，说新车发动机故障灯常亮，4S店检查了两次都说没问题。",
          Demand.REPAIR, "vehicle.engine", Channel.MANUFACTURER, State.INVESTIGATING,
          reference="CRM-2026-008152", third_party_contact="厂家客服中心 刘女士 400-817-8888",
          maker=("故障码为P0420，是否属于已知的三元催化器问题？请提供技术支持。",
                 "属于已知问题，可按技术通报更换三元催化器；处理完请向厂家反馈结果。")),
]  # fmt: skip

# The manufacturer's regional staff the demo branches escalate to: (branch code or "" for
# every branch, name, title, region, phone, e-mail).
MAKER_CONTACTS = [
    ("", "王磊", "区域服务经理", "华北区", "010-65881234", "wanglei@maker.example"),
    ("east", "赵静", "区域技术经理", "华北区", "010-65885678", "zhaojing@maker.example"),
    ("west", "孙浩", "区域技术经理", "华北区", "010-65889012", "sunhao@maker.example"),
]
MAKER_BRAND = "一汽-大众"

# How far along the main road each state lies; side roads (parked, merged…) branch off it.
ROAD = [
    State.REGISTERED,
    State.CONFIRMED,
    State.INVESTIGATING,
    State.SOLUTION_PROPOSED,
    State.IN_PROGRESS,
    State.RESOLVED,
    State.VERIFIED,
    State.CLOSED,
]
START_OF = {
    State.AWAITING_APPROVAL: State.INVESTIGATING,
    State.PARKED: State.INVESTIGATING,
    State.MERGED: State.REGISTERED,
    State.WITHDRAWN: State.REGISTERED,
}


def branches_without_states(organisation):
    """The demo branches that do not have their complaints in every state yet."""
    return [
        branch
        for branch in organisation.branches.filter(code__in=BRANCH_CUSTOMERS).order_by("code")
        if not Complaint.objects.filter(branch=branch, title=MARKER_TITLE).exists()
    ]


def create_states(organisation, branch, users: dict) -> None:
    """Create the branch's customers and one complaint per story, moved to its state."""
    people = {role: users[username] for role, username in BRANCH_PEOPLE[branch.code].items()}
    customers = _customers(branch, people["frontline"])
    categories = {c.code: c for c in Category.objects.filter(organisation=organisation)}
    contact = _maker_contacts(organisation, branch)
    by_title = {}
    for story in STORIES:
        customer = customers[story.customer]
        complaint, _ = complaint_register(
            actor=people["frontline"],
            customer=customer,
            channel=story.channel,
            title=story.title,
            account=story.account,
            demand=story.demand,
            staff_involved=story.staff_involved,
            promise_made_by=story.promise_made_by,
            category=categories[story.category],
            purchase=customer.purchases.first(),
            branch=branch,
            third_party_reference=story.reference,
            third_party_contact=story.third_party_contact,
        )
        by_title[story.title] = complaint
        _play(story, complaint, people, by_title)
        if story.maker is not None:
            _ask_maker(complaint, people["director"], contact, *story.maker)


def _maker_contacts(organisation, branch) -> ManufacturerContact:
    """The manufacturer's contacts of the demo (once); the branch's own technical manager."""
    own = None
    for code, name, title, region, phone, email in MAKER_CONTACTS:
        if code and code != branch.code:
            continue
        contact, _created = ManufacturerContact.objects.get_or_create(
            organisation=organisation,
            branch=branch if code else None,
            name=name,
            defaults={
                "title": title,
                "region": region,
                "brand": MAKER_BRAND,
                "phone": phone,
                "email": email,
            },
        )
        own = contact if code else own or contact
    assert own is not None
    return own


def _ask_maker(complaint, director, contact, question: str, answer: str) -> None:
    exchange = manufacturer_ask(
        complaint_id=complaint.pk, actor=director, contact=contact, asked=question
    )
    if answer:
        manufacturer_answer(
            complaint_id=complaint.pk,
            exchange_id=exchange.pk,
            actor=director,
            answer=answer,
            feedback_expected=True,
        )


def _customers(branch, frontline) -> list:
    today = timezone.localdate()
    customers = []
    for i, (name, phone, tier, kind, product, plate, vin) in enumerate(
        BRANCH_CUSTOMERS[branch.code]
    ):
        email, preferred = DEMO_EMAILS.get(name, ("", ""))
        customer = customer_create(
            actor=frontline,
            name=name,
            phone=phone,
            email=email,
            tier=tier,
            personality_type=kind,
            is_company=name.endswith("公司"),
            branch=branch,
            **({"preferred_channel": preferred} if preferred else {}),
        )
        purchase_create(
            actor=frontline,
            customer=customer,
            kind=PurchaseKind.VEHICLE,
            product=product,
            plate_number=plate,
            vin=vin,
            reference=f"SO-{branch.code.upper()}-2026-{2001 + i}",
            branch=branch,
            sales_advisor=frontline if i % 2 == 0 else None,  # some sales not yet assigned
            order_effective_on=today - timedelta(days=120 + i * 15),
            delivered_on=today - timedelta(days=100 + i * 15),
        )
        customers.append(customer)
    return customers


def handler_for(complaint, people: dict):
    """Who works the complaint in the department it was routed to: that department's handling
    manager among the branch's demo people (the sales director for sales matters), else the
    customer director — a department without a handling manager is the director's to cover, so
    the case stays in it rather than being handed to after-sales."""
    for role in ("sales_handler", "handler"):
        user = people.get(role)
        if user is not None and user.department_id == complaint.department_id:
            return user
    return people["director"]


def _play(story: Story, complaint, people: dict, by_title: dict) -> None:
    frontline, handler = people["frontline"], handler_for(complaint, people)
    director, gm = people["director"], people["gm"]
    pk = complaint.pk
    if story.state == State.MERGED:
        workflow.complaint_merge(
            complaint_id=pk, actor=frontline, into_id=by_title[story.merge_into].pk
        )
        return
    if story.state == State.WITHDRAWN:
        workflow.complaint_withdraw(
            complaint_id=pk, actor=frontline, reason="客户来电说已自行修好。"
        )
        return
    goal = State.CLOSED if story.reopen else START_OF.get(story.state, story.state)
    steps = ROAD[1 : ROAD.index(goal) + 1]
    for note in story.notes:
        complaint_add_note(complaint_id=pk, actor=frontline, text=note)
    if story.photo:
        _attach_files(complaint, frontline)
    if State.CONFIRMED in steps:
        _tick(complaint, frontline, "listened", "asked", "read_back")
        workflow.complaint_confirm(
            complaint_id=pk, actor=frontline, method=ConfirmationMethod.RECORDED_CONSENT
        )
        if handler != director:  # the director takes it on by starting the investigation
            workflow.complaint_hand_over(complaint_id=pk, actor=frontline, to_user=handler)
    if State.INVESTIGATING in steps:
        workflow.complaint_start_investigation(complaint_id=pk, actor=handler)
        _tick(complaint, handler, "judged_type", "facts")
    if State.SOLUTION_PROPOSED in steps:
        workflow.complaint_propose_solution(
            complaint_id=pk,
            actor=handler,
            solution="检查确认后免费处理，并向客户说明原因。",
            compensation_type="free_repair",
            solution_due_on=timezone.localdate() + timedelta(days=5),
        )
    if State.IN_PROGRESS in steps:
        workflow.complaint_accept_solution(complaint_id=pk, actor=frontline)
    if State.RESOLVED in steps:
        _tick(complaint, handler, "proposed", "back_office", "told_result")
        workflow.complaint_resolve(complaint_id=pk, actor=handler, result="已处理完毕，客户确认。")
    if State.VERIFIED in steps:
        workflow.complaint_verify(
            complaint_id=pk, actor=people["callback"], satisfaction="satisfied"
        )
    if State.CLOSED in steps:
        _tick(complaint, director, "callback", "summary")
        title, summary, advice = story.lesson or ("", "按流程处理完毕，客户满意。", "")
        workflow.complaint_close(
            complaint_id=pk,
            actor=director,
            summary=summary,
            share_as_lesson=story.lesson is not None and not story.reopen,
            lesson_title=title,
            lesson_advice=advice,
        )
    if story.reopen:
        workflow.complaint_reopen(
            complaint_id=pk, actor=director, reason="客户回电说同一轮胎再次鼓包，仍不满意。"
        )
    if story.state == State.PARKED:
        workflow.complaint_park(
            complaint_id=pk,
            actor=handler,
            reason="需要等厂家发布车机系统升级包。",
            follow_up_on=timezone.localdate() + timedelta(days=14),
        )
    if story.state == State.AWAITING_APPROVAL:
        workflow.complaint_propose_solution(
            complaint_id=pk,
            actor=handler,
            solution="更换变速箱油封，补偿误工费。",
            compensation_type="cash",
            compensation_amount=story.compensation,
        )
    if story.channel == Channel.MEDIA:
        # A crisis goes to the general manager at once.
        workflow.complaint_hand_over(complaint_id=pk, actor=handler, to_user=gm)
    assert Complaint.objects.get(pk=pk).state == story.state, story.title


def _tick(complaint, actor, *items: str) -> None:
    for item in items:
        checklist_tick(complaint=complaint, actor=actor, item=item, done=True)


def _attach_files(complaint, actor) -> None:
    complaint_attach(
        complaint_id=complaint.pk,
        actor=actor,
        upload=SimpleUploadedFile("左后门划痕.jpg", _photo("JPEG"), content_type="image/jpeg"),
        description="客户拍的划痕照片",
    )
    complaint_attach(
        complaint_id=complaint.pk,
        actor=actor,
        upload=SimpleUploadedFile("交车检查单.pdf", _photo("PDF"), content_type="application/pdf"),
        description="交车检查单扫描件",
    )


def _photo(fmt: str) -> bytes:
    """A small picture of a scratched car door (a grey panel with a line across it)."""
    image = Image.new("RGB", (320, 200), (188, 192, 198))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 300, 180), outline=(90, 94, 100), width=4)
    draw.line((60, 120, 200, 96), fill=(245, 245, 245), width=3)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()
