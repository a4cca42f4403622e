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
