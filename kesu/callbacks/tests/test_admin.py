"""The callbacks admin: configuration editable, the records written by the services read-only."""

import pytest

from kesu.callbacks.models import CallbackPlan, CallbackTask, SampleDraw, Survey
from kesu.callbacks.tests.conftest import welcome_call
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory


@pytest.fixture
def admin_client(client, world):
    admin = UserFactory(
        role=Role.ADMIN, is_staff=True, is_superuser=True, branch=None, organisation=world.org
    )
    client.force_login(admin)
    return client


def test_the_admin_shows_plans_and_records(client, world):
    from kesu.organisation.tests.factories import UserFactory

    admin = UserFactory(
        role=Role.ADMIN, is_staff=True, is_superuser=True, branch=None, organisation=world.org
    )
    welcome_call(world)
    client.force_login(admin)
    for name in [
        "callbackplan",
        "callbacksettings",
        "survey",
        "callbacktask",
        "sampledraw",
        "smsmessage",
        "lead",
    ]:
        assert client.get(f"/admin/callbacks/{name}/").status_code == 200, name


def test_plans_and_questionnaires_are_edited_with_their_questions(admin_client, world):
    plan = CallbackPlan.objects.filter(organisation=world.org).first()
    page = admin_client.get(f"/admin/callbacks/callbackplan/{plan.pk}/change/")
    assert page.status_code == 200 and b'name="offset_days"' in page.content
    survey = Survey.objects.get(organisation=world.org, code="satisfaction")
    page = admin_client.get(f"/admin/callbacks/survey/{survey.pk}/change/")
    assert page.status_code == 200
    # The questions are edited inline on the questionnaire.
    assert b'name="questions-0-text"' in page.content
    assert admin_client.get("/admin/callbacks/callbackplan/add/").status_code == 200
    filtered = admin_client.get("/admin/callbacks/callbackplan/?is_active__exact=1")
    assert filtered.status_code == 200 and plan.name.encode() in filtered.content


def test_callback_records_are_looked_at_and_never_added_changed_or_deleted(admin_client, world):
    task = welcome_call(world)
    page = admin_client.get(f"/admin/callbacks/callbacktask/{task.pk}/change/")
    assert page.status_code == 200
    assert b'name="notes"' not in page.content and b'name="_save"' not in page.content
    assert admin_client.get("/admin/callbacks/callbacktask/add/").status_code == 403
    before = task.status
    response = admin_client.post(
        f"/admin/callbacks/callbacktask/{task.pk}/change/", {"status": "done", "notes": "x"}
    )
    assert response.status_code == 403
    assert CallbackTask.objects.get(pk=task.pk).status == before
    response = admin_client.post(
        f"/admin/callbacks/callbacktask/{task.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403 and CallbackTask.objects.filter(pk=task.pk).exists()
    listing = admin_client.get("/admin/callbacks/callbacktask/")
    assert b"Add callback" not in listing.content and b"action-checkbox" not in listing.content


def test_a_sample_draw_leaves_out_its_long_id_lists(admin_client, world):
    from datetime import date

    from kesu.callbacks.choices import Population
    from kesu.callbacks.sampling import draw_sample

    draw = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.DELIVERIES,
        period_start=date(2026, 3, 2),
        period_end=date(2026, 3, 8),
        seed=1,
    )
    page = admin_client.get(f"/admin/callbacks/sampledraw/{draw.pk}/change/")
    assert page.status_code == 200 and b"field-seed" in page.content
    for hidden in ("population_ids", "excluded_ids", "drawn_ids"):
        assert f"field-{hidden}".encode() not in page.content, hidden
    assert SampleDraw.objects.count() == 1
