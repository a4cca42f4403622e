import pytest

from kesu.complaints.tests.triage_history import closed_history
from kesu.complaints.triage_suggestions import triage_suggest
from kesu.complaints.triage_training import train_organisation
from kesu.core.errors import NotAllowed
from kesu.organisation.choices import Role


def test_the_organisations_models_suggest_category_cause_and_department(world):
    categories = closed_history(world)
    train_organisation(world.org.pk)
    data = triage_suggest(
        actor=world.user(Role.FRONTLINE), title="车漆", account="新车车漆起泡，还有划痕"
    )
    assert data["category"][0]["value"] == str(categories["paint"].pk)
    assert data["category"][0]["label"] == "车漆问题"
    assert data["cause"][0]["value"] == "missed_at_pdi"
    assert data["department"][0]["value"] == str(world.service.pk)
    assert data["demand"] == []  # one value in the history: not trained
    assert data["upset_level"][0] == data["upset_level"][0] | {"value": "3", "label": "3"}
    assert data["personality_type"] == []
    assert all(0 < item["confidence"] <= 1 for item in data["category"])


def test_departments_of_another_branch_are_not_suggested(world):
    closed_history(world)
    train_organisation(world.org.pk)
    other = world.other_users[Role.FRONTLINE]
    data = triage_suggest(actor=other, title="收费", account="保养乱收费")
    assert data["department"] == []
    assert data["category"]  # the organisation's categories are theirs too


def test_an_inactive_category_is_not_suggested(world):
    categories = closed_history(world)
    train_organisation(world.org.pk)
    categories["paint"].is_active = False
    categories["paint"].save()
    data = triage_suggest(
        actor=world.user(Role.FRONTLINE), title="车漆", account="新车车漆起泡，还有划痕"
    )
    assert str(categories["paint"].pk) not in {item["value"] for item in data["category"]}


def test_a_role_that_may_not_register_is_refused(world):
    with pytest.raises(NotAllowed):
        triage_suggest(actor=world.user(Role.ADMIN), title="x", account="x")


def test_no_crisis_no_reasons_reads_general_at_even_odds(world):
    data = triage_suggest(actor=world.user(Role.FRONTLINE), title="咨询", account="问一下保养周期")
    assert data["severity"] | {"evidence": []} == {
        "value": "general",
        "label": "General",
        "confidence": 0.5,
        "evidence": [],
        "reasons": [],
        "crisis": False,
    }
    assert data["crisis"] == {"value": False, "kinds": []}


def test_registration_records_the_suggestions_shown_next_to_what_was_chosen(world):
    from kesu.audit.models import AuditEntry

    complaint = world.complaint(
        cause="process",
        upset_level=3,
        triage={"cause": "process", "upset_level": "4", "severity": "general"},
    )
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="register")
    assert entry.data["triage"] == {
        "cause": {"suggested": "process", "chosen": "process", "accepted": True},
        "severity": {"suggested": "general", "chosen": "general", "accepted": True},
        "upset_level": {"suggested": "4", "chosen": "3", "accepted": False},
    }


def test_without_suggestions_the_entry_has_none(world):
    from kesu.audit.models import AuditEntry

    complaint = world.complaint()
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="register")
    assert "triage" not in entry.data


def test_suggestions_of_unknown_fields_are_refused(world):
    from django.core.exceptions import ValidationError as DjangoValidationError

    with pytest.raises(DjangoValidationError) as caught:
        world.complaint(triage={"colour": "red"})
    assert "triage" in str(caught.value)
