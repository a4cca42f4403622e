"""The checklist items an organisation requires before a move are enforced by the move."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.checklist import (
    DEFAULT_REQUIREMENTS,
    checklist_tick,
    checklist_view,
    requirements,
)
from kesu.complaints.choices import State
from kesu.complaints.models import ChecklistRequirement, Complaint
from kesu.complaints.workflow import ChecklistIncomplete
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory


def _in(world, state):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=state)
    complaint.refresh_from_db()
    return complaint


def test_new_organisations_get_the_default_requirements(world):
    assert requirements(world.org.pk) == DEFAULT_REQUIREMENTS


def test_the_data_migration_gives_existing_organisations_the_defaults(db):
    existing = OrganisationFactory()  # made without install_defaults
    assert not ChecklistRequirement.objects.filter(organisation=existing).exists()
    migration = importlib.import_module("kesu.complaints.migrations.0006_checklist_requirements")
    migration.install_defaults(django_apps, None)
    migration.install_defaults(django_apps, None)  # and only once
    assert requirements(existing.pk) == DEFAULT_REQUIREMENTS


def test_starting_the_investigation_needs_the_confirmed_record(world):
    complaint = _in(world, State.CONFIRMED)
    handler = world.user(Role.HANDLER)
    before = AuditEntry.objects.filter(complaint_id=complaint.pk).count()

    with pytest.raises(ChecklistIncomplete) as exc:
        workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)

    assert exc.value.code == "checklist_incomplete" and exc.value.status_code == 400
    assert exc.value.items == ["read_back"]
    complaint.refresh_from_db()
    assert complaint.state == State.CONFIRMED
    assert AuditEntry.objects.filter(complaint_id=complaint.pk).count() == before

    checklist_tick(complaint=complaint, actor=handler, item="read_back", done=True)
    moved = workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)
    assert moved.state == State.INVESTIGATING


def test_closing_names_every_missing_item_in_the_users_language(world):
    complaint = _in(world, State.VERIFIED)
    director = world.user(Role.DIRECTOR)
    checklist_tick(complaint=complaint, actor=director, item="summary", done=True)
    checklist_tick(complaint=complaint, actor=director, item="summary", done=False)  # unticked
    for language, expected in [
        ("en", ["Told the customer the result", "Wrote a case summary", "Close"]),
        ("zh-hans", ["将结果告知客户", "撰写案例总结", "关闭"]),
    ]:
        with translation.override(language):
            with pytest.raises(ChecklistIncomplete) as exc:
                workflow.complaint_close(complaint_id=complaint.pk, actor=director)
            message = exc.value.render()
            for text in expected:
                assert text in message, (language, message)
            assert [str(t) for t in exc.value.fields["checklist"]] == expected[:2]
    checklist_tick(complaint=complaint, actor=director, item="told_result", done=True)
    with pytest.raises(ChecklistIncomplete) as exc:
        workflow.complaint_close(complaint_id=complaint.pk, actor=director)
    assert exc.value.items == ["summary"]


def test_the_organisation_decides_what_is_required(world):
    complaint = _in(world, State.VERIFIED)
    director = world.user(Role.DIRECTOR)
    ChecklistRequirement.objects.filter(organisation=world.org, move="close").delete()
    ChecklistRequirement.objects.create(organisation=world.org, move="close", item="lesson")
    with pytest.raises(ChecklistIncomplete) as exc:
        workflow.complaint_close(complaint_id=complaint.pk, actor=director)
    assert exc.value.items == ["lesson"]
    ChecklistRequirement.objects.filter(organisation=world.org).delete()
    assert workflow.complaint_close(complaint_id=complaint.pk, actor=director).state == "closed"


def test_role_and_state_are_checked_before_the_checklist(world):
    complaint = _in(world, State.VERIFIED)
    with pytest.raises(workflow.NotAllowed):
        workflow.complaint_close(complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE))


def test_the_checklist_shows_what_the_next_moves_need(world):
    complaint = _in(world, State.CONFIRMED)
    items = {i["code"]: i for stage in checklist_view(complaint) for i in stage["items"]}
    assert [str(label) for label in items["read_back"]["required_for"]] == ["Start investigation"]
    # "close" is not possible from "confirmed", so its items are not flagged now.
    assert items["summary"]["required_for"] == []
    complaint = _in(world, State.VERIFIED)
    items = {i["code"]: i for stage in checklist_view(complaint) for i in stage["items"]}
    assert [str(x) for x in items["summary"]["required_for"]] == ["Close"]
    assert items["read_back"]["required_for"] == []
