"""Triage suggestions for a complaint being typed (issue 13, item 3): what the shipped model,
the severity rules, the crisis detector and the organisation's own models (trained from its
closed complaints, kesu/complaints/triage_training.py) say, each with a confidence and the
words behind it. Staff accept or change them; nothing here writes."""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import CauseClass, Demand, Severity
from kesu.complaints.models import Category
from kesu.complaints.services import may_register
from kesu.complaints.severity import CRISIS_KIND_LABELS, suggest_severity
from kesu.core.errors import NotAllowed
from kesu.customers.choices import PersonalityType
from kesu.organisation.models import Department, User
from kesu.triage.crisis import detect_crisis
from kesu.triage.models import PROBLEM_AREA_LABELS, TrainedModel, organisation_models, shipped_model

# The most suggestions given per field: the best first.
TOP = 3
# A rule's verdict is not a guess; a severity nothing points at is "general" at even odds.
RULE_CONFIDENCE = 1.0
DEFAULT_CONFIDENCE = 0.5


@dataclass
class Item:
    value: str
    label: str
    confidence: float
    evidence: list[str] = field(default_factory=list)


def triage_suggest(
    *, actor: User, title: str, account: str, channel: str = "", demand: str = ""
) -> dict:
    """{"problem_areas", "category", "cause", "department", "demand", "upset_level",
    "personality_type": [Item…], "severity", "crisis"}; the organisation's fields are empty
    lists until it has a model for them."""
    if not may_register(actor) or actor.organisation_id is None:
        raise NotAllowed(_("Your role may not register complaints."), code="role_not_allowed")
    text = f"{title}\n{account}"
    shipped = shipped_model()
    models = organisation_models(actor.organisation_id)
    # Every model of the same settings reads the same n-grams: counted once per text.
    grams: dict = {}

    def predict(model):
        if model.settings not in grams:
            grams[model.settings] = model.grams(text)
        return model.predict_grams(grams[model.settings])

    areas = [
        Item(s.label, str(PROBLEM_AREA_LABELS.get(s.label, s.label)), s.confidence, [*s.evidence])
        for s in predict(shipped)[:TOP]
    ]
    guesses = {
        name: (predict(models[name])[: TOP * 3] if name in models else [])
        for name in TrainedModel.Field.values
    }
    result: dict = {"problem_areas": [asdict(item) for item in areas]}
    result["category"] = _categories(actor, guesses["category"])
    result["cause"] = _choices(CauseClass, guesses["cause"])
    result["department"] = _departments(actor, guesses["department"])
    result["demand"] = _choices(Demand, guesses["demand"])
    result["upset_level"] = _choices(UPSET_LEVELS, guesses["upset_level"])
    result["personality_type"] = _choices(PersonalityType, guesses["personality_type"])
    result["severity"] = _severity(actor, title, account, channel, demand)
    result["crisis"] = _crisis(text)
    return result


class _UpsetLevels:
    """How upset, 1 (calm) to 5: the value is its own label."""

    choices = [(str(level), str(level)) for level in range(1, 6)]


UPSET_LEVELS = _UpsetLevels


def _choices(choices, guesses) -> list[dict]:
    labels = {str(value): label for value, label in choices.choices}
    return [
        asdict(Item(g.label, str(labels[g.label]), g.confidence, [*g.evidence]))
        for g in guesses
        if g.label in labels
    ][:TOP]


def _categories(actor: User, guesses) -> list[dict]:
    ids = [int(g.label) for g in guesses if g.label.isdigit()]
    if not ids:
        return []
    categories = Category.objects.filter(
        organisation_id=actor.organisation_id, is_active=True, pk__in=ids
    ).in_bulk()
    return [
        asdict(Item(g.label, categories[int(g.label)].label, g.confidence, [*g.evidence]))
        for g in guesses
        if g.label.isdigit() and int(g.label) in categories
    ][:TOP]


def _departments(actor: User, guesses) -> list[dict]:
    """Departments of the user's branch only (an organisation-wide user: any of theirs)."""
    ids = [int(g.label) for g in guesses if g.label.isdigit()]
    if not ids:
        return []
    departments = Department.objects.filter(
        branch__organisation_id=actor.organisation_id, pk__in=ids
    )
    if actor.branch_id is not None:
        departments = departments.filter(branch_id=actor.branch_id)
    found = departments.in_bulk()
    return [
        asdict(Item(g.label, found[int(g.label)].name, g.confidence, [*g.evidence]))
        for g in guesses
        if g.label.isdigit() and int(g.label) in found
    ][:TOP]


def _severity(actor: User, title: str, account: str, channel: str, demand: str) -> dict:
    suggestion = suggest_severity(
        organisation_id=actor.organisation_id or 0,
        title=title,
        account=account,
        demand=demand,
        channel=channel,
        category=None,
    )
    decided = bool(suggestion.reasons)
    item = Item(
        suggestion.severity,
        str(Severity(suggestion.severity).label),
        RULE_CONFIDENCE if decided else DEFAULT_CONFIDENCE,
        list(suggestion.evidence),
    )
    return asdict(item) | {"reasons": list(suggestion.reasons), "crisis": suggestion.crisis}


def _crisis(text: str) -> dict:
    signal = detect_crisis(text)
    kinds = [
        asdict(
            Item(
                kind,
                str(CRISIS_KIND_LABELS[kind]),
                RULE_CONFIDENCE,
                list(dict.fromkeys(t.words for t in signal.triggers if t.kind == kind)),
            )
        )
        for kind in signal.kinds
    ]
    return {"value": bool(signal), "kinds": kinds}
