"""kesu/audit/checks.py: `check --deploy` asks for an audit key of the trail's own."""

from kesu.audit.checks import audit_key_is_set


def test_no_audit_key_is_warned_about(settings):
    settings.KESU_AUDIT_KEY = ""
    assert [w.id for w in audit_key_is_set(None)] == ["kesu.W001"]


def test_the_secret_key_reused_as_the_audit_key_is_warned_about(settings):
    settings.SECRET_KEY = settings.KESU_AUDIT_KEY = "one-key-for-everything-" * 3
    assert [w.id for w in audit_key_is_set(None)] == ["kesu.W002"]


def test_a_key_of_its_own_is_quiet(settings):
    settings.SECRET_KEY = "the-session-key-" * 4
    settings.KESU_AUDIT_KEY = "the-audit-key-" * 4
    assert audit_key_is_set(None) == []
