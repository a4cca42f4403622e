import pytest


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KESU_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    settings.LANGUAGE_CODE = "en"
    # Reports are worked out afresh: a test changes the data between two looks at a report.
    settings.KESU_REPORT_CACHE_SECONDS = 0
    # Rate-limit counters (and anything else cached) must not leak from one test to the next.
    from django.core.cache import cache

    cache.clear()
    # Rolled-back rows give their ids to the next test's rows, and frozen clocks their stamps.
    from kesu.sla.services import _built_calendars

    _built_calendars.clear()
