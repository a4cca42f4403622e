from datetime import timedelta

from django.utils import timezone

from kesu.complaints.tests.triage_history import closed_history
from kesu.complaints.triage_training import (
    retrain_due_organisations,
    train_organisation,
    training_rows,
)
from kesu.organisation.tests.factories import OrganisationFactory
from kesu.triage.models import TrainedModel, organisation_models


def test_learns_the_category_from_a_small_history(world):
    categories = closed_history(world)
    results = {r.field: r for r in train_organisation(world.org.pk)}
    assert results["category"].examples == 210 and results["category"].classes == 3
    assert results["category"].accuracy == 1.0
    assert results["cause"].skipped == "" and results["department"].skipped == ""
    # Every complaint's demand is the default: one value, nothing to learn.
    assert results["demand"].skipped == "only one value"
    assert results["personality_type"].skipped == "too few examples"
    models = organisation_models(world.org.pk)
    assert set(models) == {"category", "cause", "department", "upset_level"}
    assert models["upset_level"].predict("收费太贵")[0].label == "4"
    best = models["category"].predict("车漆脱落起泡")[0]
    assert best.label == str(categories["paint"].pk) and best.evidence
    assert models["department"].predict("乱收费")[0].label == str(world.sales.pk)
    stored = TrainedModel.objects.get(organisation=world.org, field="category")
    assert stored.examples == 210 and stored.metrics["held_out"] == 42


def test_fewer_than_200_examples_train_nothing(world):
    closed_history(world, per_topic=60)
    results = train_organisation(world.org.pk)
    assert all(r.skipped == "too few examples" for r in results)
    assert not TrainedModel.objects.exists()


def test_reads_only_the_organisations_closed_complaints(world):
    closed_history(world, per_topic=2)
    world.complaint()  # registered, not closed
    assert len(training_rows(world.org.pk)) == 6
    assert training_rows(OrganisationFactory().pk) == []
    assert len(training_rows(world.org.pk, newest=4)) == 4


def test_the_nightly_job_is_idempotent(world):
    closed_history(world)
    now = timezone.now()
    assert retrain_due_organisations(now) == 1
    stamp = TrainedModel.objects.get(organisation=world.org, field="category").trained_at
    assert retrain_due_organisations(now + timedelta(hours=1)) == 0
    assert TrainedModel.objects.get(organisation=world.org, field="category").trained_at == stamp
    # The next night it retrains (new closed complaints count).
    assert retrain_due_organisations(now + timedelta(days=1)) == 1


def test_the_nightly_job_leaves_small_organisations_alone(world):
    closed_history(world, per_topic=10)
    assert retrain_due_organisations() == 0
    assert not TrainedModel.objects.exists()


def test_counts_how_often_staff_keep_the_suggestions(world):
    from kesu.complaints.triage_training import acceptance

    world.complaint(demand="repair", triage={"demand": "repair", "cause": "process"})
    world.complaint(demand="refund", triage={"demand": "repair"})
    world.complaint()  # no suggestions shown
    assert acceptance(world.org.pk) == {
        "cause": {"shown": 1, "accepted": 0},
        "demand": {"shown": 2, "accepted": 1},
    }
    assert acceptance(OrganisationFactory().pk) == {}


def test_acceptance_since_a_date_and_for_one_branch(world):
    from datetime import timedelta

    from django.utils import timezone

    from kesu.complaints.models import Complaint
    from kesu.complaints.triage_training import acceptance
    from kesu.organisation.choices import Role

    kept = world.complaint(demand="repair", triage={"demand": "repair"})
    old = world.complaint(demand="refund", triage={"demand": "repair"})
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    world.complaint(actor=world.other_users[Role.FRONTLINE], triage={"upset_level": "3"})
    month = timezone.now() - timedelta(days=30)
    assert acceptance(world.org.pk, since=month) == {
        "demand": {"shown": 1, "accepted": 1},
        "upset_level": {"shown": 1, "accepted": 0},
    }
    assert acceptance(world.org.pk, since=month, branch_id=kept.branch_id) == {
        "demand": {"shown": 1, "accepted": 1}
    }
    assert acceptance(world.org.pk)["demand"] == {"shown": 2, "accepted": 1}
