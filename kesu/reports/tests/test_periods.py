"""Periods of a report: parsed from the address, compared with the right ones."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kesu.reports.periods import last_month, period_from


def test_the_default_is_the_last_complete_month():
    assert last_month(date(2026, 12, 1)).label == "2026-11"
    assert last_month(date(2026, 1, 15)).label == "2025-12"
    assert period_from({}, today=date(2026, 12, 2)).label == "2026-11"


@pytest.mark.parametrize(
    "params,label,start,end,previous,year_before",
    [
        ({"month": "2026-11"}, "2026-11", date(2026, 11, 1), date(2026, 12, 1), "2026-10", "2025-11"),
        ({"month": "2026-3"}, "2026-03", date(2026, 3, 1), date(2026, 4, 1), "2026-02", "2025-03"),
        ({"quarter": "2026-Q1"}, "2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4", "2025-Q1"),
        ({"year": "2026"}, "2026", date(2026, 1, 1), date(2027, 1, 1), "2025", "2025"),
        ({"from": "2026-11-10", "to": "2026-11-19"}, "2026-11-10 – 2026-11-19",
         date(2026, 11, 10), date(2026, 11, 20), "2026-10-31 – 2026-11-09",
         "2025-11-10 – 2025-11-19"),
    ],
)  # fmt: skip
def test_periods_and_what_they_are_compared_with(params, label, start, end, previous, year_before):
    period = period_from(params)
    assert (period.label, period.start, period.end) == (label, start, end)
    assert period.previous().label == previous
    assert period.year_before().label == year_before


@pytest.mark.parametrize(
    "params,field",
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "November"}, "month"),
        ({"quarter": "2026-Q5"}, "quarter"),
        ({"year": "20x6"}, "year"),
        ({"from": "2026-11-10"}, "from"),
        ({"from": "2026-11-10", "to": "2026-11-01"}, "to"),
        ({"from": "2010-01-01", "to": "2026-11-01"}, "to"),
    ],
)
def test_a_period_that_cannot_be_is_refused_by_name(params, field):
    with pytest.raises(ValidationError) as refused:
        period_from(params)
    assert field in refused.value.message_dict
