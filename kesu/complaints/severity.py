"""Suggesting a severity from the organisation's rules (DOMAIN §2) and the crisis detector
(DOMAIN §7, kesu/triage/crisis.py); staff may override both."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import Severity
from kesu.complaints.models import Category, SeverityRule, in_subtree
from kesu.triage.crisis import detect_crisis
from kesu.triage.irrational import detect_irrational

# The reason code of a crisis the detector found (threats to go to the media, social
# platforms, regulators, lawyers or courts, a protest on site, or a complaint spreading online).
CRISIS_THREAT = "crisis_threat"
# The reason code of an irrational claim (kesu/triage/irrational.py): a worn part long past the
# warranty demanded free, expectations past any commitment.
IRRATIONAL_CLAIM = "irrational_claim"

# What each kind of finding means, for the complaint page.
CRISIS_KIND_LABELS = {
    "media": _("The customer threatens to go to the media"),
    "social": _("The customer threatens to post it online"),
    "regulator": _("The customer threatens to go to a regulator or consumer association"),
    "legal": _("The customer threatens a lawyer or the courts"),
    "protest": _("The customer threatens a protest on site"),
    "spreading": _("The complaint is already spreading online"),
}


def crisis_signal_lines(signals: list[dict]) -> list[dict]:
    """The stored findings grouped by kind for display: [{"label", "words": [...]}]."""
    by_kind: dict[str, list[str]] = {}
    for signal in signals or []:
        words = by_kind.setdefault(str(signal.get("kind", "")), [])
        if signal.get("words") and signal["words"] not in words:
            words.append(str(signal["words"]))
    return [
        {"label": CRISIS_KIND_LABELS.get(kind, kind), "words": "、".join(words)}
        for kind, words in by_kind.items()
    ]


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
    # What the detector found: [{"kind": "social", "words": "发抖音"}, ...] (Complaint.crisis_signals)
    crisis_signals: list[dict] = field(default_factory=list)
    # The words behind it: the keyword rules' words and the detector's triggers.
    evidence: list[str] = field(default_factory=list)


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
        if rule.match == SeverityRule.Match.KEYWORD and value not in suggestion.evidence:
            suggestion.evidence.append(value)
    apply_irrational_signal(suggestion, f"{title}\n{account}")
    apply_crisis_signal(suggestion, f"{title}\n{account}")
    return suggestion


def apply_irrational_signal(suggestion: SeveritySuggestion, text: str) -> None:
    """An irrational claim is irrational (seed 001 §2.2), not major for the exchange it demands,
    unless a keyword rule (a fire, a safety word) or a crisis says more; the crisis detector,
    applied after, still makes a threat major."""
    signal = detect_irrational(text)
    if not signal or suggestion.crisis or suggestion.evidence:
        return
    suggestion.severity = Severity.IRRATIONAL
    if IRRATIONAL_CLAIM not in suggestion.reasons:
        suggestion.reasons.append(IRRATIONAL_CLAIM)
    suggestion.evidence.extend(w for w in signal.words if w not in suggestion.evidence)


def apply_crisis_signal(suggestion: SeveritySuggestion, text: str) -> None:
    """OR the detector into a suggestion: a threat found makes it a crisis and major, with
    the reason code CRISIS_THREAT and the words that triggered it."""
    signal = detect_crisis(text)
    if not signal:
        return
    suggestion.crisis = True
    suggestion.crisis_signals = signal.as_data()
    suggestion.evidence.extend(w for w in signal.words if w not in suggestion.evidence)
    if SEVERITY_RANK[Severity.MAJOR] > SEVERITY_RANK[suggestion.severity]:
        suggestion.severity = Severity.MAJOR
    if CRISIS_THREAT not in suggestion.reasons:
        suggestion.reasons.append(CRISIS_THREAT)
