"""Signed checkpoints of the audit trail's heads, appended to a file outside the database.

Every few minutes each lane's head (organisation, lane, seq, hash) is written as one JSON line
with a MAC. Someone who can change the database but not that file (kept on another disk or host)
cannot delete the newest entries and move the head back, nor rebuild the chain, without a
checkpoint no longer matching. Lines are only ever appended.
"""

import fcntl
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from kesu.audit.keys import checkpoint_mac, checkpoint_mac_verifies, verification_keys
from kesu.audit.models import AuditChain, AuditEntry
from kesu.audit.services import ChainBreak

FIELDS = ("org", "lane", "seq", "hash", "at")


def checkpoint_path() -> Path:
    return Path(settings.KESU_AUDIT_CHECKPOINT_FILE)


def _canonical(record: dict) -> str:
    return json.dumps(
        {name: record[name] for name in FIELDS}, sort_keys=True, separators=(",", ":")
    )


def write_checkpoint(path: Path | None = None) -> int:
    """Append one signed line per non-empty lane head; returns the number of lines written."""
    path = Path(path or checkpoint_path())
    at = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # One query: the heads as one consistent snapshot, each committed with its entries.
    heads = AuditChain.objects.filter(last_seq__gt=0).order_by("organisation_id", "lane")
    lines = []
    for head in heads.values_list("organisation_id", "lane", "base_seq", "last_seq", "last_hash"):
        org, lane, base, seq, digest = head
        if seq <= base:
            continue  # a lane with no entry yet
        record = {"org": org, "lane": lane, "seq": seq, "hash": digest, "at": at}
        record["mac"] = checkpoint_mac(_canonical(record))
        lines.append(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
    if not lines:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # several workers may checkpoint at once
        os.write(fd, "".join(lines).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return len(lines)


def read_checkpoints(path: Path) -> tuple[dict[tuple[int, int], dict[int, tuple]], list[int]]:
    """The verified lines by (org, lane) and seq → (hash, line number); the bad lines' numbers."""
    keys = verification_keys()
    heads: dict[tuple[int, int], dict[int, tuple]] = defaultdict(dict)
    bad = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                canonical = _canonical(record)
                ok = checkpoint_mac_verifies(canonical, record.get("mac"), keys)
                key = (int(record["org"]), int(record["lane"]))
                seq, digest = int(record["seq"]), str(record["hash"])
            except (ValueError, TypeError, KeyError, AttributeError):
                ok = False
            if not ok:
                bad.append(number)
                continue
            # The first line that recorded this seq is kept: a later one must agree anyway.
            heads[key].setdefault(seq, (digest, number))
    return heads, bad


def iter_checkpoint_breaks(path: Path | None = None, chunk: int = 1000) -> Iterator[ChainBreak]:
    """Bad checkpoint lines, and per lane the first checkpoint the trail no longer matches."""
    path = Path(path or checkpoint_path())
    if not path.exists():
        return
    heads, bad = read_checkpoints(path)
    for number in bad:
        yield ChainBreak(None, None, None, "checkpoint_bad_mac", line=number)
    for (org, lane), recorded in sorted(heads.items()):
        seqs = sorted(recorded)
        stored: dict[int, str] = {}
        for start in range(0, len(seqs), chunk):
            stored.update(
                AuditEntry.objects.filter(
                    organisation_id=org, lane=lane, seq__in=seqs[start : start + chunk]
                ).values_list("seq", "hash")
            )
        head = AuditChain.objects.filter(organisation_id=org, lane=lane).first()
        for seq in seqs:
            digest, number = recorded[seq]
            if stored.get(seq) != digest or head is None or head.last_seq < seq:
                yield ChainBreak(org, seq, None, "checkpoint_mismatch", lane, line=number)
                break
