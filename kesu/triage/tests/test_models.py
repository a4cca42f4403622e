from kesu.triage import models


def test_the_shipped_model_is_small_loads_and_knows_the_areas():
    assert models.SHIPPED_MODEL.stat().st_size < 3_000_000
    models.shipped_model.cache_clear()
    model = models.shipped_model()
    assert set("ABDEFGHIJKLMN") <= set(model.labels)
    assert model.predict("刹车异响，制动距离变长")[0].label == "E"


def test_every_shipped_area_has_a_label():
    assert set(models.shipped_model().labels) <= set(models.PROBLEM_AREA_LABELS)


def _store(organisation, field, labels):
    from django.utils import timezone

    from kesu.triage import classifier

    model = classifier.train(["发动机异响", "销售态度差"], [{labels[0]}, {labels[1]}])
    return models.TrainedModel.objects.update_or_create(
        organisation=organisation,
        field=field,
        defaults={"weights": model.to_bytes(), "examples": 2, "trained_at": timezone.now()},
    )[0]


def test_organisation_models_are_cached_and_reloaded_when_retrained(db, django_assert_num_queries):
    from kesu.organisation.tests.factories import OrganisationFactory

    mine, theirs = OrganisationFactory(), OrganisationFactory()
    _store(mine, "cause", ["product_quality", "service_manner"])
    _store(theirs, "demand", ["repair", "apology"])
    first = models.organisation_models(mine.pk)
    assert set(first) == {"cause"}
    with django_assert_num_queries(1):  # only the check for a newer model
        assert models.organisation_models(mine.pk) is first
    _store(mine, "cause", ["process", "other"])
    again = models.organisation_models(mine.pk)
    assert again is not first and again["cause"].labels == ["other", "process"]
    assert set(models.organisation_models(theirs.pk)) == {"demand"}


def test_trained_model_reads_as_its_organisation_and_field(db):
    from kesu.organisation.tests.factories import OrganisationFactory

    stored = _store(OrganisationFactory(name="东风"), "cause", ["process", "other"])
    assert "东风" in str(stored)
