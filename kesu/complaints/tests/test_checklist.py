"""The checklist items an organisation requires before a move are enforced by the move."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.checklist import (
    DEFAULT_REQUIREMENTS,
    ITEM_TEXT,
    ItemList,
    checklist_tick,
    checklist_view,
    install_checklist_defaults,
    missing_by_move,
    missing_items,
    requirements,
    ticked_items,
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


# ---- Ticks, what is missing, and the requirements in checklist order --------------------------


def test_the_latest_tick_of_an_item_counts(world):
    complaint = world.complaint()
    actor = world.user(Role.FRONTLINE)
    checklist_tick(complaint=complaint, actor=actor, item="read_back", done=True)
    checklist_tick(complaint=complaint, actor=actor, item="summary", done=True)
    checklist_tick(complaint=complaint, actor=actor, item="summary", done=False)
    ticked = ticked_items(complaint)
    assert set(ticked) == {"read_back"}
    assert ticked["read_back"].actor == actor
    with pytest.raises(ValueError):
        checklist_tick(complaint=complaint, actor=actor, item="no_such_item", done=True)


def test_missing_items_are_the_required_ones_not_ticked_in_checklist_order(world):
    complaint = world.complaint()
    ChecklistRequirement.objects.filter(organisation=world.org).delete()
    items = list(ITEM_TEXT)
    first, second, third = items[0], items[1], items[2]
    for item in (third, first, second):
        ChecklistRequirement.objects.create(organisation=world.org, move="close", item=item)
    assert requirements(world.org.pk) == {"close": [first, second, third]}
    assert requirements(world.org.pk, moves=["confirm"]) == {}
    assert missing_items(complaint, "close") == [first, second, third]
    checklist_tick(complaint=complaint, actor=world.user(Role.FRONTLINE), item=second, done=True)
    assert missing_items(complaint, "close") == [first, third]
    assert missing_by_move(complaint, ["close", "confirm"]) == {"close": [first, third]}
    # What the caller read already is used as it is.
    assert missing_by_move(complaint, ["close"], ticked={first: None, third: None}) == {
        "close": [second]
    }
    assert missing_items(complaint, "confirm") == []


def test_an_item_list_reads_in_the_language_of_the_response():
    codes = list(ITEM_TEXT)[:2]
    with translation.override("en"):
        english = str(ItemList(codes))
    with translation.override("zh-hans"):
        chinese = str(ItemList(codes))
    assert english == "; ".join(str(ITEM_TEXT[c]) for c in codes) != chinese
    assert str(ItemList([])) == ""


def test_defaults_are_installed_once(world):
    ChecklistRequirement.objects.filter(organisation=world.org, move="close").delete()
    remaining = ChecklistRequirement.objects.filter(organisation=world.org).count()
    install_checklist_defaults(world.org)
    assert ChecklistRequirement.objects.filter(organisation=world.org).count() == remaining
    fresh = OrganisationFactory()
    install_checklist_defaults(fresh)
    installed = requirements(fresh.pk)
    assert {m: sorted(i) for m, i in installed.items()} == {
        m: sorted(i) for m, i in DEFAULT_REQUIREMENTS.items()
    }
