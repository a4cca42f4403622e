"""Registering, reading and editing complaints: idempotent intake, optimistic concurrency."""

import threading

import pytest
from django.db import connection

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Complaint
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role


@pytest.fixture
def customer(world):
    return CustomerFactory(organisation=world.org)


def _intake(customer, **extra):
    return {
        "customer": customer.pk,
        "channel": "phone",
        "title": "保养后异响",
        "account": "做完保养冷车启动有哒哒声。",
        "demand": "repair",
        **extra,
    }


# ---- create ----------------------------------------------------------------------------------


def test_create_returns_201_location_etag_and_labels(world, api, customer):
    category = world.org.categories.get(code="vehicle.engine")
    response = api().post("/api/v1/complaints/", _intake(customer, category=category.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get(pk=body["id"])
    assert response["Location"] == f"/api/v1/complaints/{complaint.pk}/"
    assert response["ETag"] == '"1"'
    assert body["number"] == complaint.number
    assert body["state"] == "registered"
    assert body["state_display"] == "Registered"
    assert body["channel_display"] == "Hotline / phone"
    assert body["category"]["path"] == "vehicle/vehicle.engine"
    assert body["cause"] == "product_quality"  # from the category's default
    assert body["owner"]["id"] == world.user(Role.FRONTLINE).pk
    assert {t["name"] for t in body["transitions"]} >= {"confirm", "hand_over", "withdraw"}


def test_create_validation_errors_are_structured(api, customer):
    response = api().post(
        "/api/v1/complaints/",
        {"customer": customer.pk, "channel": "pigeon", "upset_level": 9},
        format="json",
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"channel", "title", "account", "upset_level"}
    assert Complaint.objects.count() == 0


def test_create_refuses_unknown_fields(api, customer):
    response = api().post("/api/v1/complaints/", _intake(customer, state="closed"), format="json")
    assert response.status_code == 400
    assert "state" in error_of(response)["fields"]


def test_create_refuses_another_customers_purchase(world, api, customer):
    other = PurchaseFactory(customer=CustomerFactory(organisation=world.org))
    response = api().post("/api/v1/complaints/", _intake(customer, purchase=other.pk))
    assert response.status_code == 400
    assert "purchase" in error_of(response)["fields"]


def test_severity_rule_and_override_reason(api, customer):
    response = api().post(
        "/api/v1/complaints/", _intake(customer, account="仪表台冒烟后起火", severity="general")
    )
    assert response.status_code == 400
    assert "severity_override_reason" in error_of(response)["fields"]
    response = api().post("/api/v1/complaints/", _intake(customer, account="仪表台冒烟后起火"))
    assert response.status_code == 201
    assert response.json()["severity"] == "major"
    assert response.json()["is_crisis"] is True


def test_admin_may_not_register(api, customer):
    response = api(Role.ADMIN).post("/api/v1/complaints/", _intake(customer))
    assert response.status_code == 403
    assert error_of(response)["code"] == "role_not_allowed"


def test_received_in_the_future_is_refused(api, customer):
    response = api().post(
        "/api/v1/complaints/", _intake(customer, received_at="2099-01-01T08:00:00+08:00")
    )
    assert response.status_code == 400
    assert "received_at" in error_of(response)["fields"]


# ---- idempotency -----------------------------------------------------------------------------


def test_retries_with_one_key_create_one_complaint(world, api, customer):
    client = api()
    first = client.post("/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    for _ in range(3):
        again = client.post("/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="key-1")
        assert again.status_code == 200
        assert again["Idempotent-Replayed"] == "true"
        assert again.json()["id"] == first.json()["id"]
        assert again.json()["number"] == first.json()["number"]
    assert Complaint.objects.filter(customer=customer).count() == 1
    assert AuditEntry.objects.filter(action="register").count() == 1
    # Another key is another complaint; the same key of another user is theirs alone.
    other = client.post("/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="key-2")
    assert other.status_code == 201
    colleague = api(Role.CALLBACK).post(
        "/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="key-1"
    )
    assert colleague.status_code == 201
    assert Complaint.objects.filter(customer=customer).count() == 3


def test_without_a_key_each_post_creates(api, customer):
    client = api()
    client.post("/api/v1/complaints/", _intake(customer))
    client.post("/api/v1/complaints/", _intake(customer))
    assert Complaint.objects.filter(customer=customer).count() == 2


def test_an_overlong_key_is_refused(api, customer):
    response = api().post("/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert "Idempotency-Key" in error_of(response)["fields"]
    assert Complaint.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_complaint(world, api, customer):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    threads_n = 6
    barrier = threading.Barrier(threads_n)
    results: list = []
    errors: list = []

    def post():
        from django.db import connections

        try:
            client = api()
            barrier.wait(timeout=10)
            response = client.post(
                "/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="race-1"
            )
            results.append((response.status_code, response.json()["id"]))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == threads_n
    assert sorted(code for code, _ in results) == [200] * (threads_n - 1) + [201]
    assert len({pk for _, pk in results}) == 1
    assert Complaint.objects.filter(customer=customer).count() == 1


# ---- read ------------------------------------------------------------------------------------


def test_detail_carries_etag_and_version(world, api):
    complaint = world.complaint()
    response = api().get(complaint_url(complaint))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1
    assert response.json()["account"] == complaint.account
    assert response.json()["recourse"] == []  # open: nothing to tell yet


def test_a_closed_complaint_tells_where_the_customer_may_still_turn(world, api):
    from kesu.complaints.tests.helpers import closed_complaint

    complaint = closed_complaint(world)
    recourse = (
        api().get(complaint_url(complaint), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["recourse"]
    )
    assert recourse[0] == {
        "code": "market_regulator",
        "name": "市场监督管理部门（全国12315平台）",
        "how": "拨打12315，或在全国12315平台（www.12315.cn）、“全国12315”微信小程序在线投诉",
        "time_limit": "自知道或者应当知道权益受到侵害之日起三年内（《市场监督管理投诉举报处理暂行办法》）",
    }
    english = api().get(complaint_url(complaint), HTTP_ACCEPT_LANGUAGE="en").json()["recourse"]
    assert english[-1]["name"] == "The people's court"


# ---- edit ------------------------------------------------------------------------------------


def test_patch_with_if_match(world, api):
    complaint = world.complaint()
    response = api().patch(
        complaint_url(complaint),
        {"title": "冷车异响", "demand": "explanation"},
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["title"] == "冷车异响"
    complaint.refresh_from_db()
    assert (complaint.title, complaint.demand, complaint.version) == ("冷车异响", "explanation", 2)
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk, action="update").get()
    assert entry.data["changes"]["title"] == ["保养后异响", "冷车异响"]


def test_patch_with_version_in_body(world, api):
    complaint = world.complaint()
    response = api().patch(complaint_url(complaint), {"upset_level": 4, "version": 1})
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.upset_level == 4


def test_stale_if_match_is_412_and_changes_nothing(world, api):
    complaint = world.complaint()
    assert (
        api().patch(complaint_url(complaint), {"title": "A"}, HTTP_IF_MATCH='"1"').status_code
        == 200
    )
    response = api(Role.CALLBACK).patch(
        complaint_url(complaint), {"title": "B"}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert error_of(response)["code"] == "precondition_failed"
    complaint.refresh_from_db()
    assert (complaint.title, complaint.version) == ("A", 2)


def test_stale_body_version_is_409_and_changes_nothing(world, api):
    complaint = world.complaint()
    api().patch(complaint_url(complaint), {"title": "A", "version": 1})
    response = api().patch(complaint_url(complaint), {"title": "B", "version": 1})
    assert response.status_code == 409
    assert error_of(response)["code"] == "stale_version"
    complaint.refresh_from_db()
    assert (complaint.title, complaint.version) == ("A", 2)


@pytest.mark.parametrize("header", [None, "*"])
def test_patch_without_precondition_is_428(world, api, header):
    complaint = world.complaint()
    extra = {"HTTP_IF_MATCH": header} if header else {}
    response = api().patch(complaint_url(complaint), {"title": "盲改"}, **extra)
    assert response.status_code == 428
    error = error_of(response)
    assert error["code"] == "precondition_required"
    assert "If-Match" in error["message"]
    complaint.refresh_from_db()
    assert complaint.title == "保养后异响"


def test_patch_malformed_if_match_and_disagreeing_version_are_400(world, api):
    complaint = world.complaint()
    response = api().patch(complaint_url(complaint), {"title": "x"}, HTTP_IF_MATCH="yesterday")
    assert response.status_code == 400
    assert "If-Match" in error_of(response)["fields"]
    response = api().patch(
        complaint_url(complaint), {"title": "x", "version": 2}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert "version" in error_of(response)["fields"]


def test_patch_refuses_fields_outside_the_record(world, api):
    complaint = world.complaint()
    for field, value in [("state", "closed"), ("owner", 1), ("number", "X"), ("severity", "major")]:
        response = api().patch(complaint_url(complaint), {field: value, "version": 1})
        assert response.status_code == 400, field
        assert field in error_of(response)["fields"]
    complaint.refresh_from_db()
    assert complaint.state == "registered" and complaint.version == 1


def test_patch_bad_choice_and_blank_required(world, api):
    complaint = world.complaint()
    response = api().patch(
        complaint_url(complaint), {"channel": "telepathy", "title": "", "version": 1}
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"channel", "title"}


def test_closed_complaint_cannot_be_edited(world, api):
    complaint = world.complaint()
    api().post(complaint_url(complaint, "transitions/withdraw/"), {"reason": "客户撤回"})
    response = api().patch(complaint_url(complaint), {"title": "x", "version": 2})
    assert response.status_code == 409
    assert error_of(response)["code"] == "closed"


def test_a_withdrawal_shows_its_reason_code_label_and_the_customers_words(world, api):
    complaint = world.complaint()
    api().post(complaint_url(complaint, "transitions/withdraw/"), {"reason": "客户撤回"})
    body = api().get(complaint_url(complaint)).json()
    assert body["close_reason"] == "withdrawn"
    assert body["close_reason_display"] == "Withdrawn by the customer"
    assert body["close_note"] == "客户撤回"


# ---- the seed's demands, who is involved, who made the promise (issue 11) ---------------------


def test_create_with_a_seed_demand_and_the_staff_named(world, api, customer):
    response = api().post(
        "/api/v1/complaints/",
        _intake(
            customer,
            demand="cancel_order",
            cause="promise_not_kept",
            staff_involved="销售顾问 王强",
            promise_made_by="销售顾问 王强",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["demand"], body["demand_display"]) == (
        "cancel_order",
        "Cancel or reduce the order",
    )
    assert body["staff_involved"] == body["promise_made_by"] == "销售顾问 王强"
    assert body["severity"] == "medium" and body["department"]["id"] == world.sales.pk


def test_the_staff_named_are_edited_and_limited_like_other_texts(world, api):
    complaint = world.complaint()
    response = api().patch(
        complaint_url(complaint), {"promise_made_by": "x" * 101}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"promise_made_by"}
    response = api().patch(
        complaint_url(complaint),
        {"staff_involved": "维修技师 赵刚", "demand": "improvement"},
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["demand_display"] == "Technical or quality improvement"
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="update")
    assert entry.data["changes"]["staff_involved"] == ["", "维修技师 赵刚"]
    response = api().post("/api/v1/complaints/", {"demand": "discount"}, format="json")
    assert "demand" in error_of(response)["fields"]
