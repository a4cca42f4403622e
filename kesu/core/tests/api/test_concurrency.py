"""kesu/core/api/concurrency.py: the version a client claims to have read, and the refusals."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from kesu.core.api.concurrency import (
    PreconditionFailed,
    PreconditionRequired,
    etag_for,
    expected_version,
    parse_if_match,
    stale_version_status,
)
from kesu.core.errors import StaleVersion

factory = APIRequestFactory()


def _request(if_match=None):
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    return factory.patch("/", **headers)


def test_the_etag_is_the_version_in_quotes():
    assert etag_for(3) == '"3"'
    assert parse_if_match(etag_for(42)) == 42


@pytest.mark.parametrize("header, version", [('"3"', 3), (" 7 ", 7), (' "12" ', 12)])
def test_if_match_is_read_quoted_or_bare(header, version):
    assert parse_if_match(header) == version


@pytest.mark.parametrize("header", ["", 'W/"3"', '"abc"', '"1234567890"', '"3", "4"'])
def test_an_if_match_that_is_no_version_is_a_field_error(header):
    with pytest.raises(serializers.ValidationError) as caught:
        parse_if_match(header)
    assert "If-Match" in caught.value.detail


def test_the_header_wins_and_is_said_to_come_from_the_header():
    assert expected_version(_request('"5"'), None, required=True) == (5, True)
    assert expected_version(_request('"5"'), 5, required=True) == (5, True)


def test_a_body_version_differing_from_the_header_is_refused():
    with pytest.raises(serializers.ValidationError) as caught:
        expected_version(_request('"5"'), 4, required=True)
    assert "version" in caught.value.detail


def test_the_body_version_is_used_without_a_header_or_with_a_star():
    assert expected_version(_request(), 4, required=True) == (4, False)
    assert expected_version(_request("*"), 4, required=True) == (4, False)


def test_no_version_at_all_is_428_when_required_and_none_otherwise():
    with pytest.raises(PreconditionRequired) as caught:
        expected_version(_request(), None, required=True)
    assert caught.value.status_code == 428
    assert expected_version(_request(), None, required=False) == (None, False)
    assert expected_version(_request("*"), None, required=False) == (None, False)


def test_a_stale_if_match_becomes_412_with_the_same_message():
    with pytest.raises(PreconditionFailed) as caught, stale_version_status(from_header=True):
        raise StaleVersion(params={"x": 1})
    assert caught.value.status_code == 412
    assert caught.value.code == "precondition_failed"
    assert caught.value.params == {"x": 1}
    assert str(caught.value.message) == str(StaleVersion.default_message)


def test_a_stale_body_version_stays_409():
    with pytest.raises(StaleVersion) as caught, stale_version_status(from_header=False):
        raise StaleVersion()
    assert caught.value.status_code == 409


def test_other_errors_pass_through_unchanged():
    with pytest.raises(KeyError), stale_version_status(from_header=True):
        raise KeyError("x")
