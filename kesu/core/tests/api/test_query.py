"""kesu/core/api/query.py: an empty query value under /api/v1/ is a 400, not "no filter"."""

import pytest

from kesu.complaints.tests.api.helpers import error_of

pytestmark = pytest.mark.django_db


def test_an_empty_filter_is_refused_naming_it(world, api):
    world.complaint()
    response = api().get("/api/v1/complaints/?received_before=&state=registered&q=")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "q": ["Give a value, or leave the parameter out."],
        "received_before": ["Give a value, or leave the parameter out."],
    }
    # It read as "no filter": the whole list.
    assert api().get("/api/v1/complaints/?state=registered").status_code == 200


def test_every_list_and_report_refuses_it_in_the_users_language(world, api):
    for url in ("/api/v1/lessons/?month=", "/api/v1/callbacks/measures/?until="):
        response = api(language="zh-hans").get(url)
        assert response.status_code == 400, url
        assert list(error_of(response)["fields"].values()) == [["请给出一个值，或者不带这个参数。"]]


def test_a_repeated_parameter_with_one_empty_value_is_refused(world, api):
    response = api().get("/api/v1/complaints/?state=registered&state=")
    assert error_of(response)["fields"] == {"state": ["Give a value, or leave the parameter out."]}


def test_the_browsable_apis_filter_form_may_leave_fields_empty(world, api):
    response = api().get("/api/v1/complaints/?q=&state=", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_only_the_api_is_concerned(world, client):
    client.force_login(world.user("frontline"))
    assert client.get("/complaints/?q=").status_code == 200


def test_the_schema_says_text_parameters_are_not_empty(world, api):
    schema = api().get("/api/schema/?format=json").json()
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/complaints/"]["get"]["parameters"]
    }
    assert parameters["number"]["minLength"] == 1
    assert parameters["cursor"]["minLength"] == 1
    assert "minLength" not in parameters["page_size"]


def test_a_method_the_address_does_not_have_is_a_405_first(world, api):
    assert api().delete("/api/v1/complaints/?cursor=").status_code == 405
