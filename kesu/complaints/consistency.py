"""Does each complaint's row say what its timeline says?

The hash chain (services.iter_chain_breaks) proves the audit entries were not edited; it says
nothing about the complaint rows themselves. Someone with database access could set a
complaint's state, owner or compensation with one UPDATE and leave no entry. This module
replays each complaint's timeline — its audit entries in order — into the values the row must
have now, and compares them with the row.

What each entry tells the replay:

- "register" (or "import", a historical complaint from Excel): the fields as registered
  (data["fields"]), the state (data["to"]), the number, the registering user; every field
  only the moves write starts at its model default.
- a move of the procedure (workflow.TRANSITIONS), "update" and "merged_in": data["changes"]
  as {field: [old, new]}, and for a move the state it ended in (data["to"]).
- the entries of the apps above (deadlines, escalations): what their receivers of the
  `entry_replayed` hook (kesu/complaints/hooks.py) apply; sla's are in kesu/sla/replay.py.

A field the timeline does not tell (an entry written before it recorded that field) is not
compared, rather than reported wrongly. Complaints are read in batches of ids and their entries
streamed in (complaint, seq) order, so memory stays flat however many complaints there are.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.audit.row_checks import RowCheck
from kesu.complaints.choices import CloseReason, ComplaintAction, State
from kesu.complaints.hooks import entry_replayed
from kesu.complaints.models import Complaint
from kesu.complaints.services import REGISTER_RECORDED

COMPLAINT_TYPE = Complaint._meta.label_lower
# Row fields no entry records: bookkeeping and search copies derived from the tracked fields.
UNTRACKED = frozenset(
    {"id", "organisation", "search_grams", "search_notes", "created_at", "updated_at"}
)
FIELDS: dict[str, models.Field] = {
    f.name: f for f in Complaint._meta.concrete_fields if f.name not in UNTRACKED
}
# Written by complaint_register itself (recorded in its entry) rather than left at the default:
# the fields its entry records, its number, state and version, and who registered it.
REGISTERED = frozenset({*REGISTER_RECORDED, "number", "state", "version", "registered_by"})
# Entries that bump the complaint's version (every move, an edit; a merge only if it changed
# the survivor).
_CHANGE_ACTIONS = frozenset({ComplaintAction.UPDATE, ComplaintAction.MERGED_IN})
_MISSING = object()
# Entries a timeline starts with: a registration, or an import from Excel (import_jobs.py),
# whose entry records every field the row was given the same way.
_REGISTRATIONS = frozenset({ComplaintAction.REGISTER, ComplaintAction.IMPORT})


@dataclass(frozen=True)
class Mismatch:
    complaint_id: int
    number: str
    field: str  # a Complaint field, or "timeline" when there is no registration to replay
    row_value: Any
    timeline_value: Any

    def __str__(self) -> str:
        """One readable line for an operator (verify_audit prints it)."""
        where = f"complaint {self.number} (id={self.complaint_id})"
        if self.field == "timeline":
            return (
                f"{where}: has no registration in the audit trail "
                "(the row was inserted without the service)"
            )
        return (
            f"{where}: {self.field} is {self.row_value!r} in the row "
            f"but {self.timeline_value!r} in the timeline"
        )


def _moves() -> frozenset[str]:
    from kesu.complaints.workflow import TRANSITIONS  # workflow imports much more than we need

    return frozenset(TRANSITIONS)


def _defaults() -> dict[str, Any]:
    """What a freshly registered complaint has in every field complaint_register does not set."""
    return {
        name: None if f.is_relation else f.get_default()
        for name, f in FIELDS.items()
        if name not in REGISTERED
    }


_DEFAULTS = _defaults()


def _field_name(key: str) -> str | None:
    """The field an entry's key names ("owner" or "owner_id" both mean the owner)."""
    if key in FIELDS:
        return key
    if key.endswith("_id") and key[:-3] in FIELDS and FIELDS[key[:-3]].is_relation:
        return key[:-3]
    return None


def _split_free_text_close_reason(values: dict[str, Any]) -> None:
    """Entries from before close_reason held a code (complaints migration 0011) recorded a
    withdrawal's text there; the row has that text in close_note, under the migration's code."""
    reason = values.get("close_reason")
    if reason and reason not in CloseReason.values:
        values["close_note"] = str(reason).strip()[:500]
        withdrawn = values.get("state") == State.WITHDRAWN
        values["close_reason"] = CloseReason.WITHDRAWN if withdrawn else CloseReason.OTHER


def replay(entries: Iterable[tuple], moves: frozenset[str] | None = None) -> dict[str, Any] | None:
    """The field values a complaint's timeline says it has now, as the entries store them.

    `entries`: (action, actor id, data) in timeline order. Returns None when the timeline has no
    registration. Fields the timeline cannot tell are absent.
    """
    moves = _moves() if moves is None else moves
    values: dict[str, Any] | None = None
    for action, actor_id, data in entries:
        data = data if isinstance(data, dict) else {}
        if action in _REGISTRATIONS:
            values = _registered(data, actor_id)
        elif values is not None:
            _apply(values, action, data, moves)
    return values


def _registered(data: dict, actor_id) -> dict[str, Any]:
    """The values a "register" entry gives; every other field at its default."""
    values = dict(_DEFAULTS)  # the values are never changed in place, only replaced
    fields = data.get("fields") or {}
    for key, value in fields.items():
        name = _field_name(key)
        if name is not None:
            values[name] = value
    if "owner" not in fields:  # registered before the entry recorded it: the registrar
        values["owner"] = actor_id
    entry_replayed(values, ComplaintAction.REGISTER, data)
    values["state"] = data.get("to", Complaint._meta.get_field("state").default)
    if "number" in data:
        values["number"] = data["number"]
    values["registered_by"] = actor_id
    values["version"] = 1
    return values


def _apply(values: dict[str, Any], action: str, data: dict, moves: frozenset[str]) -> None:
    """What one entry after the registration changes in the values."""
    if action in moves or action in _CHANGE_ACTIONS:
        _apply_changes(values, action, data, is_move=action in moves)
    else:
        entry_replayed(values, action, data)


def _apply_changes(values: dict[str, Any], action: str, data: dict, *, is_move: bool) -> None:
    """A move, an edit or a merge: its {field: [old, new]}, the state a move ends in, the
    version it bumps."""
    changes = data.get("changes")
    if isinstance(changes, dict):
        for key, pair in changes.items():
            name = _field_name(key)
            if name is not None and isinstance(pair, list | tuple) and len(pair) == 2:
                values[name] = pair[1]
    if is_move and "to" in data:
        values["state"] = data["to"]
    if isinstance(changes, dict) and "close_reason" in changes:
        _split_free_text_close_reason(values)
    if "version" in values and (action != ComplaintAction.MERGED_IN or changes):
        values["version"] += 1


def normalise(field: models.Field, value: Any) -> Any:
    """A row's or an entry's value as one comparable Python value."""
    if value is None:
        if isinstance(field, models.CharField | models.TextField) and not field.null:
            return ""
        return None
    if isinstance(value, models.Model):
        value = value.pk
    try:
        if field.is_relation or isinstance(field, models.IntegerField):
            return int(value)
        if isinstance(field, models.DateTimeField):
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            if timezone.is_naive(value):
                value = timezone.make_aware(value, timezone.get_default_timezone())
            return value
        if isinstance(field, models.DateField):
            return date.fromisoformat(value) if isinstance(value, str) else value
        if isinstance(field, models.DecimalField):
            return Decimal(str(value))
        if isinstance(field, models.BooleanField):
            return bool(value)
    except (TypeError, ValueError, InvalidOperation):
        return value
    return value


def compare(row: dict[str, Any], timeline: dict[str, Any] | None) -> Iterator[Mismatch]:
    """The fields where a complaint's row (by field name) differs from its replayed timeline."""
    if timeline is None:
        yield Mismatch(row["id"], row["number"], "timeline", "present", None)
        return
    for name, field in FIELDS.items():
        expected = timeline.get(name, _MISSING)
        if expected is _MISSING:
            continue
        actual = row[name]
        # Most values (texts, codes, ids, None) compare as they are; times and amounts are
        # stored as text in an entry and need converting.
        if actual == expected:
            continue
        if normalise(field, actual) != normalise(field, expected):
            yield Mismatch(row["id"], row["number"], name, _plain(actual), expected)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def iter_complaint_mismatches(
    batch_size: int = 2000, entry_chunk: int = 5000, complaints=None
) -> Iterator[Mismatch]:
    """Every field of every complaint whose row differs from its timeline, in id order.

    Complaints are read `batch_size` ids at a time (keyset pagination on the primary key); their
    entries are streamed with complaint_id__in, ordered by complaint and seq, `entry_chunk` rows
    per fetch, so at most one batch of rows is held at once.
    """
    moves = _moves()
    complaints = Complaint.objects.all() if complaints is None else complaints
    columns = {name: f.attname for name, f in FIELDS.items()}
    last_id = 0
    while True:
        batch = list(
            complaints.filter(pk__gt=last_id)
            .order_by("pk")
            .values("id", *columns.values())[:batch_size]
        )
        if not batch:
            return
        last_id = batch[-1]["id"]
        rows = {r["id"]: {"id": r["id"]} | {n: r[a] for n, a in columns.items()} for r in batch}
        entries = (
            AuditEntry.objects.filter(complaint_id__in=list(rows), object_type=COMPLAINT_TYPE)
            .order_by("complaint_id", "seq", "id")
            .values_list("complaint_id", "object_id", "action", "actor_id", "data")
            .iterator(chunk_size=entry_chunk)
        )
        yield from _compare_batch(rows, entries, moves)


def _compare_batch(rows: dict[int, dict], entries, moves) -> Iterator[Mismatch]:
    current, timeline = None, []
    seen = set()
    for complaint_id, object_id, action, actor_id, data in entries:
        if complaint_id != current:
            if current is not None:
                yield from compare(rows[current], replay(timeline, moves))
                seen.add(current)
            current, timeline = complaint_id, []
        if object_id == complaint_id:  # entries about the complaint itself
            timeline.append((action, actor_id, data))
    if current is not None:
        yield from compare(rows[current], replay(timeline, moves))
        seen.add(current)
    for complaint_id in sorted(rows.keys() - seen):
        yield from compare(rows[complaint_id], None)


def _verified() -> str:
    return f"Complaints verified: {Complaint.objects.count()} rows match their timelines."


def _failed(mismatches: int) -> str:
    return f"{mismatches} complaint field(s) differ from what the timeline recorded."


# Registered with the audit trail in ComplaintsConfig.ready(): verify_audit runs it.
COMPLAINT_ROWS = RowCheck(mismatches=iter_complaint_mismatches, verified=_verified, failed=_failed)
