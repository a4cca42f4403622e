import pytest
from django.urls import reverse

from kesu.complaints.models import SeverityRule
from kesu.complaints.tests.api.helpers import error_of
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory
from kesu.triage import classifier
from kesu.triage.models import TrainedModel

URL = "/api/v1/triage/"
BODY = {"title": "刹车异响", "account": "刹车时有异响，制动距离变长，再不处理我就发抖音曝光。"}


def store(org, field: str, texts, labels) -> None:
    model = classifier.train(texts, [{label} for label in labels])
    TrainedModel.objects.update_or_create(
        organisation=org,
        field=field,
        defaults={"weights": model.to_bytes(), "examples": len(texts), "trained_at": _now()},
    )


def _now():
    from django.utils import timezone

    return timezone.now()


def test_the_route_is_the_one_the_brief_names():
    assert reverse("api:triage") == URL


def test_answers_problem_areas_severity_and_crisis_without_organisation_models(api):
    response = api().post(URL, BODY)
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == {
        "problem_areas",
        "category",
        "cause",
        "department",
        "demand",
        "upset_level",
        "personality_type",
        "severity",
        "crisis",
    }
    area = data["problem_areas"][0]
    assert area["value"] == "E" and area["label"] == "Brakes"
    assert 0 < area["confidence"] <= 1 and area["evidence"]
    assert data["category"] == data["cause"] == data["department"] == data["demand"] == []
    assert data["severity"]["value"] == "major" and data["severity"]["crisis"] is True
    assert "crisis_threat" in data["severity"]["reasons"]
    assert data["crisis"]["value"] is True
    assert "social" in {kind["value"] for kind in data["crisis"]["kinds"]}
    assert data["crisis"]["kinds"][0]["evidence"]


def test_labels_are_in_the_request_language(api):
    data = api(language="zh-hans").post(URL, BODY).json()
    assert data["severity"]["label"] == "重大"
    assert data["problem_areas"][0]["label"] == "制动"


def test_irrational_only_when_a_rule_says_so(api, world):
    text = {"title": "无理取闹", "account": "客户要求赔偿十万元才肯走。"}
    assert api().post(URL, text).json()["severity"]["value"] != "irrational"
    SeverityRule.objects.create(
        organisation=world.org,
        match=SeverityRule.Match.KEYWORD,
        value="赔偿十万",
        severity="irrational",
        reason_code="excessive_demand",
    )
    severity = api().post(URL, text).json()["severity"]
    assert severity["value"] == "irrational"
    assert severity["reasons"] == ["excessive_demand"]
    assert severity["evidence"] == ["赔偿十万"] and severity["confidence"] == 1.0


def test_the_organisation_models_answer_with_labels(api, world):
    texts = ["发动机异响"] * 5 + ["销售态度差"] * 5
    store(world.org, "cause", texts, ["product_quality"] * 5 + ["service_manner"] * 5)
    sales = world.sales
    store(world.org, "department", texts, [str(world.service.pk)] * 5 + [str(sales.pk)] * 5)
    data = api().post(URL, {"title": "销售", "account": "销售态度差"}).json()
    assert data["cause"][0]["value"] == "service_manner"
    assert data["cause"][0]["label"] == "Staff attitude / service manner"
    assert data["department"][0] == data["department"][0] | {"value": str(sales.pk)}
    assert data["department"][0]["label"] == sales.name


def test_another_organisations_model_never_answers(api, world):
    other = OrganisationFactory()
    texts = ["发动机异响"] * 5 + ["销售态度差"] * 5
    store(other, "cause", texts, ["product_quality"] * 5 + ["service_manner"] * 5)
    assert api().post(URL, BODY).json()["cause"] == []


def test_a_retrained_model_is_picked_up(api, world):
    texts = ["发动机异响"] * 5 + ["销售态度差"] * 5
    store(world.org, "cause", texts, ["product_quality"] * 5 + ["service_manner"] * 5)
    body = {"title": "销售", "account": "销售态度差"}
    assert api().post(URL, body).json()["cause"][0]["value"] == "service_manner"
    store(world.org, "cause", texts, ["process"] * 5 + ["promise_not_kept"] * 5)
    assert api().post(URL, body).json()["cause"][0]["value"] == "promise_not_kept"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"account": "x"}, "title"),
        ({"title": "x", "account": ""}, "account"),
        ({"title": "x" * 201, "account": "x"}, "title"),
        ({"title": "x", "account": "x", "demand": "moon"}, "demand"),
        ({"title": "x", "account": "x", "channel": "pigeon"}, "channel"),
        ({"title": "x", "account": "x", "state": "closed"}, "state"),
    ],
)
def test_bad_input_is_a_400_in_the_error_shape(api, body, field):
    response = api().post(URL, body)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_roles_that_may_not_register_are_refused(api):
    assert api(Role.ADMIN).post(URL, BODY).status_code == 403


def test_signed_out_is_refused():
    from rest_framework.test import APIClient

    assert APIClient().post(URL, BODY, format="json").status_code in (401, 403)


def test_a_request_costs_few_queries(api, world, django_assert_max_num_queries):
    texts = ["发动机异响"] * 5 + ["销售态度差"] * 5
    store(world.org, "cause", texts, ["product_quality"] * 5 + ["service_manner"] * 5)
    client = api()
    client.post(URL, BODY)  # loads the models once
    with django_assert_max_num_queries(8):
        assert client.post(URL, BODY).status_code == 200


def test_registration_takes_the_suggestions_shown(api, world):
    from kesu.audit.models import AuditEntry
    from kesu.customers.tests.factories import CustomerFactory

    customer = CustomerFactory(organisation=world.org)
    body = {
        "customer": customer.pk,
        "channel": "phone",
        "title": "刹车异响",
        "account": "刹车时有异响",
        "demand": "repair",
        "triage": {"demand": "refund"},
    }
    response = api().post("/api/v1/complaints/", body)
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(complaint_id=response.json()["id"], action="register")
    assert entry.data["triage"] == {
        "demand": {"suggested": "refund", "chosen": "repair", "accepted": False}
    }
    body["triage"] = {"colour": "red"}
    response = api().post("/api/v1/complaints/", body)
    assert response.status_code == 400 and "triage" in error_of(response)["fields"]
