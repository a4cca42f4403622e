"""Rows checked against their timelines: what verify_audit asks the apps above audit.

The hash chain proves the audit entries were not edited; whether another app's rows still say
what their entries say only that app can tell (kesu/complaints/consistency.py for complaints),
and audit may not import it. So each such app registers a `RowCheck` in its AppConfig.ready();
verify_audit runs them in registration order, before it verifies the chain.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RowCheck:
    # The rows that differ from their timelines, each printed with str().
    mismatches: Callable[[], Iterable[object]]
    # The line printed when there is none.
    verified: Callable[[], str]
    # The command's error for this many mismatches.
    failed: Callable[[int], str]


row_checks: list[RowCheck] = []


def register_row_check(check: RowCheck) -> None:
    if check not in row_checks:
        row_checks.append(check)
