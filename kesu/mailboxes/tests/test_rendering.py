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


@pytest.mark.parametrize(
    "body,says,not_says",
    [
        ("{name!r}", "a conversion (!r, !s, !a) is not allowed", "is not a value"),
        ("{name:>10}", "a format after a colon", "is not a value"),
        ("{name.__class__}", "attributes and indexes", "is not a value"),
        ("{title[0]}", "attributes and indexes", "is not a value"),
        ("{recourse}", "is not a value this message offers", "conversion"),
    ],
)
def test_the_error_says_what_is_wrong_with_the_placeholder(body, says, not_says):
    from django.utils import translation

    with translation.override("en"):
        (message,) = template_errors("acknowledgement", {"body": body}).values()
    assert says in message and not_says not in message
    assert body in message
