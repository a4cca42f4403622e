"""kesu/audit/keys.py: the MAC key of the audit trail, its derivation and rotation."""

import hashlib
import hmac

from kesu.audit.keys import (
    DERIVATION_LABEL,
    checkpoint_mac,
    checkpoint_mac_verifies,
    current_key,
    entry_mac,
    entry_mac_verifies,
    verification_keys,
)

HASH = "ab" * 32


def test_the_configured_key_is_used_as_it_is(settings):
    settings.KESU_AUDIT_KEY = "audit-key-of-its-own"
    assert current_key() == b"audit-key-of-its-own"


def test_without_a_key_it_is_derived_from_the_secret_key(settings):
    settings.KESU_AUDIT_KEY = ""
    settings.SECRET_KEY = "some-secret"
    derived = hmac.new(b"some-secret", DERIVATION_LABEL, hashlib.sha256).digest()
    assert current_key() == derived
    assert current_key() != b"some-secret"


def test_the_current_key_comes_first_then_the_old_ones_without_blanks(settings):
    settings.KESU_AUDIT_KEY = "new"
    settings.KESU_AUDIT_KEYS_OLD = ["old-1", "", "old-2"]
    assert verification_keys() == [b"new", b"old-1", b"old-2"]


def test_an_entry_mac_verifies_with_its_key_and_not_with_another(settings):
    settings.KESU_AUDIT_KEY = "k1"
    settings.KESU_AUDIT_KEYS_OLD = []
    mac = entry_mac(HASH)
    assert entry_mac_verifies(HASH, mac)
    assert not entry_mac_verifies("cd" * 32, mac)
    assert not entry_mac_verifies(HASH, mac, keys=[b"k2"])


def test_a_retired_key_still_verifies_what_it_signed(settings):
    settings.KESU_AUDIT_KEY = "old"
    mac = entry_mac(HASH)
    settings.KESU_AUDIT_KEY = "new"
    settings.KESU_AUDIT_KEYS_OLD = []
    assert not entry_mac_verifies(HASH, mac)
    settings.KESU_AUDIT_KEYS_OLD = ["old"]
    assert entry_mac_verifies(HASH, mac)


def test_an_entry_mac_cannot_stand_in_for_a_checkpoint_mac(settings):
    settings.KESU_AUDIT_KEY = "k"
    assert entry_mac(HASH) != checkpoint_mac(HASH)
    assert not checkpoint_mac_verifies(HASH, entry_mac(HASH))
    assert checkpoint_mac_verifies(HASH, checkpoint_mac(HASH))


def test_an_explicit_key_is_used_instead_of_the_current_one(settings):
    settings.KESU_AUDIT_KEY = "current"
    assert entry_mac(HASH, key=b"other") != entry_mac(HASH)
    assert entry_mac_verifies(HASH, entry_mac(HASH, key=b"other"), keys=[b"other"])


def test_an_empty_or_missing_mac_never_verifies(settings):
    settings.KESU_AUDIT_KEY = "k"
    assert not entry_mac_verifies(HASH, "")
    assert not entry_mac_verifies(HASH, None)
    assert not checkpoint_mac_verifies(HASH, "")
