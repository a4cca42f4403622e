import pytest

from kesu.mailboxes.rendering import render_template, template_errors


def test_placeholders_are_filled_and_doubled_braces_kept():
    text = render_template(
        "acknowledgement", "{name}: {number} {{ok}}", {"name": "王", "number": "KS-1"}
    )
    assert text == "王: KS-1 {ok}"


@pytest.mark.parametrize(
    "body", ["{name.__class__}", "{name!r}", "{name:>30}", "{0}", "{}", "{unknown}", "{name", "}"]
)
def test_a_bad_placeholder_is_an_error_not_a_crash(body):
    errors = template_errors("acknowledgement", {"body": body})
    assert set(errors) == {"body"}


def test_each_kind_offers_its_own_values():
    assert not template_errors("closure", {"body": "{recourse}"})
    assert template_errors("acknowledgement", {"body": "{recourse}"})
    assert not template_errors("survey", {"subject": "{number}", "body": "{url} {until}"})
