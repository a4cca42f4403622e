"""Training the organisation's own triage models from its closed complaints (issue 13, item 3).

Each field (category, cause class, handling department, demand, how upset the customer is,
personality type) gets a classifier
(kesu/triage/classifier.py) from the title and account of the organisation's newest closed
complaints, once it has MIN_EXAMPLES of them with that field set and at least two values.
A held-out fifth (every fifth complaint) measures the accuracy of the best suggestion; the
stored model is then trained on all of them. `manage.py train_triage --organisation CODE`
and the worker's nightly job (kesu/web/jobs.py) call this.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import ComplaintAction, State
from kesu.complaints.models import Complaint
from kesu.complaints.services import TRIAGE_FIELDS
from kesu.organisation.models import Organisation
from kesu.triage import classifier
from kesu.triage.models import TrainedModel

MIN_EXAMPLES = 200
NEWEST = 20_000  # the newest closed complaints read: enough to learn, bounded in time
HELD_OUT_EVERY = 5  # every fifth complaint measures the model (20 %)
# A model younger than this is not retrained by the nightly job (a second run the same night
# trains nothing).
FRESH = timedelta(hours=20)

FIELDS = {
    TrainedModel.Field.CATEGORY: "category_id",
    TrainedModel.Field.CAUSE: "cause",
    TrainedModel.Field.DEPARTMENT: "department_id",
    TrainedModel.Field.DEMAND: "demand",
    TrainedModel.Field.UPSET_LEVEL: "upset_level",
    TrainedModel.Field.PERSONALITY_TYPE: "personality_type",
}


@dataclass(frozen=True)
class Trained:
    field: str
    examples: int
    classes: int
    accuracy: float | None
    skipped: str = ""  # why the field was not trained, or ""


def training_rows(organisation_id: int, newest: int = NEWEST) -> list[tuple]:
    """(text, *the FIELDS' values) of the newest closed complaints."""
    rows = (
        Complaint.objects.filter(organisation_id=organisation_id, state=State.CLOSED)
        .order_by("-closed_at", "-id")
        .values_list("title", "account", *FIELDS.values())[:newest]
    )
    return [(f"{title}\n{account}", *values) for title, account, *values in rows]


def train_organisation(organisation_id: int, *, now: datetime | None = None) -> list[Trained]:
    """Train and store every field that has enough examples; returns what happened to each."""
    now = now or timezone.now()
    rows = training_rows(organisation_id)
    results = []
    for position, field in enumerate(FIELDS, start=1):
        examples = [(row[0], str(row[position])) for row in rows if row[position] not in ("", None)]
        classes = len({label for _, label in examples})
        if len(examples) < MIN_EXAMPLES or classes < 2:
            why = "too few examples" if len(examples) < MIN_EXAMPLES else "only one value"
            results.append(Trained(field, len(examples), classes, None, why))
            continue
        accuracy = held_out_accuracy(examples)
        model = classifier.train([text for text, _ in examples], [{label} for _, label in examples])
        with transaction.atomic():
            TrainedModel.objects.update_or_create(
                organisation_id=organisation_id,
                field=field,
                defaults={
                    "weights": model.to_bytes(),
                    "examples": len(examples),
                    "accuracy": accuracy,
                    "metrics": {"classes": classes, "held_out": len(examples) // HELD_OUT_EVERY},
                    "trained_at": now,
                },
            )
        results.append(Trained(field, len(examples), classes, accuracy))
    return results


def held_out_accuracy(examples: list[tuple[str, str]]) -> float | None:
    """How often the best suggestion is right on every fifth example, trained on the rest."""
    train = [e for i, e in enumerate(examples) if i % HELD_OUT_EVERY]
    test = [e for i, e in enumerate(examples) if not i % HELD_OUT_EVERY]
    if len({label for _, label in train}) < 2 or not test:
        return None
    model = classifier.train([text for text, _ in train], [{label} for _, label in train])
    right = 0
    for text, label in test:
        best = model.predict(text, evidence=0)
        right += bool(best) and best[0].label == label
    return round(right / len(test), 3)


def acceptance(
    organisation_id: int,
    newest: int = NEWEST,
    *,
    since: datetime | None = None,
    branch_id: int | None = None,
) -> dict[str, dict[str, int]]:
    """How often staff kept the suggestion shown, per field: {field: {"shown": n, "accepted":
    m}} from the register entries' "triage" (services.py), fields never shown left out.

    Over the newest `newest` registrations, or with `since` over every complaint received
    since then (the organisation's received-at index); `branch_id` keeps one branch's. The
    counting is one aggregate query in the database (the entries found by the audit trail's
    complaint index), so a period of a hundred thousand complaints sends no rows to Python."""
    complaints = Complaint.objects.filter(organisation_id=organisation_id)
    if branch_id is not None:
        complaints = complaints.filter(branch_id=branch_id)
    if since is not None:
        ids = complaints.filter(received_at__gte=since).values("id")
    else:
        ids = complaints.order_by("-id").values("id")[:newest]
    totals = AuditEntry.objects.filter(
        complaint_id__in=ids, action=ComplaintAction.REGISTER
    ).aggregate(**_acceptance_counts())
    counts = {
        field: {"shown": totals[f"{field}_shown"] or 0, "accepted": totals[f"{field}_kept"] or 0}
        for field in TRIAGE_FIELDS
    }
    return {field: tally for field, tally in sorted(counts.items()) if tally["shown"]}


def _acceptance_counts() -> dict:
    counts = {}
    for field in TRIAGE_FIELDS:
        counts[f"{field}_shown"] = Count("pk", filter=Q(data__triage__has_key=field))
        counts[f"{field}_kept"] = Count(
            "pk", filter=Q(**{f"data__triage__{field}__accepted": True})
        )
    return counts


def retrain_due_organisations(now: datetime | None = None) -> int:
    """The nightly job: every organisation whose models are older than FRESH (or missing)
    and that has closed complaints; returns how many were trained (0 when run again)."""
    now = now or timezone.now()
    trained = 0
    for organisation_id in Organisation.objects.order_by("pk").values_list("pk", flat=True):
        latest = (
            TrainedModel.objects.filter(organisation_id=organisation_id)
            .order_by("-trained_at")
            .values_list("trained_at", flat=True)
            .first()
        )
        if latest is not None and now - latest < FRESH:
            continue
        closed = Complaint.objects.filter(organisation_id=organisation_id, state=State.CLOSED)
        if closed[:MIN_EXAMPLES].count() < MIN_EXAMPLES:
            continue
        if any(not r.skipped for r in train_organisation(organisation_id, now=now)):
            trained += 1
    return trained
