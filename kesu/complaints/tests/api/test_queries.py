"""Lists cost a constant number of SQL queries, however many rows a page holds (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.complaints.tests.api.helpers import complaint_url
from kesu.core.tests.queries import view_queries
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(view_queries(ctx.captured_queries))


def _fill(world, n: int):
    engine = world.org.categories.get(code="vehicle.engine")
    actors = [world.user(Role.FRONTLINE), world.user(Role.DIRECTOR), world.user(Role.HANDLER)]
    for i in range(n):
        customer = CustomerFactory(organisation=world.org)
        world.complaint(actor=actors[i % 3], customer=customer, category=engine if i % 2 else None)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"state": "registered,confirmed", "category": "CATEGORY", "overdue": "false"},
        {"customer_phone": "139 0000 0001", "received_after": "2020-01-01"},
    ],
)
def test_complaint_list_is_constant(world, api, django_assert_max_num_queries, params):
    params = {
        k: (world.org.categories.get(code="vehicle").pk if v == "CATEGORY" else v)
        for k, v in params.items()
    }
    client = api(Role.DIRECTOR)
    _fill(world, 2)
    few = _queries(client, "/api/v1/complaints/", params)
    _fill(world, 20)
    with django_assert_max_num_queries(few):
        response = client.get("/api/v1/complaints/", params)
    assert response.status_code == 200
    # A page is one SELECT with its joins (plus savepoints/locale nothing else).
    assert few <= 2


def test_complaint_list_with_token_auth(world, django_assert_max_num_queries):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    _fill(world, 15)
    client = APIClient()
    token = Token.objects.create(user=world.user(Role.DIRECTOR))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # The token lookup (with its user) and the page.
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/complaints/", {"page_size": 50})
    assert len(response.json()["results"]) == 15


def test_customer_list_is_constant(world, api, django_assert_max_num_queries):
    client = api()
    for _ in range(2):
        CustomerFactory(organisation=world.org, branch=world.branch)
    few = _queries(client, "/api/v1/customers/")
    for _ in range(20):
        CustomerFactory(organisation=world.org, branch=world.branch)
    with django_assert_max_num_queries(few):
        client.get("/api/v1/customers/")


def test_timeline_is_constant(world, api, django_assert_max_num_queries):
    complaint = world.complaint()
    client = api()
    client.post(complaint_url(complaint, "notes/"), {"text": "一"})
    few = _queries(client, complaint_url(complaint, "timeline/"))
    for n in range(15):
        actor = Role.HANDLER if n % 2 else Role.FRONTLINE
        api(actor).post(complaint_url(complaint, "notes/"), {"text": f"第{n}条"})
    with django_assert_max_num_queries(few):
        client.get(complaint_url(complaint, "timeline/"))


def test_users_and_reference_lists_are_constant(world, api, django_assert_max_num_queries):
    client = api(Role.GROUP)
    with django_assert_max_num_queries(1):
        client.get("/api/v1/users/", {"page_size": 100})
    with django_assert_max_num_queries(1):
        client.get("/api/v1/departments/")
    with django_assert_max_num_queries(1):
        client.get("/api/v1/categories/")


def test_detail_pages_are_bounded(world, api, django_assert_max_num_queries):
    customer = CustomerFactory(organisation=world.org)
    for _ in range(5):
        PurchaseFactory(customer=customer)
        world.complaint(customer=customer)
    complaint = world.complaint(customer=customer)
    client = api()
    with django_assert_max_num_queries(1):
        client.get(complaint_url(complaint))
    with django_assert_max_num_queries(4):
        client.get(f"/api/v1/customers/{customer.pk}/")


def test_a_create_over_a_token_costs_few_queries(world, django_assert_max_num_queries):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    customer = CustomerFactory(organisation=world.org)
    client = APIClient()
    token = Token.objects.create(user=world.user(Role.FRONTLINE))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"customer": customer.pk, "channel": "phone", "title": "异响", "account": "冷车启动"}
    client.post("/api/v1/complaints/", body, format="json")  # builds the calendar once
    # The user's organisation, branch and department come with the token, the calendar from
    # the process's cache, and the answer from the objects just written (no re-read); one more
    # reads the organisation's routing rules. The notifications (the customer director, the
    # department's managers) cost their two lookups, then one switch check, one robot lookup,
    # one duplicate check and one insert for all of them; one more asks for the organisation's
    # outgoing webhooks (kesu/webhooks).
    with django_assert_max_num_queries(25):
        response = client.post("/api/v1/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="a")
    assert response.status_code == 201, response.content
