"""What a new organisation starts with: a category tree and severity rules (all editable)."""

from django.db import transaction

from kesu.complaints import hooks
from kesu.complaints.checklist import install_checklist_defaults
from kesu.complaints.choices import CauseClass, Channel, Demand, Severity
from kesu.complaints.models import Category, RecourseOption, RoutingRule, SeverityRule

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
# A telecom operator (seed 000): billing disputes, network and signal quality, service quality.
TELECOM_TREE = [
    (
        "billing",
        "话费争议",
        "Billing disputes",
        P,
        [
            ("overcharge", "多扣费", "Charged too much", P, []),
            ("plan", "套餐与资费", "Plans and tariffs", PR, []),
            ("value_added", "增值业务扣费", "Value-added services charged", P, []),
            ("roaming", "漫游与国际业务", "Roaming and international", P, []),
            ("refund", "退费", "Refund", P, []),
        ],
    ),
    (
        "network",
        "通信质量",
        "Network and signal quality",
        Q,
        [
            ("signal", "信号覆盖", "Signal coverage", Q, []),
            ("dropped", "掉话与接通", "Dropped or failed calls", Q, []),
            ("data", "上网速度", "Data speed", Q, []),
            ("broadband", "宽带故障", "Broadband faults", Q, []),
            ("outage", "网络中断", "Network outage", Q, []),
        ],
    ),
    (
        "service",
        "服务质量",
        "Service quality",
        S,
        [
            ("manner", "服务态度", "Service manner", S, []),
            ("store", "营业厅办理", "At the shop", P, []),
            ("installation", "装机与维修", "Installation and repair", P, []),
            ("hotline", "客服热线", "Customer hotline", P, []),
        ],
    ),
    ("promise", "承诺不兑现", "Promise not kept", PR, []),
    ("privacy", "个人信息与骚扰", "Personal data and nuisance calls", P, []),
    ("other", "其他", "Other", OTH, []),
]

# (match, value, severity, crisis, reason code). Every industry: complaints forwarded by the
# press, regulators and courts, and what customers demand. Threats in the text (to go to the
# media, 12315, a lawyer, …) are not keyword rules: the crisis detector (kesu/triage/crisis.py)
# finds them in context, where the keywords 媒体, 律师, 12315, … also flagged "a lawyer friend
# recommended you" and "I saw your TV advert" (organisations made before keep those rules
# until an administrator switches them off).
COMMON_SEVERITY_RULES = [
    (SeverityRule.Match.DEMAND, Demand.RETURN, Severity.MAJOR, False, "return_or_exchange"),
    (SeverityRule.Match.DEMAND, Demand.REPLACEMENT, Severity.MAJOR, False, "return_or_exchange"),
    (SeverityRule.Match.DEMAND, Demand.COMPENSATION, Severity.MEDIUM, False, "compensation"),
    (SeverityRule.Match.DEMAND, Demand.REFUND, Severity.MEDIUM, False, "refund"),
    (SeverityRule.Match.DEMAND, Demand.PRICE_REDUCTION, Severity.MEDIUM, False, "price_reduction"),
    (SeverityRule.Match.DEMAND, Demand.ORDER_CANCELLATION, Severity.MEDIUM, False, "cancel_order"),
    (SeverityRule.Match.CHANNEL, Channel.MEDIA, Severity.MAJOR, True, "media"),
    (SeverityRule.Match.CHANNEL, Channel.HOTLINE_12315, Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.CHANNEL, Channel.CONSUMER_ASSOCIATION, Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.CHANNEL, Channel.COURT, Severity.MAJOR, True, "court"),
    (SeverityRule.Match.CHANNEL, Channel.MANUFACTURER, Severity.MEDIUM, False, "manufacturer"),
]
DEALERSHIP_SEVERITY_RULES = [
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
]
TELECOM_SEVERITY_RULES = [
    (SeverityRule.Match.KEYWORD, "工信部", Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.KEYWORD, "通信管理局", Severity.MAJOR, True, "regulator"),
    (SeverityRule.Match.KEYWORD, "携号转网", Severity.MEDIUM, False, "churn"),
    (SeverityRule.Match.KEYWORD, "销户", Severity.MEDIUM, False, "churn"),
    (SeverityRule.Match.KEYWORD, "停机", Severity.MEDIUM, False, "service_cut"),
    (SeverityRule.Match.KEYWORD, "盗刷", Severity.MAJOR, False, "fraud"),
    (SeverityRule.Match.KEYWORD, "诈骗", Severity.MAJOR, False, "fraud"),
]
# Kept for readers of the old name: the dealership's rules.
DEFAULT_SEVERITY_RULES = COMMON_SEVERITY_RULES + DEALERSHIP_SEVERITY_RULES

# Routing by subject (DOMAIN §10): (name, category code or None, cause, demand, department
# code). Sales matters and new-car supply go to the sales director — so do the demands only
# sales can grant, a lower price and a cancelled or smaller order, where the category does not
# name another department (a category rule wins over a demand rule: it is deeper); vehicle
# quality, service manner, repair and parts to the after-sales director; value-added services
# to their manager.
DEALERSHIP_ROUTING = [
    ("销售事项 → 销售部", "sales", "", "", "sales"),
    ("销售承诺未兑现 → 销售部", None, PR, "", "sales"),
    ("要求减价 → 销售部", None, "", Demand.PRICE_REDUCTION, "sales"),
    ("要求取消或减少订单 → 销售部", None, "", Demand.ORDER_CANCELLATION, "sales"),
    ("车辆质量 → 售后服务部", "vehicle", "", "", "service"),
    ("售后服务 → 售后服务部", "aftersales", "", "", "service"),
    ("服务态度 → 售后服务部", "manner", "", "", "service"),
    ("增值业务 → 增值业务部", "value_added", "", "", "value_added"),
]
TELECOM_ROUTING = [
    ("话费争议 → 计费账务中心", "billing", "", "", "billing"),
    ("通信质量 → 网络维护部", "network", "", "", "network"),
    ("承诺不兑现 → 营业厅渠道部", "promise", "", "", "channels"),
]
ROUTING = {"dealership": DEALERSHIP_ROUTING, "telecom": TELECOM_ROUTING, "general": []}
# The default rules' names in English (the English pages show them; migration 0023 fills them
# in for the rules installed before).
ROUTING_NAMES_EN = {
    "销售事项 → 销售部": "Sales matters → Sales",
    "销售承诺未兑现 → 销售部": "Sales promise not kept → Sales",
    "要求减价 → 销售部": "Lower price demanded → Sales",
    "要求取消或减少订单 → 销售部": "Order cancellation or reduction demanded → Sales",
    "车辆质量 → 售后服务部": "Vehicle quality → After-sales service",
    "售后服务 → 售后服务部": "After-sales service → After-sales service",
    "服务态度 → 售后服务部": "Service manner → After-sales service",
    "增值业务 → 增值业务部": "Value-added services → Value-added services",
    "话费争议 → 计费账务中心": "Billing dispute → Billing centre",
    "通信质量 → 网络维护部": "Network quality → Network maintenance",
    "承诺不兑现 → 营业厅渠道部": "Promise not kept → Retail channels",
}

# Industry templates a new organisation is made from: (category tree, severity rules).
TEMPLATES = {
    "dealership": (DEALERSHIP_TREE, DEFAULT_SEVERITY_RULES),
    "telecom": (TELECOM_TREE, COMMON_SEVERITY_RULES + TELECOM_SEVERITY_RULES),
    "general": (GENERAL_SERVICE_TREE, COMMON_SEVERITY_RULES),
}
TREES = {name: tree for name, (tree, _rules) in TEMPLATES.items()}


@transaction.atomic
def install_defaults(organisation, tree: str = "dealership") -> None:
    """Give an organisation the industry template `tree` (see TEMPLATES): categories, severity
    and routing rules, checklist requirements, deadline policies and callback plans; each part
    only once."""
    categories, rules = TEMPLATES[tree]
    if not Category.objects.filter(organisation=organisation).exists():
        _install_tree(organisation, categories, parent=None)
    if not SeverityRule.objects.filter(organisation=organisation).exists():
        SeverityRule.objects.bulk_create(
            SeverityRule(
                organisation=organisation, match=m, value=v, severity=s, crisis=c, reason_code=r
            )
            for m, v, s, c, r in rules
        )
    install_routing_defaults(organisation, ROUTING[tree])
    install_checklist_defaults(organisation)
    install_recourse_defaults(organisation, tree)
    hooks.defaults_installed(organisation)  # sla's deadline policies, callbacks' plans


def install_routing_defaults(organisation, rules) -> None:
    if RoutingRule.objects.filter(organisation=organisation).exists():
        return
    categories = {c.code: c for c in Category.objects.filter(organisation=organisation)}
    RoutingRule.objects.bulk_create(
        RoutingRule(
            organisation=organisation,
            name=name,
            name_en=ROUTING_NAMES_EN.get(name, ""),
            category=categories[code] if code else None,
            cause=cause,
            demand=demand,
            department_code=department,
        )
        for name, code, cause, demand, department in rules
        if code is None or code in categories
    )


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


# ---- Where an unsatisfied customer may turn (RecourseOption) --------------------------------
# (code, name, English, how to reach it, English, time limit, English, name in the text
# message). Facts from the statutes named; an organisation's legal department edits its own.
_REGULATOR = (
    "market_regulator",
    "市场监督管理部门（全国12315平台）",
    "The market regulator (national 12315 platform)",
    "拨打12315，或在全国12315平台（www.12315.cn）、“全国12315”微信小程序在线投诉",
    "Call 12315, or file online at www.12315.cn or in the national 12315 WeChat mini-program",
    "自知道或者应当知道权益受到侵害之日起三年内（《市场监督管理投诉举报处理暂行办法》）",
    "Within three years of the day you knew or should have known of the harm (the market "
    "regulators' interim measures on complaints and reports)",
    "12315",
)
_CONSUMER_ASSOCIATION = (
    "consumer_association",
    "消费者协会",
    "The consumer association",
    "向当地消费者协会（消费者权益保护委员会）申请调解",
    "Ask your local consumer association (consumer rights protection committee) to mediate",
    "法律未规定期限，宜尽早提出",
    "No time limit is set by law; ask early",
    "消费者协会",
)
_MANUFACTURER = (
    "manufacturer",
    "汽车生产厂家客户服务中心",
    "The car maker's customer service",
    "拨打车辆三包凭证或保修手册上的厂家客服电话",
    "Call the maker's customer service number on the vehicle's warranty certificate or in its "
    "service booklet",
    "三包有效期内：不少于2年或行驶5万公里，以先到者为准，以三包凭证为准"
    "（《家用汽车产品修理更换退货责任规定》）",
    "Within the warranty period: at least 2 years or 50,000 km, whichever comes first, "
    "as the certificate states (the rules on repair, exchange and return of family cars)",
    "厂家客服",
)
_TELECOM_APPEALS = (
    "telecom_appeals",
    "工业和信息化部电信用户申诉受理中心（12300）",
    "The MIIT telecom users' appeal centre (12300)",
    "拨打12300，或在其网站、微信公众号提出申诉",
    "Call 12300, or appeal on its website or WeChat official account",
    "须先向我们投诉；对处理结果不满意，或投诉后15日内未获答复时可申诉（《电信用户申诉处理办法》）",
    "After complaining to us first: once unsatisfied with the result, or without an answer 15 "
    "days after complaining (the rules on telecom users' appeals)",
    "12300",
)
_ARBITRATION = (
    "arbitration",
    "仲裁委员会",
    "An arbitration commission",
    "双方订有仲裁协议（如合同中的仲裁条款）时，向约定的仲裁委员会申请仲裁",
    "Where you and we agreed to arbitration (e.g. a clause in the contract), apply to the "
    "commission named there",
    "一般为三年，适用诉讼时效的规定（《仲裁法》第七十四条）",
    "Usually three years: the limitation period of lawsuits applies (Arbitration Law, Article 74)",
    "",
)
_COURT = (
    "court",
    "人民法院",
    "The people's court",
    "向有管辖权的人民法院提起诉讼",
    "Sue at the competent people's court",
    "三年，自知道或者应当知道权利受到损害以及义务人之日起计算（《民法典》第一百八十八条）",
    "Three years from the day you knew or should have known of the harm and of who is liable "
    "(Civil Code, Article 188)",
    "",
)
RECOURSE = {
    "dealership": [_REGULATOR, _CONSUMER_ASSOCIATION, _MANUFACTURER, _ARBITRATION, _COURT],
    "telecom": [_TELECOM_APPEALS, _REGULATOR, _CONSUMER_ASSOCIATION, _ARBITRATION, _COURT],
    "general": [_REGULATOR, _CONSUMER_ASSOCIATION, _ARBITRATION, _COURT],
}


def recourse_options_of(organisation, template: str, model=None, have=()) -> list:
    """The template's recourse options for the organisation, as unsaved rows of `model`
    (RecourseOption, or its historical model in a migration), leaving out the codes in `have`."""
    model = model or RecourseOption
    return [
        model(
            organisation=organisation,
            code=code,
            name=name,
            name_en=name_en,
            how=how,
            how_en=how_en,
            time_limit=limit,
            time_limit_en=limit_en,
            sms_name=sms_name,
            sort_order=order,
        )
        for order, (code, name, name_en, how, how_en, limit, limit_en, sms_name) in enumerate(
            RECOURSE[template]
        )
        if code not in have
    ]


def install_recourse_defaults(organisation, template: str) -> None:
    """The template's recourse options the organisation has no option of that code for."""
    have = set(
        RecourseOption.objects.filter(organisation=organisation).values_list("code", flat=True)
    )
    RecourseOption.objects.bulk_create(recourse_options_of(organisation, template, have=have))
