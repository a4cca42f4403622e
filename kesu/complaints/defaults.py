"""What a new organisation starts with: a category tree and severity rules (all editable)."""

from django.db import transaction

from kesu.complaints.checklist import install_checklist_defaults
from kesu.complaints.choices import CauseClass, Channel, Demand, Severity
from kesu.complaints.models import Category, SeverityRule

Q, S, P, PR, MU, PDI, OTH = (
    CauseClass.PRODUCT_QUALITY,
    CauseClass.SERVICE_MANNER,
    CauseClass.PROCESS,
    CauseClass.PROMISE_NOT_KEPT,
    CauseClass.CUSTOMER_MISUSE,
    CauseClass.MISSED_AT_PDI,
    CauseClass.OTHER,
)

# (code, 中文, English, default cause, children). Vehicle systems follow the 12365auto groups.
DEALERSHIP_TREE = [
    (
        "vehicle",
        "车辆质量",
        "Vehicle quality",
        Q,
        [
            ("engine", "发动机", "Engine", Q, []),
            ("transmission", "变速器", "Transmission", Q, []),
            ("clutch", "离合器", "Clutch", Q, []),
            ("steering", "转向系统", "Steering", Q, []),
            ("brakes", "制动系统", "Brakes", Q, []),
            ("tyres", "轮胎", "Tyres", Q, []),
            ("suspension", "前后桥及悬挂", "Axles and suspension", Q, []),
            ("body", "车身附件及电器", "Body, fittings and electrics", Q, []),
            ("pdi", "新车交付缺陷", "Defect at delivery", PDI, []),
        ],
    ),
    (
        "sales",
        "销售",
        "Sales",
        PR,
        [
            ("promise", "承诺不兑现", "Promise not kept", PR, []),
            ("misrepresentation", "销售欺诈或误导", "Misrepresentation", PR, []),
            ("pricing", "价格与费用", "Price and fees", P, []),
            ("delivery_delay", "交车延误", "Late delivery", P, []),
            ("paperwork", "手续与证照", "Paperwork and licences", P, []),
        ],
    ),
    (
        "aftersales",
        "售后服务",
        "After-sales service",
        S,
        [
            ("repair_quality", "维修质量", "Repair quality", Q, []),
            ("repeat_repair", "重复维修", "Repeat repair", Q, []),
            ("charges", "服务收费", "Service charges", P, []),
            ("parts", "配件争议", "Parts dispute", P, []),
            ("waiting", "等待时间", "Waiting time", P, []),
            ("competence", "人员技术", "Staff competence", S, []),
        ],
    ),
    ("manner", "服务态度", "Service manner", S, []),
    ("process", "服务流程", "Process", P, []),
    (
        "value_added",
        "增值业务",
        "Value-added services",
        P,
        [
            ("insurance", "保险", "Insurance", P, []),
            ("finance", "金融贷款", "Finance and loans", P, []),
            ("accessories", "精品附件", "Accessories", Q, []),
        ],
    ),
    ("other", "其他", "Other", OTH, []),
]

# For a service business that is not a dealership (telecom, bank, travel, ...).
GENERAL_SERVICE_TREE = [
    (
        "product",
        "产品与服务质量",
        "Product or service quality",
        Q,
        [
            ("defect", "产品缺陷", "Defect", Q, []),
            ("outage", "服务中断", "Service outage", Q, []),
            ("not_as_described", "与宣传不符", "Not as described", PR, []),
        ],
    ),
    (
        "billing",
        "收费与账单",
        "Charges and billing",
        P,
        [
            ("overcharge", "多收费", "Overcharged", P, []),
            ("refund", "退款", "Refund", P, []),
        ],
    ),
    ("manner", "服务态度", "Service manner", S, []),
    (
        "process",
        "办理流程",
        "Process",
        P,
        [
            ("waiting", "等待时间", "Waiting time", P, []),
            ("paperwork", "手续与资料", "Paperwork", P, []),
        ],
    ),
    ("promise", "承诺不兑现", "Promise not kept", PR, []),
    ("privacy", "个人信息", "Personal data", P, []),
    ("other", "其他", "Other", OTH, []),
]
TREES = {"dealership": DEALERSHIP_TREE, "general": GENERAL_SERVICE_TREE}

# (match, value, severity, crisis, reason code)
DEFAULT_SEVERITY_RULES = [
    (SeverityRule.Match.KEYWORD, "起火", Severity.MAJOR, True, "fire"),
    (SeverityRule.Match.KEYWORD, "自燃", Severity.MAJOR, True, "fire"),
    (SeverityRule.Match.KEYWORD, "着火", Severity.MAJOR, True, "fire"),
    (SeverityRule.Match.KEYWORD, "冒烟", Severity.MAJOR, False, "fire"),
    (SeverityRule.Match.KEYWORD, "刹车失灵", Severity.MAJOR, False, "safety"),
    (SeverityRule.Match.KEYWORD, "制动失效", Severity.MAJOR, False, "safety"),
    (SeverityRule.Match.KEYWORD, "安全气囊", Severity.MAJOR, False, "safety"),
    (SeverityRule.Match.KEYWORD, "断轴", Severity.MAJOR, False, "safety"),
    (SeverityRule.Match.KEYWORD, "高速熄火", Severity.MAJOR, False, "safety"),
    (SeverityRule.Match.KEYWORD, "方向盘失灵", Severity.MAJOR, False, "safety"),
    (SeverityRule.Match.KEYWORD, "受伤", Severity.MAJOR, False, "safety"),
    (SeverityRule.Match.KEYWORD, "更换发动机", Severity.MAJOR, False, "engine_replacement"),
    (SeverityRule.Match.KEYWORD, "换发动机", Severity.MAJOR, False, "engine_replacement"),
    (SeverityRule.Match.KEYWORD, "更换变速箱", Severity.MAJOR, False, "transmission_replacement"),
    (SeverityRule.Match.KEYWORD, "换变速箱", Severity.MAJOR, False, "transmission_replacement"),
    (SeverityRule.Match.KEYWORD, "退车", Severity.MAJOR, False, "return_or_exchange"),
    (SeverityRule.Match.KEYWORD, "换车", Severity.MAJOR, False, "return_or_exchange"),
    (SeverityRule.Match.KEYWORD, "媒体", Severity.MAJOR, True, "media"),
    (SeverityRule.Match.KEYWORD, "曝光", Severity.MAJOR, True, "media"),
    (SeverityRule.Match.KEYWORD, "记者", Severity.MAJOR, True, "media"),
    (SeverityRule.Match.KEYWORD, "12315", Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.KEYWORD, "消协", Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.KEYWORD, "消费者协会", Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.KEYWORD, "律师", Severity.MAJOR, True, "court"),
    (SeverityRule.Match.KEYWORD, "起诉", Severity.MAJOR, True, "court"),
    (SeverityRule.Match.KEYWORD, "法院", Severity.MAJOR, True, "court"),
    (SeverityRule.Match.DEMAND, Demand.RETURN, Severity.MAJOR, False, "return_or_exchange"),
    (SeverityRule.Match.DEMAND, Demand.REPLACEMENT, Severity.MAJOR, False, "return_or_exchange"),
    (SeverityRule.Match.DEMAND, Demand.COMPENSATION, Severity.MEDIUM, False, "compensation"),
    (SeverityRule.Match.DEMAND, Demand.REFUND, Severity.MEDIUM, False, "refund"),
    (SeverityRule.Match.CHANNEL, Channel.MEDIA, Severity.MAJOR, True, "media"),
    (SeverityRule.Match.CHANNEL, Channel.HOTLINE_12315, Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.CHANNEL, Channel.CONSUMER_ASSOCIATION, Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.CHANNEL, Channel.COURT, Severity.MAJOR, True, "court"),
    (SeverityRule.Match.CHANNEL, Channel.MANUFACTURER, Severity.MEDIUM, False, "manufacturer"),
]


@transaction.atomic
def install_defaults(organisation, tree: str = "dealership") -> None:
    """Give an organisation a default category tree, severity rules and checklist requirements,
    once."""
    if not Category.objects.filter(organisation=organisation).exists():
        _install_tree(organisation, TREES[tree], parent=None)
    if not SeverityRule.objects.filter(organisation=organisation).exists():
        SeverityRule.objects.bulk_create(
            SeverityRule(
                organisation=organisation, match=m, value=v, severity=s, crisis=c, reason_code=r
            )
            for m, v, s, c, r in DEFAULT_SEVERITY_RULES
        )
    install_checklist_defaults(organisation)
    from kesu.callbacks.defaults import install_callback_defaults  # callbacks build on complaints
    from kesu.sla.defaults import install_deadline_defaults  # sla builds on complaints

    install_deadline_defaults(organisation)
    install_callback_defaults(organisation)


def _install_tree(organisation, nodes, parent) -> None:
    for order, (code, name, name_en, cause, children) in enumerate(nodes):
        node = Category.objects.create(
            organisation=organisation,
            parent=parent,
            code=code if parent is None else f"{parent.code}.{code}",
            name=name,
            name_en=name_en,
            default_cause=cause,
            sort_order=order,
        )
        _install_tree(organisation, children, node)
