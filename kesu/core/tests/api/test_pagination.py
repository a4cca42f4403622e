"""kesu/core/api/pagination.py: page sizes from 1 to the maximum, refused otherwise."""

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from kesu.core.api.pagination import (
    ByUsernamePagination,
    KesuCursorPagination,
    OldestFirstPagination,
)

factory = APIRequestFactory()


def _size(pagination, query=""):
    return pagination.get_page_size(Request(factory.get("/" + query)))


def test_no_page_size_is_the_default():
    assert _size(KesuCursorPagination()) == 25
    assert _size(OldestFirstPagination()) == 100
    assert _size(ByUsernamePagination()) == 50


@pytest.mark.parametrize("value", ["1", "200"])
def test_a_size_within_bounds_is_taken(value):
    assert _size(KesuCursorPagination(), f"?page_size={value}") == int(value)


# Empty too: the schema says a whole number, so `?page_size=` is refused, not read as none.
@pytest.mark.parametrize("value", ["0", "201", "-3", "ten", "2.5", ""])
def test_a_size_out_of_bounds_is_a_400_not_a_silent_replacement(value):
    with pytest.raises(serializers.ValidationError) as caught:
        _size(KesuCursorPagination(), f"?page_size={value}")
    assert "page_size" in caught.value.detail


def test_timelines_allow_bigger_pages():
    assert _size(OldestFirstPagination(), "?page_size=500") == 500
    with pytest.raises(serializers.ValidationError):
        _size(OldestFirstPagination(), "?page_size=501")


def test_the_orderings():
    assert KesuCursorPagination.ordering == "-id"
    assert OldestFirstPagination.ordering == "seq"
    assert ByUsernamePagination.ordering == "username"


def test_the_schema_states_the_bounds_of_the_page_size():
    parameters = KesuCursorPagination().get_schema_operation_parameters(view=None)
    (size,) = [p for p in parameters if p["name"] == "page_size"]
    assert size["schema"]["minimum"] == 1
    assert size["schema"]["maximum"] == 200
