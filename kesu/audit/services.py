"""Appending to and verifying the tamper-evident audit trail."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from kesu.audit.models import AuditChain, AuditEntry

GENESIS_HASH = "0" * 64


def to_jsonable(value: Any) -> Any:
    """Values as stored in an entry's data: plain JSON types, exact (no floats for money)."""
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
    )


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
    """Append one entry to the organisation's chain. Runs inside the caller's transaction."""
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
    """Append several entries under one lock of the chain (for sweeps and bulk moves).

    Each item has the keyword arguments of `audit_record` but organisation_id.
    """
    if not items:
        return []
    # No savepoint inside a caller's transaction: the lock and the rows commit with its change.
    with transaction.atomic(savepoint=False):
        chain = (
            AuditChain.objects.select_for_update().filter(organisation_id=organisation_id).first()
        )
        if chain is None:
            AuditChain.objects.get_or_create(organisation_id=organisation_id)
            chain = AuditChain.objects.select_for_update().get(organisation_id=organisation_id)
        entries = []
        prev_hash, seq = chain.last_hash or GENESIS_HASH, chain.last_seq
        for item in items:
            seq += 1
            obj = item["obj"]
            entry = AuditEntry(
                organisation_id=organisation_id,
                seq=seq,
                # Microseconds are kept by both databases, so the hash sees what is stored.
                at=item.get("at") or timezone.now(),
                actor_id=getattr(item.get("actor"), "pk", None),
                action=item["action"],
                object_type=obj._meta.label_lower,
                object_id=obj.pk,
                complaint_id=item.get("complaint_id"),
                data=to_jsonable(item.get("data") or {}),
                visibility=item.get("visibility") or AuditEntry.Visibility.INTERNAL,
                prev_hash=prev_hash,
            )
            entry.hash = _hash_of(entry, entry.prev_hash)
            prev_hash = entry.hash
            entries.append(entry)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries)
        chain.last_seq, chain.last_hash = seq, prev_hash
        chain.save(update_fields=["last_seq", "last_hash"])
        return entries


@dataclass(frozen=True)
class ChainBreak:
    organisation_id: int
    seq: int
    entry_id: int | None
    problem: str  # "hash_mismatch", "link_mismatch", "missing_entry", "head_mismatch"


def iter_chain_breaks(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """Walk every organisation's chain in order and yield the first break of each."""
    for chain in AuditChain.objects.order_by("organisation_id"):
        brk = _first_break(chain, batch_size)
        if brk is not None:
            yield brk


def _first_break(chain: AuditChain, batch_size: int) -> ChainBreak | None:
    org_id = chain.organisation_id
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(organisation_id=org_id, seq__gte=expected_seq).order_by(
                "seq"
            )[:batch_size]
        )
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return ChainBreak(org_id, expected_seq, None, "missing_entry")
            if entry.prev_hash != expected_prev:
                return ChainBreak(org_id, entry.seq, entry.pk, "link_mismatch")
            if _hash_of(entry, entry.prev_hash) != entry.hash:
                return ChainBreak(org_id, entry.seq, entry.pk, "hash_mismatch")
            expected_prev = entry.hash
            expected_seq += 1
            last_seq = entry.seq
    if last_seq != chain.last_seq or (last_seq and expected_prev != chain.last_hash):
        return ChainBreak(org_id, last_seq + 1, None, "head_mismatch")
    return None
