"""The intake page's triage panel and the acceptance figures (issue 13, item 3).

`intake_panel` turns the suggestions (kesu/complaints/triage_suggestions.py) for what is typed
so far into the rows the panel shows: per field the best suggestion and up to two others, each
with its confidence, the words behind it and what to put in the form's field to accept it; and
the `{field: suggested value}` the form sends back (`triage`), so registration records what
was suggested next to what was chosen. `form_triage` reads that back from the form, dropping
whatever is not a suggestion. `acceptance_figures` is the acceptance page's table.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints import limits
from kesu.complaints.choices import CauseClass, Demand, Severity
from kesu.complaints.models import Category
from kesu.complaints.selectors import category_path_label
from kesu.complaints.services import TRIAGE_FIELDS
from kesu.complaints.triage_suggestions import triage_suggest
from kesu.complaints.triage_training import MIN_EXAMPLES, acceptance
from kesu.customers.choices import PersonalityType
from kesu.organisation.choices import Role
from kesu.organisation.models import Department, User
from kesu.triage.models import SHIPPED_MODEL, TrainedModel

# The form's fields the panel fills, in the order shown, with their labels (the form's).
FORM_FIELDS = {
    "category": _("Category"),
    "demand": _("Demand"),
    "cause": _("Cause class"),
    "department": _("Handling department"),
    "upset_level": _("How upset (1–5)"),
    "personality_type": _("Customer's type"),
}
# The most characters of the form's `triage` field read (seven short codes fit many times).
TRIAGE_FIELD_MAX = 1000
# Who reads the acceptance figures: those who answer for the intake's quality.
ACCEPTANCE_ROLES = frozenset({Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP, Role.ADMIN})
PERIODS = (30, 90)


@dataclass
class Choice:
    value: str  # the code or id registration records
    label: str
    fill: str  # what the form's field takes (a category's path, else the value)
    percent: int
    evidence: list[str]


@dataclass
class Row:
    field: str
    label: str
    choices: list[Choice]
    accepts: bool = True  # the form has a field for it
    note: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def best(self) -> Choice:
        return self.choices[0]

    @property
    def others(self) -> list[Choice]:
        return self.choices[1:]


def clean_text(value: str, limit: int) -> str:
    """What the panel reads of a typed text: no null bytes, at most `limit` characters."""
    return (value or "").replace("\x00", "")[:limit]


def intake_panel(
    actor: User,
    *,
    title: str,
    account: str,
    channel: str = "",
    demand: str = "",
    branch_id: int | None = None,
) -> dict | None:
    """{"rows": [Row…], "triage": JSON of {field: best value}} or None when nothing is typed.

    `branch_id` is the branch an organisation-wide user chose: departments of other branches
    are then left out (a branch user only ever gets their own branch's)."""
    title = clean_text(title, limits.TITLE)
    account = clean_text(account, limits.ACCOUNT)
    if not (title.strip() or account.strip()):
        return None
    data = triage_suggest(actor=actor, title=title, account=account, channel=channel, demand=demand)
    if branch_id is not None and data["department"]:
        data["department"] = _of_branch(data["department"], branch_id)
    paths = _category_paths(actor, [item["value"] for item in data["category"]])
    rows = []
    for name, label in FORM_FIELDS.items():
        if name == "category":  # filled with its path, as the field's list offers it
            choices = [
                _choice(item, fill=paths[item["value"]], label=paths[item["value"]])
                for item in data[name]
                if item["value"] in paths
            ]
        else:
            choices = [_choice(item) for item in data[name]]
        if choices:
            rows.append(Row(name, str(label), choices))
    rows.insert(0, _severity_row(data))
    if data["problem_areas"]:
        rows.insert(
            1,
            Row(
                "problem_areas",
                str(_("Problem area")),
                [_choice(item) for item in data["problem_areas"]],
                accepts=False,
            ),
        )
    shown = {row.field: row.best.value for row in rows if row.accepts}
    return {
        "rows": rows,
        "fillable": bool(shown),
        "triage": json.dumps(shown, ensure_ascii=False, sort_keys=True),
    }


def _choice(item: dict, fill: str = "", label: str | None = None) -> Choice:
    return Choice(
        value=item["value"],
        label=label or item["label"],
        fill=fill or item["value"],
        percent=round(100 * item["confidence"]),
        evidence=_words(item["evidence"]),
    )


def _words(evidence) -> list[str]:
    """The words behind a suggestion, without those inside a longer one shown (刹 in 刹车)."""
    words = [w for w in dict.fromkeys(evidence) if w.strip()]
    return [w for w in words if not any(w != other and w in other for other in words)][:6]


def _severity_row(data: dict) -> Row:
    """The severity registration will set (the same suggestion); not a field of the form."""
    severity = data["severity"]
    kinds = [kind["label"] for kind in data["crisis"]["kinds"]]
    return Row(
        "severity",
        str(_("Severity")),
        [_choice(severity)],
        accepts=False,
        note=str(_("Set when saving; change it on the complaint's page, with a reason.")),
        extra=[str(_("Crisis:")) + " " + "；".join(kinds)] if kinds else [],
    )


def _of_branch(items: list[dict], branch_id: int) -> list[dict]:
    ids = [int(item["value"]) for item in items]
    kept = set(
        Department.objects.filter(pk__in=ids, branch_id=branch_id).values_list("pk", flat=True)
    )
    return [item for item in items if int(item["value"]) in kept]


def _category_paths(actor: User, values: list[str]) -> dict[str, str]:
    """{id: path label} of the suggested categories, as the intake's category field takes it."""
    if not values:
        return {}
    categories = list(
        Category.objects.filter(organisation_id=actor.organisation_id, is_active=True).only(
            "pk", "parent_id", "name", "name_en"
        )
    )
    by_id = {c.pk: c for c in categories}
    return {
        value: category_path_label(by_id[int(value)], by_id)
        for value in values
        if value.isdigit() and int(value) in by_id
    }


def form_triage(raw: str) -> dict[str, str] | None:
    """The form's `triage` (JSON of {field: value}) as registration takes it; None when it is
    missing or not JSON of an object; entries that are not a known field with a short text
    value are dropped (a tampered field never stops a registration)."""
    if not raw or len(raw) > TRIAGE_FIELD_MAX:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    kept = {
        key: value
        for key, value in data.items()
        if key in TRIAGE_FIELDS
        and isinstance(value, str)
        and 0 < len(value) <= 40
        and "\x00" not in value
    }
    return kept or None


# ---- The acceptance figures ----------------------------------------------------------------


def may_read_acceptance(user) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.role in ACCEPTANCE_ROLES)


@dataclass
class FieldFigures:
    field: str
    label: str
    periods: list[dict]  # per period: days, shown, accepted, changed, rate (percent or None)
    model: str  # which model suggests it, in words


def acceptance_figures(user: User, now: datetime | None = None) -> list[FieldFigures]:
    """Per field, over the last 30 and 90 days of complaints the user may see (their branch;
    the whole organisation for the group and the administrator): suggestions shown, kept as
    suggested, changed, and the share kept; with the model that suggests it."""
    now = now or timezone.now()
    assert user.organisation_id is not None
    branch_id = None if user.sees_whole_organisation else user.branch_id
    by_period = {
        days: acceptance(
            user.organisation_id, since=now - timedelta(days=days), branch_id=branch_id
        )
        for days in PERIODS
    }
    models = {
        m.field: m
        for m in TrainedModel.objects.filter(organisation_id=user.organisation_id).only(
            "field", "examples", "accuracy", "trained_at"
        )
    }
    labels = {**FORM_FIELDS, "severity": _("Severity")}
    out = []
    for name in (*FORM_FIELDS, "severity"):
        periods = []
        for days in PERIODS:
            tally = by_period[days].get(name, {"shown": 0, "accepted": 0})
            shown, kept = tally["shown"], tally["accepted"]
            periods.append(
                {
                    "days": days,
                    "shown": shown,
                    "accepted": kept,
                    "changed": shown - kept,
                    "rate": round(100 * kept / shown) if shown else None,
                }
            )
        out.append(FieldFigures(name, str(labels[name]), periods, _model_words(name, models)))
    return out


def _model_words(name: str, models: dict) -> str:
    if name == "severity":
        return str(_("The organisation's severity rules and the crisis detector"))
    model = models.get(name)
    if model is None:
        return str(
            _("No model yet: needs %(count)s closed complaints with it set, retrained nightly")
            % {"count": MIN_EXAMPLES}
        )
    when = timezone.localtime(model.trained_at).strftime("%Y-%m-%d %H:%M")
    words = _("The organisation's own, trained %(when)s on %(count)s closed complaints") % {
        "when": when,
        "count": model.examples,
    }
    if model.accuracy is not None:
        words += str(
            _("; held-out accuracy %(percent)s %%") % {"percent": round(100 * model.accuracy)}
        )
    return str(words)


def shipped_model_words() -> str:
    """The problem areas' model (shipped with Kesu, not retrained per organisation)."""
    return str(
        _("Problem areas: the model shipped with Kesu (%(file)s)") % {"file": SHIPPED_MODEL.name}
    )


# ---- On the complaint's timeline ------------------------------------------------------------


def triage_timeline(outcome: dict, organisation_id: int) -> dict:
    """The register entry's "triage" in words: {"kept": [field labels], "changed": [(field
    label, suggested label, chosen label)]}, for the complaint's timeline."""
    values = [v for o in outcome.values() for v in (o.get("suggested"), o.get("chosen"))]
    ids = [int(v) for v in values if isinstance(v, str) and v.isdigit()]
    names: dict[str, dict[str, str]] = {
        "category": {
            str(c.pk): c.label
            for c in Category.objects.filter(organisation_id=organisation_id, pk__in=ids)
        },
        "department": {
            str(d.pk): d.name
            for d in Department.objects.filter(branch__organisation_id=organisation_id, pk__in=ids)
        },
        "cause": {str(k): str(v) for k, v in CauseClass.choices},
        "demand": {str(k): str(v) for k, v in Demand.choices},
        "personality_type": {str(k): str(v) for k, v in PersonalityType.choices},
    }
    names["severity"] = {str(k): str(v) for k, v in Severity.choices}
    labels = {**FORM_FIELDS, "severity": _("Severity")}
    kept, changed = [], []
    for name, o in sorted(outcome.items()):
        if name not in labels or not isinstance(o, dict):
            continue
        label = str(labels[name])
        if o.get("accepted"):
            kept.append(label)
        else:
            shown = names.get(name, {})

            def words(value, shown=shown):
                return shown.get(str(value), str(value)) if value not in ("", None) else "—"

            changed.append((label, words(o.get("suggested")), words(o.get("chosen"))))
    return {"kept": kept, "changed": changed}
