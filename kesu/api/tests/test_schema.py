"""The OpenAPI description: generated without warnings, valid, and fuzzed without a 5xx."""

from collections import Counter

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.generation.modes import GenerationMode

from kesu.complaints.models import Attachment
from kesu.complaints.services import complaint_attach
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role


def test_schema_generates_without_warnings_and_validates():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, dict(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._error_cache)
    validate_schema(schema)
    paths = schema["paths"]
    assert "/api/v1/complaints/{id}/transitions/propose_solution/" in paths
    body = paths["/api/v1/complaints/{id}/transitions/propose_solution/"]["post"]["requestBody"]
    assert "ProposeSolutionInput" in str(body)


def test_docs_pages_are_served_offline(world, client):
    for url in ["/api/docs/", "/api/redoc/", "/api/schema/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert b"cdn" not in client.get("/api/docs/").content.lower()


@pytest.fixture
def wsgi_app():
    """The WSGI app, without closing the test transaction's connection at each request end
    (what Django's own test client does too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_fuzz_every_operation_without_a_server_error(world, wsgi_app, settings):
    """A bounded schemathesis run over the whole schema: no input may produce a 5xx.

    Each operation gets a few generated requests against real objects (so bodies reach the
    services) and a few with generated ids, in both positive and negative generation modes.
    """
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    customer = CustomerFactory(organisation=world.org, is_company=True)
    PurchaseFactory(customer=customer)
    complaint = world.complaint(customer=customer)
    world.complaint(customer=customer)
    attachment: Attachment = complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile("a.txt", b"hello", content_type="text/plain"),
    )
    token = Token.objects.create(user=world.user(Role.DIRECTOR)).key
    headers = {"Authorization": f"Token {token}"}

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    failures: list[str] = []
    statuses: Counter = Counter()
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        # Revoking the token signs the fuzzer out; test_limits.py covers it.
        if not (op.method.upper() == "DELETE" and op.path.endswith("/auth/token/"))
    ]
    assert len(operations) > 40

    for operation in operations:
        fixed = {}
        names = {p.name for p in operation.path_parameters}
        if "id" in names:
            fixed["id"] = customer.pk if "/customers/" in operation.path else complaint.pk
        if "attachment_pk" in names:
            fixed["attachment_pk"] = attachment.pk
        variants = [
            (GenerationMode.POSITIVE, fixed, 4),
            (GenerationMode.NEGATIVE, fixed, 3),
            (GenerationMode.POSITIVE, None, 2),
        ]
        for mode, path_parameters, examples in variants:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

            @hypothesis_settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case):
                response = case.call(headers=headers)
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.query} {case.body!r} "
                        f"→ {response.status_code}"
                    )

            try:
                run()
            except Unsatisfiable:
                # Nothing to break in this operation (e.g. no parameters in negative mode).
                assert mode == GenerationMode.NEGATIVE, operation.label

    assert not failures, "\n".join(failures[:20])
    print(sorted(statuses.items()))
    # The run reached the services, not only the validators.
    assert sum(n for code, n in statuses.items() if 200 <= code < 300) > 50, statuses
