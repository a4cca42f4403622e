"""kesu/core/errors.py: the refusals services raise, with a stable code and a message."""

import pytest

from kesu.core.errors import DomainError, InvalidState, NotAllowed, NotFound, StaleVersion


def test_the_defaults_of_a_refusal():
    error = DomainError()
    assert (error.status_code, error.code) == (400, "refused")
    assert error.render() == "The operation was refused."
    assert str(error) == "refused"


def test_a_message_and_a_code_of_its_own():
    error = DomainError("Not today.", code="closed_today")
    assert error.code == "closed_today"
    assert error.render() == "Not today."


def test_params_are_put_into_the_message():
    error = DomainError("Only %(n)s left.", params={"n": 3})
    assert error.render() == "Only 3 left."


def test_a_message_with_a_percent_sign_and_no_params_is_left_alone():
    assert DomainError("100% done").render() == "100% done"


@pytest.mark.parametrize(
    "cls, status, code",
    [
        (NotAllowed, 403, "not_allowed"),
        (NotFound, 404, "not_found"),
        (InvalidState, 409, "invalid_state"),
        (StaleVersion, 409, "stale_version"),
    ],
)
def test_each_kind_has_its_status_and_code(cls, status, code):
    error = cls()
    assert isinstance(error, DomainError)
    assert (error.status_code, error.code) == (status, code)
    assert error.render() == str(cls.default_message)
