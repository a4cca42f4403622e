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


# ---- Query-count bounds: the view's own queries ------------------------------------------

# core_ratecounter, in a savepoint, and on PostgreSQL a SET LOCAL). Those statements are the
# same for every request and are tested in kesu/core/tests/test_counters.py; a view's query
# bound is about the view, so pytest-django's two query-count fixtures leave them out here.


def _assert_view_queries(config, num: int, connection=None, info=None, *, exact=True, using=None):
    from contextlib import contextmanager

    from django.db import connection as default_connection
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def counted():
        conn = connection or (connections[using] if using else default_connection)
        with CaptureQueriesContext(conn) as context:
            yield context
            from kesu.core.tests.queries import view_queries

            queries = view_queries(context.captured_queries)
            performed = len(queries)
            if (performed != num) if exact else (performed > num):
                message = f"Expected to perform {num} queries {'' if exact else 'or less '}"
                message += f"but {performed} were done (the rate limits' own left out)"
                if info:
                    message += f"\n{info}"
                if config.getoption("verbose") > 0:
                    message += "\n\nQueries:\n========\n\n" + "\n\n".join(q["sql"] for q in queries)
                pytest.fail(message)

    return counted()


@pytest.fixture
def django_assert_num_queries(pytestconfig):
    from functools import partial

    return partial(_assert_view_queries, pytestconfig)


@pytest.fixture
def django_assert_max_num_queries(pytestconfig):
    from functools import partial

    return partial(_assert_view_queries, pytestconfig, exact=False)
