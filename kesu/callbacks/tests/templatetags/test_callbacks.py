"""The pct filter: a ratio shown as a percentage, trailing zeros dropped, a dash for nothing."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from kesu.callbacks.templatetags.callbacks import pct


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (0.1234, 0, "12%"),
        (0.1234, 1, "12.3%"),
        (0.125, 2, "12.5%"),
        (0.5, 1, "50%"),
        (1, 0, "100%"),
        (0, 0, "0%"),
        (Decimal("0.05"), 0, "5%"),
        ("0.25", 0, "25%"),
        (None, 0, "—"),
        ("", 1, "—"),
    ],
)
def test_pct(value, digits, shown):
    assert pct(value, digits) == shown


def test_pct_in_a_template():
    template = Template("{% load callbacks %}{{ rate|pct:1 }} {{ missing|pct }}")
    assert template.render(Context({"rate": 0.6667})) == "66.7% —"
