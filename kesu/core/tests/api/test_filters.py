import pytest
from django import forms

from kesu.core.api.filters import StrictBooleanField


@pytest.mark.parametrize(
    ("given", "read"), [("true", True), ("false", False), ("True", True), ("0", False), ("", None)]
)
def test_true_and_false_are_read(given, read):
    assert StrictBooleanField(required=False).clean(given) is read


@pytest.mark.parametrize("given", ["null", "maybe", "2"])
def test_anything_else_is_refused_not_ignored(given):
    with pytest.raises(forms.ValidationError) as refused:
        StrictBooleanField(required=False).clean(given)
    assert refused.value.code == "invalid"


def test_the_complaint_list_refuses_a_boolean_it_cannot_read(world, client):
    client.force_login(world.user("director"))
    response = client.get("/api/v1/complaints/?merged=null", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"merged": ["Give true or false."]}
