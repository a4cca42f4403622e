from django.utils import translation

from kesu.complaints.choices import Channel, Demand, Severity
from kesu.complaints.models import SeverityRule


def test_a_rule_names_its_channel_or_demand_not_the_code():
    with translation.override("zh-hans"):
        by_channel = SeverityRule(
            match=SeverityRule.Match.CHANNEL, value=Channel.MANUFACTURER, severity=Severity.MEDIUM
        )
        by_demand = SeverityRule(
            match=SeverityRule.Match.DEMAND, value=Demand.REFUND, severity=Severity.MEDIUM
        )
        by_keyword = SeverityRule(
            match=SeverityRule.Match.KEYWORD, value="起火", severity=Severity.MAJOR
        )
        assert "manufacturer" not in str(by_channel)
        assert str(Channel.MANUFACTURER.label) in str(by_channel)
        assert str(Demand.REFUND.label) in str(by_demand)
        assert "起火" in str(by_keyword)


def test_an_irrational_claim_is_irrational_not_major_for_its_exchange(world):
    from kesu.complaints.severity import IRRATIONAL_CLAIM

    complaint = world.complaint(
        title="刹车片磨损要求免费换",
        account="车开了12万公里，刹车片磨没了，你们必须免费换新的。",
        demand=Demand.REPLACEMENT,
    )
    assert complaint.suggested_severity == Severity.IRRATIONAL == complaint.severity
    assert IRRATIONAL_CLAIM in complaint.severity_reasons


def test_a_crisis_or_a_safety_word_outweighs_an_irrational_claim(world):
    threat = world.complaint(
        account="刹车片开了12万公里磨没了，再不免费换我就发抖音曝光", demand=Demand.REPLACEMENT
    )
    assert threat.severity == Severity.MAJOR and threat.is_crisis
    SeverityRule.objects.create(
        organisation=world.org, match=SeverityRule.Match.KEYWORD, value="起火",
        severity=Severity.MAJOR, reason_code="fire",
    )  # fmt: skip
    fire = world.complaint(account="轮胎用了五年，高速上爆胎起火，要求免费换新", demand="repair")
    assert fire.severity == Severity.MAJOR
