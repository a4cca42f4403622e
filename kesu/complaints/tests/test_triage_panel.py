import json
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import override

from kesu.complaints.models import Complaint
from kesu.complaints.tests.triage_history import intake_history
from kesu.complaints.triage_panel import (
    acceptance_figures,
    form_triage,
    intake_panel,
    may_read_acceptance,
    triage_timeline,
)
from kesu.complaints.triage_training import train_organisation
from kesu.organisation.choices import Role

BRAKES = {"title": "刹车异响", "account": "刹车异响，制动距离变长，要求退车"}


def _rows(panel):
    return {row.field: row for row in panel["rows"]}


def test_nothing_is_suggested_for_empty_text(world):
    assert intake_panel(world.user(Role.FRONTLINE), title="  ", account="\x00") is None


def test_without_the_organisations_models_severity_and_problem_areas(world):
    with override("zh-hans"):
        panel = intake_panel(world.user(Role.FRONTLINE), **BRAKES)
    rows = _rows(panel)
    assert list(rows) == ["severity", "problem_areas"]
    assert rows["problem_areas"].best.value == "E" and rows["problem_areas"].best.percent > 50
    assert "刹车" in rows["problem_areas"].best.evidence
    assert not rows["severity"].accepts and rows["severity"].note
    assert panel["triage"] == "{}" and not panel["fillable"]


def test_the_organisations_models_fill_the_form_fields(world):
    categories = intake_history(world)
    train_organisation(world.org.pk)
    with override("zh-hans"):
        panel = intake_panel(world.user(Role.FRONTLINE), **BRAKES)
    rows = _rows(panel)
    assert list(rows) == [
        "severity",
        "problem_areas",
        "category",
        "demand",
        "cause",
        "department",
        "upset_level",
        "personality_type",
    ]
    category = rows["category"].best
    assert category.value == str(categories["brakes"].pk)
    assert (
        category.label == category.fill == "产品质量 › 制动异响"
    )  # the path, as the field takes it
    assert rows["demand"].best.fill == "return" and rows["demand"].best.label == "退货/退车"
    assert rows["upset_level"].best.value == "4"
    assert rows["department"].best.value == str(world.service.pk)
    assert category.evidence and all(word in BRAKES["account"] for word in category.evidence)
    assert json.loads(panel["triage"]) == {
        "category": str(categories["brakes"].pk),
        "cause": "product_quality",
        "demand": "return",
        "department": str(world.service.pk),
        "personality_type": "impatient",
        "upset_level": "4",
    }


def test_an_organisation_wide_user_gets_only_the_chosen_branchs_departments(world):
    intake_history(world)
    train_organisation(world.org.pk)
    group = world.user(Role.GROUP)
    assert "department" in _rows(intake_panel(group, **BRAKES, branch_id=world.branch.pk))
    rows = _rows(intake_panel(group, **BRAKES, branch_id=world.other_branch.pk))
    assert "department" not in rows and "category" in rows


def test_text_past_the_limits_and_null_bytes_are_read_cut_and_cleaned(world):
    panel = intake_panel(
        world.user(Role.FRONTLINE), title="刹\x00车" * 500, account="异响" * 10_000
    )
    assert _rows(panel)["problem_areas"].best.value == "E"


def test_the_forms_triage_keeps_only_suggestions():
    assert form_triage('{"demand": "refund", "cause": "process"}') == {
        "demand": "refund",
        "cause": "process",
    }
    assert form_triage('{"demand": "refund", "colour": "red", "cause": 3}') == {"demand": "refund"}
    assert form_triage('{"demand": "' + "x" * 41 + '"}') is None
    for tampered in ("", "not json", "[1, 2]", '"text"', "{" * 2000, '{"demand": "a\\u0000"}'):
        assert form_triage(tampered) is None


def test_acceptance_figures_per_field_over_30_and_90_days_in_the_users_scope(world):
    world.complaint(demand="repair", triage={"demand": "repair", "cause": "process"})
    old = world.complaint(demand="refund", triage={"demand": "repair"})
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=45))
    world.complaint(actor=world.other_users[Role.FRONTLINE], triage={"demand": "repair"})
    director = {f.field: f for f in acceptance_figures(world.user(Role.DIRECTOR))}
    thirty, ninety = director["demand"].periods
    assert thirty == {"days": 30, "shown": 1, "accepted": 1, "changed": 0, "rate": 100}
    assert ninety == {"days": 90, "shown": 2, "accepted": 1, "changed": 1, "rate": 50}
    assert director["cause"].periods[0]["changed"] == 1
    assert director["category"].periods[0] == {
        "days": 30,
        "shown": 0,
        "accepted": 0,
        "changed": 0,
        "rate": None,
    }
    assert "200" in director["category"].model  # no model yet
    group = {f.field: f for f in acceptance_figures(world.user(Role.GROUP))}
    assert group["demand"].periods[1]["shown"] == 3  # every branch


def test_the_model_in_use_is_named_with_when_and_on_how_many(world):
    intake_history(world)
    train_organisation(world.org.pk)
    figures = {f.field: f for f in acceptance_figures(world.user(Role.ADMIN))}
    with override("en"):
        figures = {f.field: f for f in acceptance_figures(world.user(Role.ADMIN))}
    assert "trained" in figures["category"].model and "210" in figures["category"].model
    assert "severity rules" in figures["severity"].model


def test_who_reads_the_figures(world):
    readers = {role for role in Role.values if may_read_acceptance(world.user(role))}
    assert readers == {Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP, Role.ADMIN}


def test_the_timeline_says_what_was_kept_and_what_changed(world):
    with override("en"):
        words = triage_timeline(
            {
                "department": {"suggested": str(world.service.pk), "chosen": "", "accepted": False},
                "demand": {"suggested": "return", "chosen": "refund", "accepted": False},
                "cause": {"suggested": "process", "chosen": "process", "accepted": True},
                "colour": {"suggested": "red"},
            },
            world.org.pk,
        )
    assert words == {
        "kept": ["Cause class"],
        "changed": [
            ("Demand", "Return", "Refund"),
            ("Handling department", world.service.name, "—"),
        ],
    }
