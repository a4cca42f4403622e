import base64
import hashlib
import hmac
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest

from kesu.notifications.choices import Kind
from kesu.notifications.rendering import (
    dingtalk_signature,
    dingtalk_signed_url,
    render,
    robot_body,
)
from kesu.notifications.tests.factories import REMINDER_PAYLOAD

# About an improvement action, not a complaint.
IMPROVEMENT_KINDS = {Kind.IMPROVEMENT_ASSIGNED, Kind.IMPROVEMENT_DUE, Kind.IMPROVEMENT_REVIEW}
IMPROVEMENT_PAYLOAD = {
    "improvement_id": 7,
    "title": "发动机异响专项整改",
    "due_on": "2026-03-10",
    "review_on": "2026-06-01",
}


def test_reminder_in_english():
    message = render("milestone_reminder", REMINDER_PAYLOAD, "en")
    assert message.subject == "Deadline reminder: KS-2026-000123"
    assert (
        message.body
        == "Complaint KS-2026-000123 “保养后异响”: First contact is due by March 10 12:00."
    )


def test_reminder_in_chinese_uses_chinese_dates():
    message = render("milestone_reminder", REMINDER_PAYLOAD, "zh-hans")
    assert "KS-2026-000123" in message.subject
    assert "保养后异响" in message.body
    # The date in the Chinese month-day form, in the site's time zone (UTC 04:00 = 12:00).
    assert "03月10日 12:00" in message.body
    assert "March" not in message.body


def test_the_site_language_is_the_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    assert "03月10日" in render("milestone_reminder", REMINDER_PAYLOAD).body
    settings.LANGUAGE_CODE = "en"
    assert "March 10" in render("milestone_reminder", REMINDER_PAYLOAD).body


def test_each_kind_has_its_own_text():
    breached = render("milestone_breached", REMINDER_PAYLOAD, "en")
    assert breached.subject == "Overdue: KS-2026-000123"
    assert "was due by March 10 12:00 and is overdue" in breached.body

    escalation = render("escalation", {**REMINDER_PAYLOAD, "level": 3}, "en")
    assert escalation.subject == "Escalated: KS-2026-000123"
    assert "escalated to: General manager." in escalation.body
    assert "First contact was due by March 10 12:00." in escalation.body

    crisis = render("crisis", REMINDER_PAYLOAD, "en")
    assert crisis.subject == "Crisis: KS-2026-000123"
    assert "spokesperson" in crisis.body


def test_unknown_kinds_and_missing_values_get_a_generic_text():
    message = render("something_new", {"complaint_number": "KS-2026-000007", "title": "X"}, "en")
    assert message.subject == "News about complaint KS-2026-000007"
    assert "KS-2026-000007 “X”" in message.body
    bare = render("something_new", {}, "en")
    assert bare.subject == "Kesu notification"
    # A reminder with values missing still renders, with a dash in their place.
    assert "—" in render("milestone_reminder", {"complaint_number": "KS-1"}, "en").body


def test_robot_body_is_plain_text_with_subject_body_and_link(settings):
    settings.KESU_PUBLIC_URL = "https://kesu.example.cn"
    message = render("crisis", REMINDER_PAYLOAD, "en")
    link = f"https://kesu.example.cn/complaints/{REMINDER_PAYLOAD['complaint_id']}/"
    assert message.link == link
    assert robot_body(message) == {
        "msgtype": "text",
        "text": {"content": f"{message.subject}\n{message.body}\n{link}"},
    }


def test_every_kind_names_the_complaint_in_both_languages():
    from kesu.notifications.rendering import TEXTS

    payload = {**REMINDER_PAYLOAD, "by": "王", "department": "销售部", "amount": "5000"}
    for kind in (
        set(TEXTS)
        - IMPROVEMENT_KINDS
        - {"lessons_digest", "monthly_report", "emerging_issue", "mail_failed"}
    ):  # about no complaint
        for language in ("en", "zh-hans"):
            message = render(kind, payload, language)
            assert REMINDER_PAYLOAD["complaint_number"] in message.subject + message.body, kind
            assert "%(" not in message.subject + message.body, kind


@pytest.mark.parametrize("language,words", [("en", "flagged"), ("zh-hans", "星标")])
def test_a_failed_mail_names_its_sender_subject_and_reason(language, words):
    payload = {
        "mailbox": "east@kesu.test",
        "sender": "wang@example.test",
        "subject": "刹车异响",
        "reason": "x-klingon",
    }
    message = render("mail_failed", payload, language)
    assert "east@kesu.test" in message.subject
    for value in ("wang@example.test", "刹车异响", "x-klingon", words):
        assert value in message.body
    assert "%(" not in message.subject + message.body


def test_an_emerging_issue_names_its_cluster_in_both_languages():
    payload = {
        "emerging_id": 7,
        "path": "/emerging/7/",
        "label": "冷启动正时链条异响",
        "product": "上汽大众 朗逸",
        "category": "发动机",
        "category_en": "Engine",
        "size": 6,
        "hours": 72,
    }
    en = render("emerging_issue", payload, "en")
    assert en.subject == "Emerging issue: 冷启动正时链条异响 (上汽大众 朗逸)"
    assert en.body.startswith("6 similar complaints about 上汽大众 朗逸, Engine, within 72 hours")
    assert en.link.endswith("/emerging/7/")
    zh = render("emerging_issue", payload, "zh-hans")
    assert "72 小时内有 6 条关于 上汽大众 朗逸（发动机）的相似投诉" in zh.body


def test_dingtalk_signature_follows_the_documented_recipe():
    secret = "SEC0123456789abcdef"
    timestamp = 1767225600000
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert dingtalk_signature(secret, timestamp) == expected

    url = dingtalk_signed_url(
        "https://robot.example.test/robot/send?access_token=tok", secret, timestamp
    )
    query = parse_qs(urlsplit(url).query)
    assert query == {"access_token": ["tok"], "timestamp": [str(timestamp)], "sign": [expected]}
    # The base64 signature is URL-encoded in the address itself (no raw + / = left).
    raw_sign = url.split("sign=", 1)[1]
    assert not set("+/=") & set(raw_sign)
    assert unquote_plus(raw_sign) == expected


def test_the_improvement_reminders_name_the_action_and_its_date(settings):
    settings.KESU_PUBLIC_URL = "https://kesu.example.cn"
    due = render(Kind.IMPROVEMENT_DUE, IMPROVEMENT_PAYLOAD, "en")
    assert due.subject == "Improvement action due: 发动机异响专项整改"
    assert "is due by March 10" in due.body
    assert due.link == "https://kesu.example.cn/improvements/7/"
    review = render(Kind.IMPROVEMENT_REVIEW, IMPROVEMENT_PAYLOAD, "zh-hans")
    assert "发动机异响专项整改" in review.subject
    assert "06月1日" in review.body and "%(" not in review.body


def test_the_preventive_action_reminder_names_the_complaint_and_the_day():
    payload = {**REMINDER_PAYLOAD, "verify_on": "2026-04-02"}
    message = render(Kind.PREVENTION_VERIFY, payload, "en")
    assert message.subject == "Verify the preventive action: KS-2026-000123"
    assert "from April 2" in message.body
    assert message.link.endswith(f"/complaints/{REMINDER_PAYLOAD['complaint_id']}/")
    # A date that is not one reads as given, never an error.
    assert "soon" in render(Kind.PREVENTION_VERIFY, {**payload, "verify_on": "soon"}, "en").body


DIGEST = {
    "month": "2026-11",
    "count": 12,
    "lessons": [
        {
            "title": "张紧器批次问题",
            "category": "发动机",
            "category_en": "Engine",
            "cause": "product_quality",
            "branch": "东城店",
        },
        {
            "title": "赠品没有兑现",
            "category": "",
            "category_en": "",
            "cause": "",
            "branch": "西城店",
        },
    ],
    "path": "/lessons/?month=2026-11",
}


def test_the_lessons_digest_in_english(settings):
    settings.KESU_PUBLIC_URL = "https://kesu.example"
    message = render("lessons_digest", DIGEST, "en")
    assert message.subject == "Lessons learned in November 2026: 12"
    lines = message.body.splitlines()
    assert lines[0] == "12 case summaries were shared as lessons in November 2026:"
    assert lines[1] == "• 张紧器批次问题 (Engine · Product quality · 东城店)"
    assert lines[2] == "• 赠品没有兑现 (西城店)"
    assert lines[3] == "… and 10 more."
    assert message.link == "https://kesu.example/lessons/?month=2026-11"


def test_the_lessons_digest_in_chinese():
    message = render("lessons_digest", {**DIGEST, "count": 2}, "zh-hans")
    assert message.subject == "2026年11月经验教训：2 条"
    assert message.body.splitlines()[0] == "2026年11月共有 2 个案例总结分享为经验教训："
    assert "• 张紧器批次问题（发动机 · 产品质量 · 东城店）" in message.body
    assert "more" not in message.body and "另有" not in message.body
    one = render("lessons_digest", {**DIGEST, "count": 1, "lessons": []}, "en")
    assert one.body == "1 case summary was shared as a lesson in November 2026:\n… and 1 more."


def test_a_page_link_only_for_a_path_on_the_site(settings):
    from kesu.notifications.rendering import page_link

    settings.KESU_PUBLIC_URL = "https://kesu.example"
    assert page_link({"path": "/lessons/"}) == "https://kesu.example/lessons/"
    for bad in ("//evil.example/", "https://evil.example/", "", None, 5):
        assert page_link({"path": bad}) == ""
    assert render("lessons_digest", {"month": "bad"}, "en").subject.startswith("Lessons")


def test_the_monthly_report_names_its_month_branch_and_figures():
    payload = {"month": "2026-11", "where": "东城店", "total": 12, "overdue": 2, "crisis": 1,
               "path": "/reports/kept/5/"}  # fmt: skip
    english = render("monthly_report", payload, "en")
    assert english.subject == "Monthly analysis November 2026: 东城店"
    assert "Received: 12" in english.body and english.link.endswith("/reports/kept/5/")
    chinese = render("monthly_report", payload, "zh-hans")
    assert "月度分析" in chinese.subject and "2026年11月" in chinese.subject
    assert "受理：12" in chinese.body
