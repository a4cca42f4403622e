"""The crisis flag at registration (the detector's words), cleared by staff with a reason on
the page and through the API (recorded on the timeline), and carried over by a merge."""

import pytest
from rest_framework.test import APIClient

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import ComplaintAction, Move, Severity
from kesu.complaints.models import Complaint, SeverityRule
from kesu.complaints.severity import CRISIS_THREAT
from kesu.complaints.tests.api.helpers import complaint_url
from kesu.complaints.workflow import complaint_merge
from kesu.organisation.choices import Role


@pytest.fixture
def api(world):
    def client_for(role: str = Role.FRONTLINE, language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.default_format = "json"
        client.force_authenticate(world.user(role))
        return client

    return client_for


def test_registration_sets_the_flag_with_the_words(world):
    complaint = world.complaint(
        title="售后推诿", account="再不给我修好，我就拍视频发抖音曝光你们。"
    )
    # the words: 发抖音 (a target with its verb) and 曝光 (a threat by itself)
    assert complaint.is_crisis
    assert complaint.severity == Severity.MAJOR
    assert CRISIS_THREAT in complaint.severity_reasons
    assert complaint.crisis_signals == [
        {"kind": "social", "words": "发抖音"},
        {"kind": "media", "words": "曝光"},
    ]
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action=ComplaintAction.REGISTER)
    assert entry.data["fields"]["is_crisis"] is True
    assert entry.data["fields"]["crisis_signals"] == complaint.crisis_signals


@pytest.mark.parametrize(
    "account",
    [
        "我是从汽车之家看到你们的优惠才来的，结果价格不一样。",
        "我的律师朋友推荐我来买车，没想到售后这么差。",
        "看了电视广告说有置换补贴，到店又说没有。",
        "我不想闹到法院，只希望按合同办。",
    ],
)
def test_a_mention_that_is_no_threat_is_no_crisis(world, account):
    complaint = world.complaint(account=account)
    assert not complaint.is_crisis and complaint.crisis_signals == []
    assert CRISIS_THREAT not in complaint.severity_reasons


def test_organisation_keyword_rules_keep_working(world):
    SeverityRule.objects.create(
        organisation=world.org,
        match=SeverityRule.Match.KEYWORD,
        value="电视广告",
        severity=Severity.MAJOR,
        crisis=True,
        reason_code="our_rule",
    )
    complaint = world.complaint(account="看了电视广告说有置换补贴")
    assert complaint.is_crisis and complaint.severity_reasons == ["our_rule"]
    assert complaint.crisis_signals == []  # the rule's, not the detector's


def test_the_page_shows_the_words_near_the_badge(client, world):
    complaint = world.complaint(account="明天我就去市场监管局举报你们")
    client.force_login(world.user(Role.FRONTLINE))
    page = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'id="crisis-signals"' in html
    assert "危机：" in html and "触发词：去市场监管局" in html
    english = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    assert "trigger words: 去市场监管局" in english.decode()
    assert "regulator" in english.decode()


def _clear_on_the_page(client, complaint, reason):
    return client.post(
        f"/complaints/{complaint.pk}/moves/{Move.OVERRIDE_SEVERITY}/",
        {
            "severity": Severity.GENERAL,
            "reason": reason,
            "is_crisis__shown": "1",  # the box was shown, and left unticked
            "version": complaint.version,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_staff_clear_a_false_flag_on_the_page_with_a_reason(client, world):
    complaint = world.complaint(account="我朋友说要去12315投诉你们，我倒觉得没必要")
    assert complaint.is_crisis
    client.force_login(world.user(Role.FRONTLINE))
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    # The form starts from the current severity and flag: clearing is unticking one box.
    form = page[page.index('id="move-override_severity"') :]
    form = form[: form.index("</form>")]
    assert 'name="is_crisis" value="1" checked' in form
    assert 'name="is_crisis__shown"' in form
    assert '<option value="major" selected>' in form

    refused = _clear_on_the_page(client, complaint, "")
    assert refused.status_code == 400  # a reason is required
    complaint.refresh_from_db()
    assert complaint.is_crisis

    done = _clear_on_the_page(client, complaint, "是客户朋友说的，客户本人没有投诉意向")
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert not complaint.is_crisis
    assert complaint.severity_override_reason == "是客户朋友说的，客户本人没有投诉意向"
    assert complaint.crisis_signals  # what was found stays on record
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action=Move.OVERRIDE_SEVERITY)
    assert entry.actor == world.user(Role.FRONTLINE)
    assert entry.data["changes"]["is_crisis"] == [True, False]
    assert entry.data["reason"] == "是客户朋友说的，客户本人没有投诉意向"
    for language, cleared in (("zh-hans", "已清除危机标记"), ("en", "Crisis flag cleared")):
        html = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        timeline = html.content.decode()
        assert cleared in timeline and "客户本人没有投诉意向" in timeline


def test_an_unticked_box_without_the_marker_leaves_the_flag(client, world):
    """A form that did not show the box (an old page, a script) does not clear it."""
    complaint = world.complaint(account="再不处理我就去法院起诉")
    client.force_login(world.user(Role.FRONTLINE))
    client.post(
        f"/complaints/{complaint.pk}/moves/{Move.OVERRIDE_SEVERITY}/",
        {"severity": Severity.MAJOR, "reason": "确认", "version": complaint.version},
    )
    complaint.refresh_from_db()
    assert complaint.is_crisis


def test_staff_clear_a_false_flag_through_the_api(world, api):
    complaint = world.complaint(account="我要发微博曝光")
    detail = api(Role.FRONTLINE).get(complaint_url(complaint)).json()
    assert detail["is_crisis"] is True
    assert detail["crisis_signals"] == [
        {"kind": "social", "words": "发微博"},
        {"kind": "media", "words": "曝光"},
    ]
    url = complaint_url(complaint, f"transitions/{Move.OVERRIDE_SEVERITY}/")
    missing = api(Role.FRONTLINE, language="zh-hans").post(
        url, {"severity": "general", "is_crisis": False}
    )
    assert missing.status_code == 400
    response = api(Role.FRONTLINE).post(
        url, {"severity": "general", "is_crisis": False, "reason": "客户在开玩笑，已当面确认"}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["is_crisis"] is False and data["crisis_signals"]  # read-only, kept
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action=Move.OVERRIDE_SEVERITY)
    assert entry.data["changes"]["is_crisis"] == [True, False]
    assert entry.data["reason"] == "客户在开玩笑，已当面确认"
    # Left out, the flag stays as it is.
    again = api(Role.FRONTLINE).post(url, {"severity": "major", "reason": "升级"})
    assert again.json()["is_crisis"] is False


def test_crisis_signals_are_read_only_in_the_api(world, api):
    complaint = world.complaint()
    response = api(Role.FRONTLINE).patch(
        complaint_url(complaint),
        {"crisis_signals": [{"kind": "media", "words": "x"}]},
        HTTP_IF_MATCH=f'"{complaint.version}"',
    )
    assert response.status_code in (200, 400)
    complaint.refresh_from_db()
    assert complaint.crisis_signals == []


def test_a_merge_carries_the_detected_crisis_to_the_survivor(world):
    survivor = world.complaint(account="空调不制冷")
    duplicate = world.complaint(customer=survivor.customer, account="不修好我就去电视台曝光")
    assert duplicate.is_crisis and not survivor.is_crisis
    complaint_merge(
        complaint_id=duplicate.pk, actor=world.user(Role.FRONTLINE), into_id=survivor.pk
    )
    survivor = Complaint.objects.get(pk=survivor.pk)
    assert survivor.is_crisis and survivor.severity == Severity.MAJOR
    entry = AuditEntry.objects.get(complaint_id=survivor.pk, action=ComplaintAction.MERGED_IN)
    assert entry.data["changes"]["is_crisis"] == [False, True]
