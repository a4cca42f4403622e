"""The database away for a moment (a restart, a fail-over): the API says 503, try again, not 500.

bench/faults.py restarts a real PostgreSQL under load; here the database refuses every query
for the length of a `with` block, through Django's own query hook.
"""

from contextlib import contextmanager

from django.db import OperationalError, connection

from kesu.complaints.models import Complaint
from kesu.complaints.tests.api.helpers import error_of
from kesu.customers.tests.factories import CustomerFactory


@contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError('connection to server at "127.0.0.1" failed: Connection refused')

    with connection.execute_wrapper(refuse):
        yield


def _intake(customer):
    return {
        "customer": customer.pk,
        "channel": "phone",
        "title": "保养后异响",
        "account": "做完保养冷车启动有哒哒声。",
    }


def test_a_read_while_the_database_is_away_is_503_with_retry_after(world, api):
    with database_down():
        response = api().get("/api/v1/complaints/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert error_of(response)["code"] == "unavailable"
    assert "database" in error_of(response)["message"]
    # Back again: the same request works.
    assert api().get("/api/v1/complaints/").status_code == 200


def test_the_message_is_translated(world, api):
    with database_down():
        response = api(language="zh-hans").get("/api/v1/complaints/")
    assert response.status_code == 503
    assert error_of(response)["message"] == "数据库暂时不可用，请过几秒再试。"


def test_a_create_refused_then_retried_with_its_key_is_stored_once(world, api):
    customer = CustomerFactory(organisation=world.org)
    client = api()
    with database_down():
        refused = client.post("/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="k1")
    assert refused.status_code == 503
    assert Complaint.objects.count() == 0
    created = client.post("/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201
    again = client.post("/api/v1/complaints/", _intake(customer), HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1
