"""Appending to and verifying the tamper-evident audit trail."""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Max, Min, Model, Value, When
from django.utils import timezone

from kesu.audit.keys import (
    ENTRY_LABEL,
    current_key,
    entry_mac,
    entry_mac_verifies,
    verification_keys,
)
from kesu.audit.models import AuditChain, AuditEntry
from kesu.core.bulk import BulkInserter, JSONText

GENESIS_HASH = "0" * 64
_dump_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
_encode_text = json.JSONEncoder(ensure_ascii=False).encode
# From this many entries at once they are written by BulkInserter rather than bulk_create.
BULK_FROM = 200


_PLAIN = frozenset({str, int, bool, type(None)})
_EXACT: dict[type, Callable[[Any], str]] = {
    datetime: lambda value: value.astimezone(UTC).isoformat(),
    date: date.isoformat,
    Decimal: str,
}


def to_jsonable(value: Any) -> Any:
    """Values as stored in an entry's data: plain JSON types, exact (no floats for money)."""
    kind = type(value)
    if kind in _PLAIN:  # most values (an import records ~45 fields an entry): no isinstance chain
        return value
    if kind is dict:
        return {str(k): v if type(v) in _PLAIN else to_jsonable(v) for k, v in value.items()}
    exact = _EXACT.get(kind)
    if exact is not None:  # a time, date or amount
        return exact(value)
    if isinstance(value, str | int):  # a choice (TextChoices, IntegerChoices): JSON as its value
        return value
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float):
        return str(value)
    return value


def entry_hash(
    *,
    prev_hash: str,
    organisation_id: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int,
    complaint_id: int | None,
    data: dict,
    visibility: str,
    lane: int = 0,
) -> str:
    content = {
        "organisation": organisation_id,
        "seq": seq,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "complaint": complaint_id,
        "data": data,
        "visibility": visibility,
    }
    if lane:
        # Lane 0 holds the entries from before lanes: their hashes stay what they were.
        content["lane"] = lane
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry, prev_hash: str) -> str:
    return entry_hash(
        prev_hash=prev_hash,
        organisation_id=entry.organisation_id,
        seq=entry.seq,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        complaint_id=entry.complaint_id,
        data=entry.data,
        visibility=entry.visibility,
        lane=entry.lane,
    )


# -- lanes --
#
# An organisation's trail is 2 × KESU_AUDIT_LANES independent chains. The entries of a complaint
# are always in lane `complaint_id % KESU_AUDIT_LANES`, so its timeline is one chain and stays in
# order by seq. Other entries (customers, exports) go to lanes from OTHER_LANES_FROM on, taking
# one no other transaction holds (SKIP LOCKED). So a writer waits only for the lane of the
# complaint it writes about, and never for a lane that someone may hold while they wait for
# something else, such as intake creating a customer, then waiting for the complaint counter
# that another intake holds while it appends to its complaint's lane.


OTHER_LANES_FROM = 1000


def lane_count() -> int:
    return min(OTHER_LANES_FROM, max(1, int(settings.KESU_AUDIT_LANES)))


def complaint_lane(complaint_id: int) -> int:
    return complaint_id % lane_count()


def other_lane(object_id: int) -> int:
    return OTHER_LANES_FROM + object_id % lane_count()


def _create_lanes(organisation_id: int, lanes: set[int] | None = None) -> None:
    """Create the organisation's missing lanes, each starting above every existing entry."""
    n = lane_count()
    if lanes is None:
        lanes = {*range(n), *range(OTHER_LANES_FROM, OTHER_LANES_FROM + n)}
    base = (
        AuditChain.objects.filter(organisation_id=organisation_id).aggregate(m=Max("last_seq"))["m"]
        or 0
    )
    AuditChain.objects.bulk_create(
        [
            AuditChain(organisation_id=organisation_id, lane=lane, base_seq=base, last_seq=base)
            for lane in sorted(lanes)
        ],
        ignore_conflicts=True,
    )


def lock_lanes(organisation_id: int, lanes: set[int]) -> dict[int, AuditChain]:
    """The heads of these lanes, locked in ascending order until the transaction ends."""
    query = (
        AuditChain.objects.select_for_update()
        .filter(organisation_id=organisation_id, lane__in=sorted(lanes))
        .order_by("lane")
    )
    chains = {chain.lane: chain for chain in query}
    if len(chains) < len(lanes):
        # The organisation's first entry, more lanes configured, or a lane asked for explicitly.
        _create_lanes(organisation_id)
        _create_lanes(organisation_id, set(lanes) - set(chains))
        chains = {chain.lane: chain for chain in query.all()}
    return chains


def _lock_other_lane(organisation_id: int, object_id: int) -> AuditChain:
    """A lane for entries about no complaint: the object's own if free, else any free one."""
    preferred = other_lane(object_id)
    if not connection.features.has_select_for_update_skip_locked:
        return lock_lanes(organisation_id, {preferred})[preferred]
    candidates = (
        AuditChain.objects.select_for_update(skip_locked=True)
        .filter(organisation_id=organisation_id, lane__gte=OTHER_LANES_FROM)
        .annotate(
            rank=Case(
                When(lane=preferred, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("rank", "lane")
    )
    chain: AuditChain | None = candidates.first()
    if chain is None:
        if not AuditChain.objects.filter(
            organisation_id=organisation_id, lane__gte=OTHER_LANES_FROM
        ).exists():
            _create_lanes(organisation_id)
            chain = candidates.first()
        if chain is None:  # Every one of them held by someone: wait for the object's own.
            chain = lock_lanes(organisation_id, {preferred})[preferred]
    return chain


def audit_record(
    *,
    organisation_id: int,
    actor,
    action: str,
    obj: Model,
    data: dict | None = None,
    complaint_id: int | None = None,
    visibility: str = AuditEntry.Visibility.INTERNAL,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the organisation's trail. Runs inside the caller's transaction."""
    (entry,) = audit_record_many(
        organisation_id=organisation_id,
        items=[
            {
                "actor": actor,
                "action": action,
                "obj": obj,
                "data": data,
                "complaint_id": complaint_id,
                "visibility": visibility,
                "at": at,
            }
        ],
    )
    return entry


def audit_record_many(*, organisation_id: int, items: list[dict]) -> list[AuditEntry]:
    """Append several entries, locking each lane they need once (for sweeps and bulk moves).

    Each item has the keyword arguments of `audit_record` but organisation_id. The entries come
    back in the order of the items.
    """
    if not items:
        return []
    # No savepoint inside a caller's transaction: the locks and the rows commit with its change.
    with transaction.atomic(savepoint=False):
        complaint_lanes = {
            complaint_lane(item["complaint_id"])
            for item in items
            if item.get("complaint_id") is not None
        }
        chains = lock_lanes(organisation_id, complaint_lanes) if complaint_lanes else {}
        others = [item for item in items if item.get("complaint_id") is None]
        other_chain = _lock_other_lane(organisation_id, others[0]["obj"].pk) if others else None
        entries = []
        for item in items:
            complaint_id = item.get("complaint_id")
            chain = other_chain if complaint_id is None else chains[complaint_lane(complaint_id)]
            assert chain is not None  # other_chain is locked whenever an item has no complaint
            obj = item["obj"]
            chain.last_seq += 1
            entry = AuditEntry(
                organisation_id=organisation_id,
                lane=chain.lane,
                seq=chain.last_seq,
                # Microseconds are kept by both databases, so the hash sees what is stored.
                at=item.get("at") or timezone.now(),
                actor_id=getattr(item.get("actor"), "pk", None),
                action=item["action"],
                object_type=obj._meta.label_lower,
                object_id=obj.pk,
                complaint_id=complaint_id,
                data=to_jsonable(item.get("data") or {}),
                visibility=item.get("visibility") or AuditEntry.Visibility.INTERNAL,
                prev_hash=chain.last_hash or GENESIS_HASH,
            )
            entry.hash = _hash_of(entry, entry.prev_hash)
            entry.mac = entry_mac(entry.hash)
            chain.last_hash = entry.hash
            entries.append(entry)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        elif len(entries) < BULK_FROM:
            AuditEntry.objects.bulk_create(entries)
        else:  # an import's thousands of entries: COPY on PostgreSQL (kesu/core/bulk.py)
            BulkInserter(AuditEntry).insert(entries)
        for lane in {entry.lane for entry in entries}:
            used = other_chain if other_chain and other_chain.lane == lane else chains[lane]
            used.save(update_fields=["last_seq", "last_hash"])
        return entries


def _text(value) -> str:
    """A code, id or null of an entry as canonical JSON writes it."""
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return _encode_text(value)


def _canonical(
    *, organisation_id, seq, at_text, actor_id, action, object_type, object_id, complaint_id,
    data_text, visibility, lane,
) -> str:  # fmt: skip
    """What entry_hash hashes, written out with the entry's data given as canonical JSON text
    already: the same characters as json.dumps(content, sort_keys=True, ...) (keys in order)."""
    return (
        f'{{"action":{_text(action)},"actor":{_text(actor_id)},"at":"{at_text}",'
        f'"complaint":{_text(complaint_id)},"data":{data_text},'
        + (f'"lane":{lane},' if lane else "")
        + f'"object_id":{_text(object_id)},"object_type":{_text(object_type)},'
        f'"organisation":{_text(organisation_id)},"seq":{seq},"visibility":{_text(visibility)}}}'
    )


def audit_record_bulk(*, organisation_id: int, items: list[dict], plain: bool = False) -> int:
    """Append an import's thousands of entries: as audit_record_many, but no AuditEntry made.

    Each item gives actor_id, action, object_type, object_id, complaint_id (None: not about a
    complaint) and data of plain JSON values (or values to_jsonable turns into them); at and
    visibility are optional. Each entry's data is written out as JSON once: those characters
    are hashed (the same hash entry_hash gives) and stored. `plain`: the data is what
    to_jsonable would make of it already (the import's), so it is not gone through again.
    Returns how many were appended.
    """
    if not items:
        return 0
    with transaction.atomic(savepoint=False):
        complaint_lanes = {
            complaint_lane(item["complaint_id"])
            for item in items
            if item["complaint_id"] is not None
        }
        chains = lock_lanes(organisation_id, complaint_lanes) if complaint_lanes else {}
        others = [item for item in items if item["complaint_id"] is None]
        other_chain = _lock_other_lane(organisation_id, others[0]["object_id"]) if others else None
        signer = hmac.new(current_key(), ENTRY_LABEL, hashlib.sha256)
        internal = AuditEntry.Visibility.INTERNAL
        inserter = BulkInserter(AuditEntry)
        rows = []
        for item in items:
            complaint_id = item["complaint_id"]
            chain = other_chain if complaint_id is None else chains[complaint_lane(complaint_id)]
            assert chain is not None  # other_chain is locked whenever an item has no complaint
            chain.last_seq += 1
            at = item.get("at") or timezone.now()
            data_text = _dump_canonical(item["data"] if plain else to_jsonable(item["data"]))
            visibility = item.get("visibility") or internal
            prev_hash = chain.last_hash or GENESIS_HASH
            canonical = _canonical(
                organisation_id=organisation_id,
                seq=chain.last_seq,
                at_text=at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                actor_id=item["actor_id"],
                action=item["action"],
                object_type=item["object_type"],
                object_id=item["object_id"],
                complaint_id=complaint_id,
                data_text=data_text,
                visibility=visibility,
                lane=chain.lane,
            )
            digest = hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
            mac = signer.copy()
            mac.update(digest.encode("utf-8"))
            rows.append(
                {
                    "organisation_id": organisation_id,
                    "lane": chain.lane,
                    "seq": chain.last_seq,
                    "at": at,
                    "actor_id": item["actor_id"],
                    "action": item["action"],
                    "object_type": item["object_type"],
                    "object_id": item["object_id"],
                    "complaint_id": complaint_id,
                    "data": JSONText(data_text),
                    "visibility": visibility,
                    "prev_hash": prev_hash,
                    "hash": digest,
                    "mac": mac.hexdigest(),
                }
            )
            chain.last_hash = digest
        inserter.insert_rows(rows)
        used = {row["lane"] for row in rows}
        for chain in [*chains.values(), *([other_chain] if other_chain else [])]:
            if chain.lane in used:
                chain.save(update_fields=["last_seq", "last_hash"])
        return len(rows)


# -- verification --

PROBLEMS = {
    "hash_mismatch": "its content does not match its hash (the row was edited)",
    "link_mismatch": "it does not link to the previous entry's hash (a row was edited or replaced)",
    "missing_entry": "the entry with this sequence number is missing (a row was deleted)",
    "head_mismatch": "the chain ends before its recorded head (rows at the end were deleted)",
    "head_missing": "the lane's head row is gone, so its entries were not checked (a row of "
    "audit_auditchain was deleted)",
    "mac_mismatch": "its MAC does not verify with the audit key (the chain was rebuilt after an "
    "edit, or the row was written without the key)",
    "checkpoint_mismatch": "a signed checkpoint recorded this entry with another hash, or the "
    "chain is now shorter (rows were rewritten or deleted and the head moved back)",
    "checkpoint_bad_mac": "the checkpoint line is unreadable or its MAC does not verify (the "
    "line was forged or edited)",
}


@dataclass(frozen=True)
class ChainBreak:
    organisation_id: int | None
    seq: int | None
    entry_id: int | None
    problem: str  # a key of PROBLEMS
    lane: int = 0
    line: int | None = None  # of the checkpoint file, for checkpoint problems

    def __str__(self) -> str:
        where = f"organisation {self.organisation_id} lane {self.lane}"
        if self.problem == "checkpoint_bad_mac":
            return f"checkpoint line {self.line} does not verify: {PROBLEMS[self.problem]}"
        if self.line is not None:
            return (
                f"{where}: checkpoint line {self.line} (seq={self.seq}) does not match: "
                f"{PROBLEMS[self.problem]}"
            )
        return (
            f"{where}: entry seq={self.seq}"
            + (f" (id={self.entry_id})" if self.entry_id else "")
            + f" does not verify: {PROBLEMS[self.problem]}"
        )


def iter_chain_breaks(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """Walk every lane of every organisation's trail in order and yield the first break of each."""
    keys = verification_keys()
    lanes: dict[int, list[int]] = {}
    for chain in AuditChain.objects.order_by("organisation_id", "lane"):
        lanes.setdefault(chain.organisation_id, []).append(chain.lane)
        brk = _first_break(chain, batch_size, keys)
        if brk is not None:
            yield brk
    # Entries of a lane whose head row is gone would otherwise not be walked at all.
    orphans = [AuditEntry.objects.exclude(organisation_id__in=list(lanes))] + [
        AuditEntry.objects.filter(organisation_id=org_id).exclude(lane__in=org_lanes)
        for org_id, org_lanes in lanes.items()
    ]
    for query in orphans:
        heads = query.values("organisation_id", "lane").annotate(first=Min("seq"))
        for row in heads.order_by("organisation_id", "lane"):
            yield ChainBreak(
                row["organisation_id"], row["first"], None, "head_missing", row["lane"]
            )


def _first_break(chain: AuditChain, batch_size: int, keys: list[bytes]) -> ChainBreak | None:
    org_id, lane = chain.organisation_id, chain.lane
    expected_prev = GENESIS_HASH
    expected_seq = chain.base_seq + 1
    last_seq = chain.base_seq
    while True:
        batch = list(
            AuditEntry.objects.filter(
                organisation_id=org_id, lane=lane, seq__gte=expected_seq
            ).order_by("seq")[:batch_size]
        )
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return ChainBreak(org_id, expected_seq, None, "missing_entry", lane)
            if entry.prev_hash != expected_prev:
                return ChainBreak(org_id, entry.seq, entry.pk, "link_mismatch", lane)
            if _hash_of(entry, entry.prev_hash) != entry.hash:
                return ChainBreak(org_id, entry.seq, entry.pk, "hash_mismatch", lane)
            if not entry_mac_verifies(entry.hash, entry.mac, keys):
                return ChainBreak(org_id, entry.seq, entry.pk, "mac_mismatch", lane)
            expected_prev = entry.hash
            expected_seq += 1
            last_seq = entry.seq
    if last_seq != chain.last_seq or (
        last_seq > chain.base_seq and expected_prev != chain.last_hash
    ):
        return ChainBreak(org_id, last_seq + 1, None, "head_mismatch", lane)
    return None
