"""Every GET of the API answers the same with a browser session as with a token.

The web pages call the API with the session cookie; a view that only works with a token
(e.g. one that treats `request.user` as the model class) is caught here for every endpoint.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from kesu.complaints.services import complaint_attach
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role


def _get_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, operations in schema["paths"].items() if "get" in operations)


def test_the_schema_has_the_endpoints_this_test_relies_on():
    paths = _get_paths()
    assert "/api/v1/me/" in paths
    assert len(paths) > 15


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.HANDLER, Role.GROUP])
def test_every_get_endpoint_same_status_class_with_session_and_token(world, role):
    user = world.user(role)
    customer = CustomerFactory(organisation=world.org, branch=world.branch, is_company=True)
    PurchaseFactory(customer=customer, branch=world.branch)
    complaint = world.complaint(customer=customer)
    attachment = complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile("a.txt", b"hello", content_type="text/plain"),
    )
    values = {"attachment_pk": attachment.pk}

    session = Client(HTTP_ACCEPT_LANGUAGE="en")
    session.force_login(user)
    token = Client(
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}",
    )
    checked = []
    for template in _get_paths():
        object_id = customer.pk if template.startswith("/api/v1/customers/") else complaint.pk

        def fill(match, object_id=object_id):
            return str(values.get(match.group(1), object_id))

        url = re.sub(r"\{(\w+)\}", fill, template)
        by_session = session.get(url)
        by_token = token.get(url)
        assert by_session.status_code < 500, (url, by_session.content[:300])
        assert by_token.status_code < 500, (url, by_token.content[:300])
        assert by_session.status_code // 100 == by_token.status_code // 100, (
            url,
            by_session.status_code,
            by_token.status_code,
        )
        checked.append((url, by_session.status_code))
    assert ("/api/v1/me/", 200) in checked
    assert sum(1 for _url, code in checked if code == 200) > 10, checked


def test_me_with_a_session(world):
    client = Client()
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["id"] == world.user(Role.DIRECTOR).pk
    assert response.json()["branch"]["id"] == world.branch.pk
