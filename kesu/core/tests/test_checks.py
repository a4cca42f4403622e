"""kesu/core/checks.py: `check --deploy` about the address outgoing links start with."""

from kesu.core.checks import public_url_is_set


def test_check_deploy_warns_while_it_is_unset_or_points_at_this_machine(settings):
    settings.KESU_PUBLIC_URL = ""
    assert [w.id for w in public_url_is_set(None)] == ["kesu.W003"]
    settings.KESU_PUBLIC_URL = "kesu.example.com"
    assert [w.id for w in public_url_is_set(None)] == ["kesu.W004"]
    settings.KESU_PUBLIC_URL = "http://127.0.0.1:8000"
    assert [w.id for w in public_url_is_set(None)] == ["kesu.W005"]
    settings.KESU_PUBLIC_URL = "https://kesu.example.com"
    assert public_url_is_set(None) == []
