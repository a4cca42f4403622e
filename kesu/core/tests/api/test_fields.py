"""kesu/core/api/fields.py: scoped references, masked contact data, bounded dates, strict input."""

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from kesu.core.api.fields import (
    MAX_ID,
    BoundedDateField,
    BoundedDateTimeField,
    ScopedPrimaryKeyRelatedField,
    StrictInputMixin,
    mask_email,
    masked_email,
    masked_phone,
)
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch
from kesu.organisation.tests.factories import BranchFactory


def _context(user):
    request = APIRequestFactory().get("/")
    request.user = user
    return {"request": request}


class BranchPick(serializers.Serializer):
    branch = ScopedPrimaryKeyRelatedField(
        scope=lambda user: Branch.objects.filter(organisation=user.organisation)
    )


@pytest.mark.django_db
def test_a_branch_of_the_users_organisation_is_found(world):
    serializer = BranchPick(data={"branch": world.branch.pk}, context=_context(world.user("admin")))
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["branch"] == world.branch


@pytest.mark.django_db
def test_a_branch_outside_the_scope_does_not_exist(world):
    foreign = BranchFactory()
    serializer = BranchPick(data={"branch": foreign.pk}, context=_context(world.user("admin")))
    assert not serializer.is_valid()
    assert "Choose from the list" in str(serializer.errors["branch"][0])


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, -1, MAX_ID + 1])
def test_ids_out_of_range_do_not_exist(world, value):
    serializer = BranchPick(data={"branch": value}, context=_context(world.user("admin")))
    assert not serializer.is_valid()
    assert serializer.errors["branch"][0].code == "does_not_exist"


@pytest.mark.django_db
@pytest.mark.parametrize("value", [True, "abc", 1.5, None, [1]])
def test_what_is_not_a_whole_number_is_refused_as_such(world, value):
    serializer = BranchPick(data={"branch": value}, context=_context(world.user("admin")))
    assert not serializer.is_valid()
    assert serializer.errors["branch"][0].code in {"incorrect_type", "null"}


@pytest.mark.django_db
def test_a_whole_float_and_a_numeric_string_are_taken(world):
    for value in (float(world.branch.pk), str(world.branch.pk)):
        serializer = BranchPick(data={"branch": value}, context=_context(world.user("admin")))
        assert serializer.is_valid(), serializer.errors


class Contact(serializers.Serializer):
    phone = masked_phone(source="*")
    email = masked_email(source="*")

    def to_representation(self, instance):
        return {
            "phone": self.fields["phone"].to_representation(instance["phone"]),
            "email": self.fields["email"].to_representation(instance["email"]),
        }


@pytest.mark.django_db
def test_contact_data_in_full_for_roles_that_call_customers_masked_for_others(world):
    row = {"phone": "+8613812345678", "email": "wang@example.cn"}
    full = Contact(row, context=_context(world.user(Role.FRONTLINE))).data
    assert full == row
    masked = Contact(row, context=_context(world.user(Role.HANDLER))).data
    assert masked == {"phone": "138****5678", "email": "w**g@example.cn"}


def test_contact_data_is_masked_without_a_request():
    assert Contact({"phone": "+8613812345678", "email": ""}).data["phone"] == "138****5678"


def test_mask_email():
    assert mask_email("") == ""
    assert mask_email("li@example.cn") == "**@example.cn"
    assert mask_email("nodomain") == "n******n"


class Dates(serializers.Serializer):
    at = BoundedDateTimeField(required=False)
    day = BoundedDateField(required=False)


@pytest.mark.parametrize(
    "data, ok",
    [
        ({"at": "2000-01-01T00:00:00Z"}, True),
        ({"at": "2100-12-31T12:00:00Z"}, True),
        ({"at": "1999-12-31T12:00:00Z"}, False),
        ({"at": "2101-01-01T12:00:00Z"}, False),
        ({"day": "1900-01-01"}, True),
        ({"day": "1899-12-31"}, False),
        ({"day": "2101-01-01"}, False),
    ],
)
def test_dates_within_the_years_the_business_can_mean(data, ok):
    serializer = Dates(data=data)
    assert serializer.is_valid() is ok
    if not ok:
        (field,) = data
        message = str(serializer.errors[field][0])
        assert "Give a date between the years" in message
        assert "{" not in message and "%(" not in message  # the years filled in
        with translation.override("zh-hans"):
            chinese = Dates(data=data)
            chinese.is_valid()
            zh = str(chinese.errors[field][0])
        assert "年至" in zh and "{" not in zh and "%(" not in zh


class Strict(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField()
    state = serializers.CharField(read_only=True)


def test_unknown_and_read_only_fields_are_refused_by_name():
    serializer = Strict(data={"title": "x", "state": "closed", "colour": "red"})
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"colour", "state"}


def test_the_csrf_token_of_html_forms_is_ignored():
    serializer = Strict(data={"title": "x", "csrfmiddlewaretoken": "abc"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"title": "x"}
