"""What a new organisation starts with: settings, questionnaires and callback plans (editable)."""

from django.db import transaction

from kesu.callbacks.choices import CallbackType, Delivery, Event, Level, QuestionKind
from kesu.callbacks.models import CallbackPlan, CallbackSettings, Survey, SurveyQuestion
from kesu.customers.choices import Tier
from kesu.organisation.choices import Role

T = CallbackType
R, N, X = QuestionKind.RATING, QuestionKind.NPS, QuestionKind.TEXT

# (code, 中文, English, [(code, kind, 中文, English, required)])
DEFAULT_SURVEYS = [
    (
        "satisfaction",
        "投诉处理满意度",
        "Satisfaction with the handling",
        [
            (
                "result",
                R,
                "您对这次问题的处理结果满意吗？",
                "How satisfied are you with the result?",
                True,
            ),
            (
                "staff",
                R,
                "您对处理人员的服务态度满意吗？",
                "How satisfied are you with our staff?",
                True,
            ),
            ("nps", N, "您有多大可能向亲友推荐我们？", "How likely are you to recommend us?", True),
            (
                "comment",
                X,
                "还有什么意见或建议？",
                "Anything else you would like to tell us?",
                False,
            ),
        ],
    ),
    (
        "periodic",
        "客户定期问卷",
        "Periodic customer questionnaire",
        [
            (
                "product",
                R,
                "您对产品的使用体验满意吗？",
                "How satisfied are you with the product?",
                True,
            ),
            (
                "service",
                R,
                "您对我们的售后服务满意吗？",
                "How satisfied are you with our service?",
                True,
            ),
            ("nps", N, "您有多大可能向亲友推荐我们？", "How likely are you to recommend us?", True),
            ("needs", X, "您还需要哪些产品或服务？", "What else could we do for you?", False),
        ],
    ),
]

VIP = [Tier.DIAMOND, Tier.GOLD, Tier.A]
# Samples are called a week after the draw: after the level 1 callbacks they check on.
C, D, G = Role.CALLBACK, Role.DIRECTOR, Role.GENERAL_MANAGER
# The sales advisor's own call within 3 days of a delivery (seed 001, 4.1.2.1): advisors work
# as frontline staff in Kesu, and a purchase does not record who sold it, so the branch's
# frontline staff take it in turn (plans.Planner.assignee). Due the day after the delivery, on
# time until the third day, before the callback specialist's 7- and 25-day calls.
F = Role.FRONTLINE
# (code, 中文, English, event, offset, grace, level, role, type, delivery, survey, extra)
DEFAULT_PLANS = [
    ("welcome", "订单生效次日首访", "Welcome call after the order", Event.ORDER_EFFECTIVE, 1, 1, 1, C, T.WELCOME, Delivery.CALL, None, {}),
    ("delivery_3", "交车3日内销售顾问回访", "Sales advisor's call within 3 days of delivery", Event.DELIVERED, 1, 2, 1, F, T.DELIVERY, Delivery.CALL, None, {}),
    ("delivery_7", "交车7日回访", "Callback 7 days after delivery", Event.DELIVERED, 7, 2, 1, C, T.DELIVERY, Delivery.CALL, None, {}),
    ("delivery_25", "交车25日回访", "Callback 25 days after delivery", Event.DELIVERED, 25, 3, 1, C, T.DELIVERY, Delivery.CALL, None, {}),
    ("service_3", "维修保养3日回访", "Callback 3 days after a service visit", Event.SERVICE_COMPLETED, 3, 1, 1, C, T.SERVICE, Delivery.CALL, None, {}),
    ("satisfaction", "投诉处理完成当日满意度回访", "Satisfaction callback on the day of resolution", Event.COMPLAINT_RESOLVED, 0, 1, 1, D, T.SATISFACTION, Delivery.CALL, "satisfaction", {}),
    ("follow_up", "投诉关闭7日内跟踪回访", "Follow-up within 7 days of closure", Event.COMPLAINT_CLOSED, 3, 4, 1, C, T.FOLLOW_UP, Delivery.CALL, "satisfaction", {}),
    ("questionnaire", "定期问卷回访", "Periodic questionnaire", Event.PERIODIC, 0, 7, 1, C, T.QUESTIONNAIRE, Delivery.CALL, "periodic", {"interval_days": 180, "tiers": VIP}),
    ("birthday", "客户生日祝福", "Birthday greeting", Event.BIRTHDAY, 0, 0, 1, C, T.GREETING, Delivery.SMS, None, {}),
    ("key_person_birthday", "关键人员生日祝福", "Key person's birthday greeting", Event.KEY_PERSON_BIRTHDAY, 0, 0, 1, C, T.GREETING, Delivery.SMS, None, {}),
    ("founding_anniversary", "企业客户成立纪念日问候", "Company anniversary call", Event.FOUNDING_ANNIVERSARY, 0, 1, 1, C, T.GREETING, Delivery.CALL, None, {}),
    ("holiday", "节日祝福", "Holiday greeting", Event.HOLIDAY, 0, 0, 1, C, T.GREETING, Delivery.SMS, None, {"tiers": VIP}),
    ("sample_deliveries", "交车客户二级抽查回访", "Level 2 spot check of deliveries", Event.SAMPLE_DELIVERIES, 7, 6, 2, D, T.SAMPLING, Delivery.CALL, None, {}),
    ("sample_complaints", "投诉客户二级抽查回访", "Level 2 spot check of complaint records", Event.SAMPLE_COMPLAINTS, 7, 6, 2, D, T.SAMPLING, Delivery.CALL, "satisfaction", {}),
    ("loyalty", "三级忠诚度回访", "Level 3 loyalty callback", Event.SAMPLE_CUSTOMERS, 7, 13, 3, G, T.LOYALTY, Delivery.CALL, "periodic", {}),
]  # fmt: skip


@transaction.atomic
def install_callback_defaults(organisation) -> None:
    """Give an organisation its callback settings, questionnaires and plans, once."""
    CallbackSettings.objects.get_or_create(organisation=organisation)
    surveys = {s.code: s for s in Survey.objects.filter(organisation=organisation)}
    for code, name, name_en, questions in DEFAULT_SURVEYS:
        if code in surveys:
            continue
        survey = Survey.objects.create(
            organisation=organisation, code=code, name=name, name_en=name_en
        )
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                survey=survey,
                position=i,
                code=q_code,
                kind=kind,
                text=text,
                text_en=text_en,
                required=required,
            )
            for i, (q_code, kind, text, text_en, required) in enumerate(questions)
        )
        surveys[code] = survey
    if CallbackPlan.objects.filter(organisation=organisation).exists():
        return
    CallbackPlan.objects.bulk_create(
        CallbackPlan(
            organisation=organisation,
            code=code,
            name=name,
            name_en=name_en,
            event=event,
            offset_days=offset,
            grace_days=grace,
            level=Level(level),
            role=role,
            callback_type=ctype,
            delivery=delivery,
            survey=surveys.get(survey) if survey else None,
            sort_order=i,
            **extra,
        )
        for i, (
            code,
            name,
            name_en,
            event,
            offset,
            grace,
            level,
            role,
            ctype,
            delivery,
            survey,
            extra,
        ) in enumerate(DEFAULT_PLANS)
    )
