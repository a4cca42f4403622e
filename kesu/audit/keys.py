"""The key of the audit trail's MACs: held by the application, never stored in the database.

KESU_AUDIT_KEY signs new entries and checkpoints; when unset it is derived from SECRET_KEY with a
fixed label (fine for development; production sets its own). Keys listed in KESU_AUDIT_KEYS_OLD
still verify what they signed, so the key can be rotated without re-signing the trail.
"""

import hashlib
import hmac

from django.conf import settings

# Different labels for entries and checkpoint lines: one can never stand in for the other.
ENTRY_LABEL = b"kesu-audit-entry:"
CHECKPOINT_LABEL = b"kesu-audit-checkpoint:"
DERIVATION_LABEL = b"kesu-audit-mac-key-v1"


def current_key() -> bytes:
    configured = getattr(settings, "KESU_AUDIT_KEY", "")
    if configured:
        return configured.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), DERIVATION_LABEL, hashlib.sha256).digest()


def verification_keys() -> list[bytes]:
    """The current key first, then the retired ones still accepted."""
    return [current_key()] + [k.encode("utf-8") for k in settings.KESU_AUDIT_KEYS_OLD if k]


def _mac(key: bytes, label: bytes, message: str) -> str:
    return hmac.new(key, label + message.encode("utf-8"), hashlib.sha256).hexdigest()


def entry_mac(entry_hash: str, key: bytes | None = None) -> str:
    return _mac(key or current_key(), ENTRY_LABEL, entry_hash)


def checkpoint_mac(canonical_line: str, key: bytes | None = None) -> str:
    return _mac(key or current_key(), CHECKPOINT_LABEL, canonical_line)


def _verifies(label: bytes, message: str, mac: str, keys: list[bytes]) -> bool:
    if not isinstance(mac, str) or not mac:
        return False
    return any(hmac.compare_digest(_mac(key, label, message), mac) for key in keys)


def entry_mac_verifies(entry_hash: str, mac: str, keys: list[bytes] | None = None) -> bool:
    return _verifies(ENTRY_LABEL, entry_hash, mac, keys or verification_keys())


def checkpoint_mac_verifies(canonical_line: str, mac: str, keys: list[bytes] | None = None) -> bool:
    return _verifies(CHECKPOINT_LABEL, canonical_line, mac, keys or verification_keys())
