"""Texts for generated complaints: real summaries from the 12365auto data when present, else
a small built-in set, plus the phrases staff would write along the procedure.

Everything here is data for `kesu.demo.generation`; nothing is shown to real users.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kesu.complaints.choices import Demand

# Where the shared development data lives: ../shared/data next to the project.
DEFAULT_DATA_PATH = (
    Path(settings.BASE_DIR).parent / "shared" / "data" / "car_complaints_12365auto_2020.csv"
)

# 12365auto problem-code letters → default category codes (kesu.complaints.defaults).
LETTER_CATEGORY = {
    "A": "vehicle.engine",
    "B": "vehicle.transmission",
    "C": "vehicle.clutch",
    "D": "vehicle.steering",
    "E": "vehicle.brakes",
    "F": "vehicle.tyres",
    "G": "vehicle.suspension",
    "H": "vehicle.body",
    "I": "manner",
    "J": "aftersales.competence",
    "K": "aftersales.charges",
    "L": "sales.promise",
    "M": "sales.misrepresentation",
    "N": "aftersales.parts",
    "O": "process",
    "Q": "other",
}
# For summaries without a code: the first keyword found decides.
KEYWORD_CATEGORY = [
    ("发动机", "vehicle.engine"),
    ("机油", "vehicle.engine"),
    ("变速箱", "vehicle.transmission"),
    ("变速器", "vehicle.transmission"),
    ("离合", "vehicle.clutch"),
    ("方向", "vehicle.steering"),
    ("刹车", "vehicle.brakes"),
    ("制动", "vehicle.brakes"),
    ("轮胎", "vehicle.tyres"),
    ("悬挂", "vehicle.suspension"),
    ("减震", "vehicle.suspension"),
    ("态度", "manner"),
    ("收费", "aftersales.charges"),
    ("配件", "aftersales.parts"),
    ("承诺", "sales.promise"),
    ("欺诈", "sales.misrepresentation"),
    ("虚假宣传", "sales.misrepresentation"),
    ("异响", "vehicle.body"),
    ("车机", "vehicle.body"),
    ("漏水", "vehicle.body"),
]


@dataclass(frozen=True)
class Vehicle:
    brand: str
    model: str
    trim: str

    @property
    def product(self) -> str:
        return " ".join(part for part in (self.brand, self.model, self.trim) if part)


@dataclass(frozen=True)
class Source:
    """One complaint summary and the vehicle it is about."""

    title: str
    category: str
    vehicle: Vehicle


# Used when the shared data is not there: written for Kesu, one per common kind of problem.
BUILTIN_VEHICLES = [
    Vehicle("上汽大众", "朗逸", "2023款 1.5L 自动 满逸版"),
    Vehicle("一汽-大众", "速腾", "2022款 280TSI DSG 超越版"),
    Vehicle("一汽-大众", "迈腾", "2021款 330TSI DSG 豪华型"),
    Vehicle("东风日产", "轩逸", "2022款 1.6L XL CVT 悦享版"),
    Vehicle("广汽丰田", "凯美瑞", "2021款 2.0G 豪华版"),
    Vehicle("一汽丰田", "卡罗拉", "2022款 1.2T S-CVT 精英版"),
    Vehicle("长安汽车", "CS75 PLUS", "2022款 1.5T 自动 豪华型"),
    Vehicle("吉利汽车", "星越L", "2022款 2.0TD 自动 两驱 超能版"),
    Vehicle("比亚迪", "宋PLUS DM-i", "2023款 110KM 旗舰型"),
    Vehicle("哈弗", "H6", "2021款 1.5T 自动 两驱 Pro"),
    Vehicle("广汽本田", "雅阁", "2022款 260TURBO 精英版"),
    Vehicle("北京现代", "伊兰特", "2022款 1.5L CVT GLX精英版"),
]
BUILTIN_TITLES = [
    ("冷车启动时发动机有明显异响", "vehicle.engine"),
    ("行驶中发动机故障灯常亮", "vehicle.engine"),
    ("机油消耗过快，一个保养周期要补两次", "vehicle.engine"),
    ("怠速时车身抖动厉害", "vehicle.engine"),
    ("低速换挡顿挫，起步有冲击感", "vehicle.transmission"),
    ("变速箱报故障后进入保护模式", "vehicle.transmission"),
    ("离合踏板发软，偶尔回不来", "vehicle.clutch"),
    ("方向盘回正困难，转向时有咯吱声", "vehicle.steering"),
    ("高速行驶方向盘抖动", "vehicle.steering"),
    ("刹车时有尖锐摩擦声", "vehicle.brakes"),
    ("刹车踏板变硬，制动距离变长", "vehicle.brakes"),
    ("新车轮胎侧面鼓包", "vehicle.tyres"),
    ("胎压报警反复出现", "vehicle.tyres"),
    ("过减速带时底盘异响", "vehicle.suspension"),
    ("后减震器漏油", "vehicle.suspension"),
    ("车机频繁死机重启，倒车影像黑屏", "vehicle.body"),
    ("天窗漏水，车顶内饰被泡", "vehicle.body"),
    ("空调制冷效果差，出风有异味", "vehicle.body"),
    ("中控台在颠簸路面有异响", "vehicle.body"),
    ("接待人员态度冷淡，问了几次没人理", "manner"),
    ("服务顾问说话不客气，还嘲讽客户不懂车", "manner"),
    ("同一个故障修了三次还没修好", "aftersales.competence"),
    ("技师诊断错误，换了零件问题依旧", "aftersales.competence"),
    ("保养收费比报价高出不少且没有说明", "aftersales.charges"),
    ("质保期内的维修被收取工时费", "aftersales.charges"),
    ("配件缺货，等了一个多月还没到", "aftersales.parts"),
    ("怀疑更换的不是原厂配件", "aftersales.parts"),
    ("购车时答应赠送的保养和装饰没有兑现", "sales.promise"),
    ("约定的交车时间一再推迟", "sales.promise"),
    ("销售隐瞒车辆曾经维修过的情况", "sales.misrepresentation"),
    ("宣传的配置与实际交付车辆不符", "sales.misrepresentation"),
    ("预约后到店仍需长时间排队", "process"),
    ("办理牌照手续来回跑了好几趟", "process"),
    ("保险理赔流程拖沓", "other"),
]

SUGGESTIONS = [
    "建议客户休息区增加手机充电插座",
    "希望保养预约可以在微信上直接选时段",
    "建议维修完成后发送详细的项目清单",
    "希望周末延长售后营业时间",
    "建议交车时安排专人讲解车机功能",
    "希望取送车服务覆盖到郊区",
]
PRAISES = [
    "感谢服务顾问耐心讲解，问题一次解决",
    "表扬救援人员深夜及时到场",
    "维修技师细致负责，特此表扬",
    "销售顾问交车流程专业，体验很好",
]

OPENINGS = [
    "我的车是{product}，提车{months}个月，行驶约{km}公里。",
    "{product}，{months}个月前在贵店提的车，目前跑了{km}公里。",
    "本人车辆{product}，里程{km}公里左右。",
    "车是{months}个月前买的{product}。",
    "",
]
DETAILS = {
    "vehicle": [
        "已经到店检查过{visits}次，问题一直没有解决。",
        "店里说是正常现象，我不认可。",
        "上次保养后开始出现，之前从来没有。",
        "天冷的时候更明显，家人坐车都很担心安全。",
        "4S店检查说要等厂家技术支持，一直没有下文。",
        "",
    ],
    "aftersales": [
        "打了好几次电话都说在处理，没有任何结果。",
        "结算时才发现，事先没有任何人告诉我。",
        "负责的服务顾问已经换了两个人，每次都要重新说一遍。",
        "",
    ],
    "sales": [
        "当时销售顾问口头答应的，合同里没写，现在不认账。",
        "提车后才发现和当初说的不一样。",
        "",
    ],
    "manner": ["当时店里人不多，不存在忙不过来的问题。", "希望管理层重视员工的服务意识。", ""],
    "process": ["整个过程来回折腾，浪费了很多时间。", ""],
    "other": ["", "希望有人能给个明确的答复。"],
    "value_added": ["", "办理时没有说清楚相关条款。"],
}
DEMAND_SENTENCES = {
    Demand.REPAIR: ["希望尽快安排检修，彻底解决。", "要求免费维修并提供代步车。"],
    Demand.REPLACEMENT: ["要求更换总成。", "这车我不敢开了，要求换车。"],
    Demand.RETURN: ["要求退车。", "如果再修不好就要求退车退款。"],
    Demand.REFUND: ["要求退还多收的费用。", "请把不合理的费用退给我。"],
    Demand.PRICE_REDUCTION: ["车价要按当初谈好的优惠算，要求减价。", "要求在车款里把差价让出来。"],
    Demand.ORDER_CANCELLATION: ["要求取消订单并退还订金。", "选装件先不要了，订单减掉这一项。"],
    Demand.COMPENSATION: ["耽误了很多时间，要求给予补偿。", "要求赔偿这段时间的损失。"],
    Demand.APOLOGY: ["要求相关人员道歉。", "希望店里给个正式的道歉。"],
    Demand.EXPLANATION: ["希望给个合理的解释。", "请说明原因和处理方案。"],
    Demand.IMPROVEMENT: [
        "希望厂家从技术上改进，别再出同样的问题。",
        "希望改进质量，给个整改方案。",
    ],
    Demand.OTHER: ["希望尽快兑现。", "请尽快处理。", ""],
}
DEMAND_DETAILS = {
    Demand.REPAIR: "免费维修，维修期间提供代步车",
    Demand.REPLACEMENT: "更换总成或换车",
    Demand.RETURN: "退车退款",
    Demand.REFUND: "退还多收费用",
    Demand.PRICE_REDUCTION: "按约定优惠减价",
    Demand.ORDER_CANCELLATION: "取消订单，退还订金",
    Demand.COMPENSATION: "补偿误工和交通费用",
    Demand.APOLOGY: "当面道歉",
    Demand.EXPLANATION: "书面说明原因",
    Demand.IMPROVEMENT: "给出技术或质量整改方案",
    Demand.OTHER: "",
}
# Demand weights per top-level category.
DEMAND_WEIGHTS = {
    "vehicle": {
        Demand.REPAIR: 58,
        Demand.REPLACEMENT: 6,
        Demand.RETURN: 2,
        Demand.COMPENSATION: 10,
        Demand.EXPLANATION: 16,
        Demand.IMPROVEMENT: 4,
        Demand.OTHER: 8,
    },
    "aftersales": {
        Demand.REPAIR: 30,
        Demand.REFUND: 20,
        Demand.COMPENSATION: 15,
        Demand.APOLOGY: 10,
        Demand.EXPLANATION: 20,
        Demand.IMPROVEMENT: 5,
        Demand.OTHER: 5,
    },
    "sales": {
        Demand.OTHER: 35,
        Demand.COMPENSATION: 30,
        Demand.REFUND: 12,
        Demand.PRICE_REDUCTION: 10,
        Demand.ORDER_CANCELLATION: 6,
        Demand.RETURN: 3,
        Demand.EXPLANATION: 20,
    },
    "manner": {Demand.APOLOGY: 70, Demand.EXPLANATION: 15, Demand.OTHER: 15},
    "process": {Demand.EXPLANATION: 40, Demand.APOLOGY: 30, Demand.OTHER: 30},
    "value_added": {Demand.REFUND: 30, Demand.EXPLANATION: 50, Demand.OTHER: 20},
    "other": {Demand.OTHER: 50, Demand.EXPLANATION: 40, Demand.APOLOGY: 10},
}
SOLUTIONS = {
    "vehicle": [
        "安排技师全面检测，更换故障部件，质保期内免费。",
        "申请厂家技术支持到店诊断，按诊断结果维修。",
        "升级控制软件并复查，跟踪一周使用情况。",
        "更换相关总成，赠送一次基础保养。",
    ],
    "aftersales": [
        "退还多收的工时费，向客户说明收费标准。",
        "由技术经理重新诊断，免费返修。",
        "紧急调配件，到货后优先安排维修并提供代步车。",
    ],
    "sales": [
        "兑现购车时的承诺，补装赠送项目。",
        "按合同约定给予补偿，并书面致歉。",
    ],
    "manner": ["店长当面致歉，对相关员工进行服务规范培训。"],
    "process": ["优化预约流程，安排专人跟进客户手续。"],
    "value_added": ["协调保险公司加快理赔，专人跟进进度。"],
    "other": ["向客户解释相关政策，并提供可行的替代方案。"],
}
RESULTS = [
    "已按方案完成维修，试车正常，客户确认。",
    "费用已退还，客户表示认可。",
    "已当面致歉并完成整改，客户接受。",
    "补偿已发放，客户签字确认。",
    "问题已解决，已电话告知客户结果。",
]
ROOT_CAUSES = {
    "vehicle": ("零部件批次质量问题", "更换故障零件", "同批次车辆进店时主动排查"),
    "aftersales": ("维修诊断不充分", "返修并复检", "疑难故障增加技术经理复核"),
    "sales": ("口头承诺未写入合同", "兑现承诺", "赠送项目必须写入订单"),
    "manner": ("员工服务意识不足", "约谈相关员工", "每月开展服务礼仪培训"),
    "process": ("流程衔接不畅", "专人跟进", "梳理流程并明确责任人"),
    "value_added": ("条款说明不到位", "补充说明并协调处理", "办理时书面告知关键条款"),
    "other": ("沟通不充分", "解释说明", "加强首问负责制落实"),
}
CALL_NOTES = [
    "已致电客户告知处理进度，客户表示理解。",
    "客户来电询问进度，已说明预计完成时间。",
    "电话未接通，已发短信说明进度。",
]
PARK_REASONS = [
    "需等待厂家技术方案，已向客户说明原因。",
    "配件全国缺货，到货时间未定，已告知客户。",
]
WITHDRAW_REASONS = ["客户表示问题已自行解决，撤回投诉。", "客户与店方协商一致，主动撤诉。"]
OVERRIDE_REASONS = {
    "medium": "客户情绪激动，问题影响正常用车",
    "irrational": "诉求明显超出政策和承诺范围",
}
CHANNEL_DETAILS = {
    "manufacturer": "厂家客服热线转派工单",
    "12315": "12315平台转来的工单",
    "consumer_assoc": "消费者协会转来的投诉函",
    "media": "本地媒体记者来电了解情况",
    "court": "法院送达的诉讼材料",
    "social": "汽车论坛发帖",
    "callback": "保养后例行回访时提出",
}

# How each forwarding third party numbers its cases, before the received date and a serial:
# the reference the generated complaint carries (Complaint.third_party_reference).
REFERENCE_PREFIXES = {
    "manufacturer": "CRM-",
    "12315": "12315-",
    "consumer_assoc": "XH-",
    "media": "MT-",
    "court": "FY-",
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华红玉萍建国文辉鹏飞宇浩然子涵欣怡梓轩思远晨雨婷"
# Who the staff member named on a complaint is, by top-level category (with a name drawn from
# SURNAMES and GIVEN): the person involved, and for a promise not kept the one who made it.
STAFF_POSITIONS = {
    "vehicle": ["服务顾问", "维修技师"],
    "aftersales": ["服务顾问", "维修技师", "配件专员"],
    "sales": ["销售顾问", "销售经理"],
    "manner": ["前台接待", "销售顾问", "服务顾问"],
    "process": ["前台接待", "客服专员"],
    "value_added": ["保险专员", "金融专员"],
    "other": ["前台接待"],
}
COMPANY_WORDS = ["顺达物流", "恒信商贸", "鸿运租赁", "安捷快运", "联创科技", "德康医药", "华美建设"]


def load_sources(path: Path | None = None) -> tuple[list[Source], str]:
    """The complaint summaries to draw from, and where they came from."""
    path = Path(path) if path is not None else DEFAULT_DATA_PATH
    if path.is_file():
        sources = []
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                title = (row.get("desc") or "").strip()[:200]
                if not title:
                    continue
                vehicle = Vehicle(
                    (row.get("brand") or "").strip(),
                    (row.get("car_model") or "").strip(),
                    (row.get("type") or "").strip(),
                )
                sources.append(
                    Source(title, _category_for(row.get("problem") or "", title), vehicle)
                )
        if sources:
            return sources, str(path)
    sources = [
        Source(title, category, vehicle)
        for vehicle in BUILTIN_VEHICLES
        for title, category in BUILTIN_TITLES
    ]
    return sources, "built-in phrases"


def _category_for(problem: str, title: str) -> str:
    for code in problem.split(","):
        code = code.strip()
        if code and code[0] in LETTER_CATEGORY:
            return LETTER_CATEGORY[code[0]]
    for keyword, category in KEYWORD_CATEGORY:
        if keyword in title:
            return category
    return "other"
