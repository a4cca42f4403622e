"""The queries a test counts: those of the view, without the rate limits' own statements.

Every API request counts itself against the rate limits (kesu/core/counters.py: an upsert in
core_ratecounter inside a savepoint, and on PostgreSQL a SET LOCAL). Those statements are the
same for every request and tested in kesu/core/tests/test_counters.py; a query bound is about
the view. The root conftest's query-count fixtures use this, and so do the tests that count
with CaptureQueriesContext themselves.
"""

_COUNTER_MARKS = ("core_ratecounter", "synchronous_commit")


def view_queries(captured: list[dict]) -> list[dict]:
    kept = [q for q in captured if not any(mark in q["sql"] for mark in _COUNTER_MARKS)]
    # A savepoint released with nothing left between (the counter's own) is no query of the view.
    result: list[dict] = []
    for query in kept:
        sql = query["sql"]
        if (
            result
            and sql.startswith("RELEASE SAVEPOINT ")
            and result[-1]["sql"] == "SAVEPOINT " + sql.removeprefix("RELEASE SAVEPOINT ")
        ):
            result.pop()
            continue
        result.append(query)
    return result
