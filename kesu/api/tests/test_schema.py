"""The OpenAPI description: generated without warnings, valid, and exact.

Schemathesis runs every operation of the schema with all of its checks (response bodies,
statuses, content types and headers against the schema; schema-valid input accepted,
schema-violating input refused; no 5xx) and the test lists each mismatch.
"""

import re
from collections import Counter, defaultdict

import pytest
import schemathesis
from django import forms
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kesu.complaints.models import Attachment
from kesu.complaints.services import complaint_attach
from kesu.core.api import fields as kesu_fields
from kesu.core.api.filters import StrictBooleanField
from kesu.core.api.json_types import WRONG_TYPE
from kesu.core.api.query import EMPTY_VALUE
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


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


# Refusals that name an object which does not exist or is not yours: no schema can know them.
EXISTENCE_KEYS = {"does_not_exist"}


def _template_pattern(template: str) -> re.Pattern:
    """A message template ("at most {max_length} characters", "%(limit_value)s") as a regex."""
    parts = re.split(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]", template)
    return re.compile("^" + ".*".join(re.escape(part) for part in parts) + "$", re.S)


def shape_messages() -> list[re.Pattern]:
    """The messages of refusals for a value's type, format, length, range or choice.

    The schema describes all of these, so a request valid by the schema must never get one:
    if it does, the schema is wrong. Every other 400 refuses by a rule no schema can state
    (the customer of another branch, a follow-up date in the past, a checklist not ticked).
    """
    templates: set[str] = set()
    for base in (serializers.Field, forms.Field):
        for cls in [base, *_subclasses(base)]:
            for key, message in getattr(cls, "default_error_messages", {}).items():
                if key not in EXISTENCE_KEYS:
                    templates.add(str(message))
    for validator in (
        validators.MinValueValidator,
        validators.MaxValueValidator,
        validators.MinLengthValidator,
        validators.MaxLengthValidator,
        validators.EmailValidator,
        validators.URLValidator,
        validators.DecimalValidator,
    ):
        message = getattr(validator, "message", None)
        if message:
            templates.add(str(message))
    for messages in validators.DecimalValidator.messages.values():
        templates.add(str(messages))
    templates.update(
        str(m)
        for m in (
            kesu_fields.BoundedDateTimeField.default_error_messages["out_of_range"],
            kesu_fields.ScopedPrimaryKeyRelatedField.default_error_messages["incorrect_type"],
            StrictBooleanField.default_error_messages["invalid"],
            WRONG_TYPE,
            EMPTY_VALUE,
            "This field cannot be changed here.",
            'Give the ETag of the complaint as received, e.g. If-Match: "3".',
            "Give a whole number from 1 to %(max)s.",
            "Give the month as YYYY-MM, e.g. 2026-11.",
            "Give the quarter as YYYY-Qn, e.g. 2026-Q4.",
            "Give the year as YYYY, e.g. 2026.",
            "Give a month as YYYY-MM, e.g. 2026-11.",
        )
    )
    return [_template_pattern(t) for t in templates if t]


def shape_refusals(body: dict, patterns: list[re.Pattern]) -> list[str]:
    fields = (body.get("error") or {}).get("fields") or {}
    return [
        f"{name}: {message}"
        for name, messages in fields.items()
        for message in messages
        if any(p.match(message) for p in patterns)
    ]


def check_positive(response, patterns) -> str | None:
    """Kesu's positive-data check, stricter than refusing nothing but 2xx.

    A schema-valid request may be refused only as the schema documents: 401/403/404/409/429,
    412/428 (the complaint's version: a generated If-Match is stale, or missing where the
    body may carry `version` instead), a body with a NUL character (refused everywhere,
    docs/api.md), or a 400 by a rule the schema cannot state — never by a shape rule.
    """
    code = response.status_code
    if code < 400 or code in {401, 403, 404, 409, 412, 428, 429}:
        return None
    if code != 400:
        return f"schema-valid request refused with {code}"
    body = response.json()
    if body.get("error", {}).get("code") == "bad_request" and "NUL" in body["error"]["message"]:
        return None
    shapes = shape_refusals(body, patterns)
    if shapes:
        return "schema-valid request refused by a rule the schema could say: " + "; ".join(shapes)
    return None


def test_shape_messages_tell_shape_from_business_rules():
    with translation.override("en"):
        patterns = shape_messages()

    def refusal(*messages):
        return {"error": {"code": "invalid", "fields": {"f": list(messages)}}}

    assert shape_refusals(refusal("Ensure this field has no more than 24 characters."), patterns)
    assert shape_refusals(refusal('"x" is not a valid choice.'), patterns)
    assert shape_refusals(refusal("Give a date between the years 2000 and 2100."), patterns)
    assert not shape_refusals(refusal("The follow-up date must be in the future."), patterns)
    assert not shape_refusals(
        refusal("Choose from the list: no such item is available to you."), patterns
    )


def _fuzzer(strategy, examples: int, label: str, mode, headers: dict, patterns):
    """A bounded, repeatable hypothesis run of one operation; yields (check, example)."""

    def run(statuses: Counter):
        found: list[tuple[str, str]] = []

        @hypothesis_settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def one(case):
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            failures: list[tuple[str, str]] = []
            try:
                case.validate_response(
                    response, headers=headers, excluded_checks=[positive_data_acceptance]
                )
            except FailureGroup as group:
                failures += [
                    (type(f).__name__, f"{f.title}: {f.message}") for f in group.exceptions
                ]
            except Failure as failure:
                failures.append((type(failure).__name__, f"{failure.title}: {failure.message}"))
            if mode == GenerationMode.POSITIVE:
                refused = check_positive(response, patterns)
                if refused:
                    failures.append(("RejectedPositiveData", refused))
            for kind, message in failures:
                found.append(
                    (
                        kind,
                        f"{case.method} {case.formatted_path} query={case.query} "
                        f"headers={case.headers} body={case.body!r:.300}"
                        f" → {response.status_code} {response.text[:300]}\n      {message[:500]}",
                    )
                )

        one()
        return found

    return run


def test_every_operation_conforms_to_the_schema_under_all_checks(world, wsgi_app, settings):
    """A bounded, derandomized schemathesis run over every operation with all checks.

    Each operation gets generated requests against real objects (so bodies reach the
    services) and with generated ids, in positive and negative generation modes. The run
    fails listing each mismatch (one example per check and operation). No list of
    operations to keep: whatever the schema holds is run.
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
    headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}
    with translation.override("en"):
        patterns = shape_messages()

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    mismatches: dict[tuple[str, str], list[str]] = defaultdict(list)
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
            (GenerationMode.NEGATIVE, fixed, 4),
            (GenerationMode.POSITIVE, None, 2),
            (GenerationMode.NEGATIVE, None, 2),
        ]
        for mode, path_parameters, examples in variants:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            run = _fuzzer(strategy, examples, operation.label, mode, headers, patterns)
            try:
                for kind, example in run(statuses):
                    mismatches[(kind, operation.label)].append(example)
            except Unsatisfiable:
                # Nothing to break in this operation (e.g. no parameters in negative mode).
                assert mode == GenerationMode.NEGATIVE, operation.label

    report = [
        f"{kind} {label} ({len(examples)}×), e.g. {examples[0]}"
        for (kind, label), examples in sorted(mismatches.items())
    ]
    assert not report, f"{len(report)} mismatches:\n" + "\n".join(report)
    print(sorted(statuses.items()))
    # The run reached the services, not only the validators.
    assert sum(n for code, n in statuses.items() if 200 <= code < 300) > 50, statuses


# The coverage phase's scenarios the suite runs (the full run has all, .ci/schemathesis):
# a value of another JSON type, and an empty string where the schema says minLength.
STRICT_INPUT_SCENARIOS = ("Incorrect type", "String smaller than minLength")


def test_the_coverage_phase_finds_no_schema_violating_input_accepted(world, wsgi_app, settings):
    """Schemathesis' coverage phase, negative cases, over every operation with all checks.

    Its cases are not random: for each parameter and body property, each way to violate the
    schema. The suite runs two of them, the input DRF would coerce: another JSON type (`1` for
    a string, `"1"` for an integer, `0` for a boolean, for the body and each of its nested
    values) and an empty string where the schema says minLength (`?until=`). Each must be
    refused, in the documented shape. Path ids are
    real objects, except where the id itself is the violation, so bodies reach the serializers.
    The full command-line run (examples, coverage and fuzzing, positive cases too) is
    `.ci/schemathesis` with docs/schemathesis.toml.
    """
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    customer = CustomerFactory(organisation=world.org, is_company=True)
    PurchaseFactory(customer=customer)
    complaint = world.complaint(customer=customer)
    token = Token.objects.create(user=world.user(Role.DIRECTOR)).key
    headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    failures: dict[tuple[str, str], list[str]] = defaultdict(list)
    cases = 0
    for operation in (result.ok() for result in schema.get_all_operations()):
        if operation.method.upper() == "DELETE" and operation.path.endswith("/auth/token/"):
            continue
        real = {"id": customer.pk if "/customers/" in operation.path else complaint.pk}
        generated = schema.iter_coverage_cases(
            operation,
            generation_modes=[GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=operation),
        )
        for case in generated:
            if not case.meta.phase.data.description.endswith(STRICT_INPUT_SCENARIOS):
                continue
            if case.meta.phase.data.parameter not in case.path_parameters:
                case.path_parameters.update(
                    {k: v for k, v in real.items() if k in case.path_parameters}
                )
            response = case.call(headers=headers)
            cases += 1
            try:
                case.validate_response(response, headers=headers)
            except FailureGroup as group:
                found = list(group.exceptions)
            except Failure as failure:
                found = [failure]
            else:
                continue
            for failure in found:
                failures[(type(failure).__name__, operation.label)].append(
                    f"{case.meta.phase.data.description}: {case.method} {case.formatted_path}"
                    f" query={case.query} body={case.body!r:.200} → {response.status_code}"
                    f" {response.text[:200]}"
                )
    report = [
        f"{kind} {label} ({len(examples)}×), e.g. {examples[0]}"
        for (kind, label), examples in sorted(failures.items())
    ]
    assert not report, f"{len(report)} mismatches:\n" + "\n".join(report)
    assert cases > 1000, cases
