"""The access matrix: every page and endpoint × every role × own branch / other branch / anonymous.

The expectations are declared in access_matrix.py; this module builds one organisation with two
branches, a user of every role and one of every object a URL takes an id of, then asks every
route as every role. Each case is its own test (route × role × scope), rolled back at its end;
the organisation is built once for the module.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesu.web.tests.access_matrix import (
    ADMIN_RULE,
    ANON,
    KNOWN_FAILURES,
    LISTED,
    OTHER,
    OWN,
    PERSONAL,
    PERSONAL_OBJECTS,
    RULES,
    access_table,
    rule_keys,
)
from kesu.web.tests.routes import route_paths, schema_operations, schema_path, url_routes

DOCS = Path(__file__).resolve().parents[3] / "docs" / "access.md"


# ---- The organisation ------------------------------------------------------------------------


@dataclass
class Side:
    """One branch's objects."""

    complaint: object = None
    withdrawn: object = None
    attachment: object = None
    customer: object = None
    task: object = None
    draw: object = None
    survey_token: str = ""
    colleague: object = None
    maker_contact: object = None  # a manufacturer contact for the branch
    exchange: object = None  # a question to the manufacturer about `complaint`
    improvement: object = None  # an improvement action of the branch's service department
    closed: object = None  # a closed complaint shared as a lesson
    lesson: object = None  # its lesson
    kept: object = None  # the branch's kept monthly report
    crisis: object = None  # a crisis of the branch, its spokesperson the customer director
    crisis_step: object = None  # a step of its action plan, owned by the handling manager
    crisis_complaint: object = None  # a complaint flagged as a crisis, no crisis opened yet
    emerging: object = None  # an emerging issue of four similar complaints of the branch
    incoming_call: object = None  # a call shown to the branch's frontline user (dismissed)
    webhook_endpoint: object = None  # an endpoint that hears the branch's events
    webhook_delivery: object = None  # its delivery of the branch complaint's "created" event


@dataclass
class Matrix:
    own: Side
    other: Side
    users: dict  # role → user of the east branch (or organisation-wide)
    clients: dict  # role → signed-in client; None → anonymous
    notifications: dict = field(default_factory=dict)  # user pk → their inbox item
    saved_views: dict = field(default_factory=dict)  # user pk → their saved view
    import_jobs: dict = field(default_factory=dict)  # user pk → their Excel import
    stranger: object = None  # a user of the other branch, owner of the "other" personal items
    media: Path | None = None


def _side(world, branch, users) -> Side:
    from kesu.callbacks.models import Survey
    from kesu.callbacks.sampling import draw_sample
    from kesu.callbacks.surveys import invitation_create
    from kesu.callbacks.tests.conftest import welcome_call
    from kesu.complaints.services import complaint_attach, manufacturer_ask
    from kesu.complaints.tests.factories import ManufacturerContactFactory
    from kesu.complaints.workflow import complaint_withdraw
    from kesu.customers.models import KeyPerson
    from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
    from kesu.improvements.services import improvement_create
    from kesu.organisation.choices import Role

    frontline = users[Role.FRONTLINE]
    side = Side()
    # Names and numbers that no other object's contain, for the "listed" checks.
    side.customer = CustomerFactory(
        organisation=world.org, branch=branch, name=f"矩阵客户-{branch.code}", is_company=True
    )
    PurchaseFactory(customer=side.customer, branch=branch)
    KeyPerson.objects.create(customer=side.customer, name="王经理", phone="+8613900000001")
    side.complaint = world.complaint(actor=frontline, customer=side.customer)
    side.withdrawn = world.complaint(actor=frontline, title="已撤诉")
    complaint_withdraw(complaint_id=side.withdrawn.pk, actor=frontline, reason="客户撤诉")
    # On a complaint of its own: the page of a complaint with a file is checked elsewhere.
    with_file = world.complaint(actor=frontline, title="带附件")
    side.attachment = complaint_attach(
        complaint_id=with_file.pk,
        actor=frontline,
        upload=SimpleUploadedFile("photo.jpg", _jpeg(), content_type="image/jpeg"),
    )
    # Planned in the morning, so today's list has it whatever time the suite runs.
    morning = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    side.task = welcome_call(world, branch=branch, now=morning, name=f"回访客户-{branch.code}")
    side.draw = draw_sample(
        organisation_id=world.org.pk,
        branch_id=branch.pk,
        population="deliveries",
        period_start=date(2026, 1, 5),
        period_end=date(2026, 1, 11),
        actor=users[Role.DIRECTOR],
    )
    survey = Survey.objects.get(organisation=world.org, code="satisfaction")
    _inv, side.survey_token = invitation_create(
        survey=survey, customer=side.customer, complaint=side.complaint
    )
    side.colleague = users[Role.CALLBACK]
    side.maker_contact = ManufacturerContactFactory(
        organisation=world.org, branch=branch, name=f"厂家联系人-{branch.code}"
    )
    side.exchange = manufacturer_ask(
        complaint_id=side.complaint.pk,
        actor=users[Role.DIRECTOR],
        contact=side.maker_contact,
        asked="矩阵问题",
    )
    side.improvement = improvement_create(
        actor=users[Role.DIRECTOR],
        title=f"矩阵改进措施-{branch.code}",
        owner=users[Role.DIRECTOR],
        department=users[Role.HANDLER].department,
        due_on=timezone.localdate() + timedelta(days=20),
        review_on=timezone.localdate() + timedelta(days=80),
    )
    side.closed, side.lesson = _closed_with_lesson(world, branch, users)
    side.crisis, side.crisis_step, side.crisis_complaint = _crisis(world, branch, users)
    side.kept = _kept_report(branch, users)
    side.emerging = _emerging(world, branch, users)
    side.incoming_call = _incoming_call(world, branch, frontline)
    side.webhook_endpoint, side.webhook_delivery = _webhook(world, branch, users, side.complaint)
    return side


def _incoming_call(world, branch, agent):
    """A call reported for the agent's extension, already dismissed (so no pop-up shows)."""
    from kesu.integrations.models import IncomingCall
    from kesu.integrations.services import integration_create

    agent.extension = f"80{branch.pk}"
    agent.save(update_fields=["extension"])
    integration, _key = integration_create(
        organisation=world.org, name=f"PBX-{branch.code}", all_branches=True
    )
    now = timezone.now()
    return IncomingCall.objects.create(
        integration=integration,
        agent=agent,
        extension=agent.extension,
        caller="13812345678",
        expires_at=now + timedelta(minutes=1),
        dismissed_at=now,
    )


def _webhook(world, branch, users, complaint):
    from kesu.organisation.choices import Role
    from kesu.webhooks.choices import Event
    from kesu.webhooks.events import complaint_data
    from kesu.webhooks.services import EventItem, endpoint_create, enqueue_events

    endpoint = endpoint_create(
        actor=users[Role.ADMIN],
        url=f"http://127.0.0.1:9/matrix-{branch.code}",
        description=f"矩阵推送-{branch.code}",
        events=[Event.COMPLAINT_CREATED],
        branch_ids=[branch.pk],
    )
    (delivery,) = enqueue_events(
        [
            EventItem(
                organisation_id=world.org.pk,
                branch_id=branch.pk,
                type=Event.COMPLAINT_CREATED,
                data={"complaint": complaint_data(complaint)},
            )
        ]
    )
    return endpoint, delivery


def _emerging(world, branch, users):
    from kesu.complaints.models import Category
    from kesu.emerging.models import EmergingIssue, Membership
    from kesu.organisation.choices import Role

    engine = Category.objects.get(organisation=world.org, code="vehicle.engine")
    complaints = [
        world.complaint(actor=users[Role.FRONTLINE], title=f"矩阵链条异响-{branch.code}-{i}")
        for i in range(4)
    ]
    now = timezone.now()
    issue = EmergingIssue.objects.create(
        organisation=world.org,
        branch=branch,
        product="矩阵车型",
        category=engine,
        department=users[Role.HANDLER].department,
        label=f"矩阵新问题-{branch.code}",
        first_seen=now,
        last_seen=now,
        size=len(complaints),
    )
    Membership.objects.bulk_create(
        Membership(issue=issue, complaint=c, branch=branch, received_at=c.received_at)
        for c in complaints
    )
    return issue


def _crisis(world, branch, users):
    from kesu.complaints.models import Complaint
    from kesu.crises.services import crisis_open, step_add
    from kesu.organisation.choices import Role

    complaints = [
        world.complaint(actor=users[Role.FRONTLINE], title=f"{title}-{branch.code}")
        for title in ("矩阵危机", "矩阵待启动危机")
    ]
    Complaint.objects.filter(pk__in=[c.pk for c in complaints]).update(is_crisis=True)
    crisis = crisis_open(
        actor=users[Role.GENERAL_MANAGER],
        complaint_id=complaints[0].pk,
        spokesperson=users[Role.DIRECTOR],
        internal_notice="矩阵通知",
    )
    step = step_add(
        actor=users[Role.GENERAL_MANAGER],
        crisis_id=crisis.pk,
        title="矩阵步骤",
        owner=users[Role.HANDLER],
        due_at=timezone.now() + timedelta(days=2),
    )
    return crisis, step, complaints[1]


def _kept_report(branch, users):
    from kesu.organisation.choices import Role
    from kesu.reports.keeping import keep_report, slot_of
    from kesu.reports.periods import last_month

    period = last_month()
    return keep_report(
        users[Role.DIRECTOR],
        period,
        slot=slot_of(branch.pk, period),
        branch=branch,
        languages=("en",),
    )


def _closed_with_lesson(world, branch, users):
    from kesu.complaints.choices import State
    from kesu.complaints.models import Complaint
    from kesu.complaints.tests.helpers import tick_required
    from kesu.complaints.workflow import complaint_close
    from kesu.organisation.choices import Role

    complaint = world.complaint(actor=users[Role.FRONTLINE], title=f"已结案-{branch.code}")
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    director = users[Role.DIRECTOR]
    tick_required(complaint, "close", director)
    complaint_close(
        complaint_id=complaint.pk,
        actor=director,
        summary="矩阵总结",
        share_as_lesson=True,
        lesson_title=f"矩阵经验-{branch.code}",
        lesson_advice="矩阵建议",
    )
    return complaint, complaint.lesson


def _build(media: Path) -> Matrix:
    from kesu.complaints.defaults import install_defaults
    from kesu.complaints.models import ImportJob
    from kesu.complaints.saved_views import saved_view_save
    from kesu.conftest import World, _users_for
    from kesu.notifications.tests.factories import NotificationFactory
    from kesu.organisation.choices import Role
    from kesu.organisation.tests.factories import (
        BranchFactory,
        DepartmentFactory,
        OrganisationFactory,
    )

    org = OrganisationFactory()
    install_defaults(org)
    east = BranchFactory(organisation=org, code="east")
    west = BranchFactory(organisation=org, code="west")
    east_service = DepartmentFactory(branch=east, code="service")
    west_service = DepartmentFactory(branch=west, code="service")
    world = World(org=org, branch=east, other_branch=west, service=east_service, sales=None)
    world.users = _users_for(east, east_service)
    west_users = _users_for(west, west_service)
    admin_user = world.users[Role.ADMIN]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    matrix = Matrix(
        own=_side(world, east, world.users),
        other=_side(world, west, west_users),
        users=world.users,
        clients={},
        stranger=west_users[Role.FRONTLINE],
        media=media,
    )
    for user in [*world.users.values(), matrix.stranger]:
        matrix.notifications[user.pk] = NotificationFactory(recipient=user)
        matrix.saved_views[user.pk], _created = saved_view_save(
            user=user, name="我的视图", query="state=registered"
        )
        matrix.import_jobs[user.pk] = ImportJob.objects.create(
            organisation=org, created_by=user, file_name="历史.xlsx", status="done"
        )
    for role, user in world.users.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        matrix.clients[role] = client
    matrix.clients[None] = Client(HTTP_ACCEPT_LANGUAGE="en")
    return matrix


def _jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once, in a transaction rolled back after the module's last test."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            LANGUAGE_CODE="en",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build(media)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def in_matrix(matrix, db, settings):
    """Each case runs in its own savepoint inside the module's transaction."""
    settings.MEDIA_ROOT = matrix.media
    return matrix


# ---- Requests --------------------------------------------------------------------------------


def _object(matrix: Matrix, rule, role, scope):
    side = matrix.other if scope == OTHER else matrix.own
    if rule.obj in PERSONAL_OBJECTS:
        items = {
            "notification": matrix.notifications,
            "saved_view": matrix.saved_views,
            "import_job": matrix.import_jobs,
        }[rule.obj]
        if scope == OTHER or role is None:
            return items[matrix.stranger.pk]
        return items[matrix.users[role].pk]
    return getattr(side, rule.obj) if rule.obj else None


def _url(matrix: Matrix, rule, role, scope) -> str:
    if rule.route == "api:not-found":
        return "/api/v1/matrix-nowhere/"
    if rule.route == "api:missing-slash":
        return "/api/v1/complaints"
    obj = _object(matrix, rule, role, scope)
    params = set(_pattern(rule.route).pattern.converters)
    kwargs = {}
    if "token" in params:
        kwargs["token"] = obj
    if "exchange_pk" in params:
        kwargs.update(pk=obj.complaint_id, exchange_pk=obj.pk)
    elif "attachment_pk" in params:
        kwargs.update(pk=obj.complaint_id, attachment_pk=obj.pk)
    elif "file_pk" in params:
        kwargs.update(pk=obj.complaint_id, file_pk=obj.pk)
    elif "pk" in params:
        kwargs["pk"] = obj.pk
    if "user_pk" in params:  # someone not on the complaint's team: its owner
        kwargs["user_pk"] = obj.owner_id
    if "branch" in params:  # the customer portal's branch page: the scope's branch code
        side = matrix.other if scope == OTHER else matrix.own
        kwargs["branch"] = side.complaint.branch.code
    if "name" in params:
        kwargs["name"] = "confirm" if rule.route.startswith("complaints:") else "matrix_probe"
    url = reverse(rule.route, kwargs=kwargs)
    if rule.query:
        side = matrix.other if scope == OTHER else matrix.own
        url += "?" + rule.query.format(phone=side.customer.phone)
    return url


@cache
def _patterns() -> dict:
    return {r.name: r.pattern for r in url_routes()}


def _pattern(route: str):
    return _patterns()[route]


def _client(matrix: Matrix, role) -> Client:
    """A copy of the role's signed-in client, so a case's cookies (logout, language, messages)
    never reach the next case."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for name, morsel in matrix.clients[role].cookies.items():
        client.cookies[name] = morsel.value
    return client


def _send(matrix: Matrix, client: Client, rule, url: str, scope: str):
    method = rule.method.lower()
    if method == "get":
        return client.get(url)
    body = dict(rule.body or {})
    side = matrix.other if scope == OTHER else matrix.own
    for key, value in body.items():
        if isinstance(value, str) and value.startswith("@"):
            body[key] = matrix.users[value[1:]].pk
        elif isinstance(value, str) and value.startswith("#"):
            name, attr = value[1:].split(".")
            body[key] = getattr(getattr(side, name), attr)
    if body.get("file") == "upload":
        body["file"] = SimpleUploadedFile("probe.txt", b"probe", content_type="text/plain")
    if rule.route.startswith("api:") and not rule.form:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, body)


def _text_of(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
        )
    return response.content.decode()


def _listed(response, obj) -> bool:
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        rows = data["results"] if isinstance(data, dict) else data
        return obj.pk in {row["id"] for row in rows}
    marker = (
        getattr(obj, "number", None)
        or getattr(obj, "name", None)
        or getattr(obj, "title", None)  # a lesson
        or getattr(obj, "label", None)  # an emerging issue
        or obj.customer.name
    )
    return str(marker) in _text_of(response)


# ---- The cases -------------------------------------------------------------------------------


def _cases():
    for rule in RULES:
        for scope in rule.scopes():
            roles = [None] if scope == ANON else list(rule.roles)
            for role in roles:
                case_id = f"{rule.key} | {role or 'anonymous'} | {scope}"
                reason = KNOWN_FAILURES.get((rule.key, role, scope))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(rule, role, scope, id=case_id, marks=marks)


@pytest.mark.parametrize(("rule", "role", "scope"), list(_cases()))
def test_access(in_matrix, rule, role, scope):
    expected = rule.expect(role, scope)
    url = _url(in_matrix, rule, role, scope)
    response = _send(in_matrix, _client(in_matrix, role), rule, url, scope)
    got = response.status_code
    assert got == expected.status, f"{rule.method} {url}: {got}, expected {expected}"
    if (
        got == 302
        and role is None
        and rule.route not in ("set_language", "web:logout")
        and not rule.route.startswith("portal:")  # a customer's page: no login, never to it
    ):
        assert response["Location"].startswith("/login/?next="), response["Location"]
    if rule.route.startswith("api:") and got >= 400:
        # Refusals of the API, anonymous ones included, are its JSON error, never a page.
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        assert set(response.json()) == {"error"}, response.content[:200]
    if expected.listed is not None:
        obj = _object(in_matrix, rule, role, scope)
        assert _listed(response, obj) == expected.listed, f"{url}: listed is {not expected.listed}"


def _api_methods_not_offered():
    offered: dict[str, set[str]] = {}
    for path, method in schema_operations():
        offered.setdefault(path, set()).add(method)
    by_path = {schema_path(path): name for name, path in route_paths().items()}
    rules = {rule.route: rule for rule in RULES}
    for path, methods in sorted(offered.items()):
        rule = rules[by_path[path]]
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if method not in methods:
                yield pytest.param(rule, method, id=f"{rule.route} {method}")


@pytest.mark.parametrize(("rule", "method"), list(_api_methods_not_offered()))
def test_api_methods_not_offered_are_405(in_matrix, rule, method):
    """Any method an API path does not offer is 405 for a user who may use the path."""
    role = "director"
    url = _url(in_matrix, rule, role, OWN)
    client = _client(in_matrix, role)
    if method == "GET":
        response = client.get(url)
    else:
        response = getattr(client, method.lower())(url, "{}", content_type="application/json")
    assert response.status_code == 405, f"{method} {url}: {response.status_code}"


def _admin_urls(staff) -> list[str]:
    """The index, each registered model's changelist, and its add page where adding is offered."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = staff
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
    return urls


@pytest.mark.parametrize("role", [*ADMIN_RULE.roles, None], ids=lambda r: r or "anonymous")
def test_the_django_admin(in_matrix, role):
    expected = ADMIN_RULE.expect(role, ANON if role is None else OWN).status
    client = in_matrix.clients[role]
    wrong = {}
    for url in _admin_urls(in_matrix.users["admin"]):
        response = client.get(url)
        if response.status_code != expected or (
            expected == 302 and not response["Location"].startswith("/admin/login/")
        ):
            wrong[url] = response.status_code
    assert not wrong, f"expected {expected}: {wrong}"


# ---- The table covers every route and operation -----------------------------------------------


def test_every_url_pattern_has_a_rule():
    declared = {rule.route for rule in RULES}
    missing = [
        f"{r.name} ({r.path})"
        for r in url_routes()
        if r.name not in declared
        and not r.name.startswith(ADMIN_RULE.route.split(":")[0] + ":")
        and not r.name.startswith("<media")
    ]
    assert not missing, f"URL patterns without a rule in access_matrix.py: {missing}"


def test_every_rule_names_a_route_that_exists():
    paths = route_paths()
    stale = [rule.key for rule in RULES if rule.route not in paths]
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_every_schema_operation_has_a_rule():
    by_path = {schema_path(path): name for name, path in route_paths().items()}
    keys = rule_keys()
    missing = [
        f"{method} {path}"
        for path, method in sorted(schema_operations())
        if f"{by_path.get(path, path)} {method}" not in keys
    ]
    assert not missing, f"schema operations without a rule in access_matrix.py: {missing}"


def test_the_known_failures_name_real_cases():
    cases = {
        (rule.key, role, scope)
        for rule in RULES
        for scope in rule.scopes()
        for role in ([None] if scope == ANON else rule.roles)
    }
    assert set(KNOWN_FAILURES) <= cases, set(KNOWN_FAILURES) - cases


def test_each_rule_is_well_formed():
    objects = set(Side.__dataclass_fields__) | PERSONAL_OBJECTS
    for rule in RULES:
        assert rule.scope in ("none", "object", LISTED, PERSONAL), rule.key
        assert rule.scope == "none" or rule.obj, rule.key
        assert not rule.obj or rule.obj in objects, rule.key
        assert rule.decided_first in ("role", "object"), rule.key
        assert rule.means, rule.key


def test_docs_access_md_is_generated_from_the_matrix():
    assert DOCS.read_text(encoding="utf-8") == access_table(), (
        "docs/access.md is out of date: regenerate it with "
        "`python -c 'from kesu.web.tests.access_matrix import access_table; "
        'print(access_table(), end="")\' > docs/access.md` (with DJANGO_SETTINGS_MODULE set)'
    )
