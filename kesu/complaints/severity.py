"""Suggesting a severity from the organisation's rules (DOMAIN §2); staff may override it."""

from dataclasses import dataclass, field

from kesu.complaints.choices import Severity
from kesu.complaints.models import Category, SeverityRule, in_subtree

# Higher wins when several rules match.
SEVERITY_RANK = {
    Severity.GENERAL: 0,
    Severity.IRRATIONAL: 1,
    Severity.MEDIUM: 2,
    Severity.MAJOR: 3,
}


@dataclass
class SeveritySuggestion:
    severity: str = Severity.GENERAL
    crisis: bool = False
    reasons: list[str] = field(default_factory=list)


def suggest_severity(
    *,
    organisation_id: int,
    title: str,
    account: str,
    demand: str,
    channel: str,
    category: Category | None,
) -> SeveritySuggestion:
    suggestion = SeveritySuggestion()
    text = f"{title}\n{account}".lower()
    category_path = category.path if category else ""
    rules = SeverityRule.objects.filter(organisation_id=organisation_id, is_active=True)
    for rule in rules:
        value = rule.value.strip()
        if not value:
            continue
        if rule.match == SeverityRule.Match.KEYWORD:
            hit = value.lower() in text
        elif rule.match == SeverityRule.Match.DEMAND:
            hit = demand == value
        elif rule.match == SeverityRule.Match.CHANNEL:
            hit = channel == value
        else:
            hit = in_subtree(category_path, value)
        if not hit:
            continue
        if SEVERITY_RANK[rule.severity] > SEVERITY_RANK[suggestion.severity]:
            suggestion.severity = rule.severity
        suggestion.crisis = suggestion.crisis or rule.crisis
        if rule.reason_code not in suggestion.reasons:
            suggestion.reasons.append(rule.reason_code)
    return suggestion
