"""What a new organisation starts with: settings, questionnaires and callback plans, once."""

from kesu.callbacks.defaults import DEFAULT_PLANS, DEFAULT_SURVEYS, VIP, install_callback_defaults
from kesu.callbacks.models import CallbackPlan, CallbackSettings, Survey
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory


def test_a_new_organisation_gets_settings_plans_and_questionnaires(world):
    assert CallbackSettings.objects.filter(organisation=world.org).exists()
    plans = {p.code: p for p in CallbackPlan.objects.filter(organisation=world.org)}
    assert {
        "welcome",
        "delivery_7",
        "delivery_25",
        "service_3",
        "satisfaction",
        "follow_up",
    } <= set(plans)
    assert (plans["delivery_7"].offset_days, plans["delivery_25"].offset_days) == (7, 25)
    assert plans["service_3"].offset_days == 3 and plans["welcome"].offset_days == 1
    assert (
        plans["satisfaction"].role == Role.DIRECTOR
        and plans["satisfaction"].survey.code == "satisfaction"
    )
    assert (plans["sample_deliveries"].level, plans["loyalty"].level) == (2, 3)


def test_installing_again_adds_nothing_and_keeps_the_organisations_changes(world):
    plan = CallbackPlan.objects.get(organisation=world.org, code="welcome")
    plan.offset_days = 2
    plan.save()
    Survey.objects.filter(organisation=world.org, code="periodic").update(code="periodic-2025")
    counts = (CallbackPlan.objects.count(), CallbackSettings.objects.count())
    install_callback_defaults(world.org)
    assert (CallbackPlan.objects.count(), CallbackSettings.objects.count()) == counts
    assert CallbackPlan.objects.get(pk=plan.pk).offset_days == 2
    # A default questionnaire that is missing by its code comes back with its questions in order.
    periodic = Survey.objects.get(organisation=world.org, code="periodic")
    assert [q.code for q in periodic.questions.all()] == ["product", "service", "nps", "needs"]
    assert [q.required for q in periodic.questions.all()] == [True, True, True, False]


def test_every_default_plan_is_installed_with_its_questionnaire(db):
    organisation = OrganisationFactory()
    install_callback_defaults(organisation)
    plans = CallbackPlan.objects.filter(organisation=organisation)
    assert [p.code for p in plans] == [row[0] for row in DEFAULT_PLANS]
    by_code = {p.code: p for p in plans}
    assert by_code["questionnaire"].interval_days == 180
    assert by_code["questionnaire"].survey.code == "periodic"
    assert by_code["holiday"].tiers == [str(t) for t in VIP]
    assert by_code["welcome"].survey is None
    surveys = Survey.objects.filter(organisation=organisation)
    assert {s.code for s in surveys} == {code for code, *_ in DEFAULT_SURVEYS}
    satisfaction = surveys.get(code="satisfaction")
    assert satisfaction.name_en == "Satisfaction with the handling"
    assert satisfaction.questions.count() == 4


def test_the_sales_advisor_calls_within_three_days_of_a_delivery(world):
    """Seed 001: the sales advisor's own call within 3 days of the delivery, before the
    specialist's 7- and 25-day calls; advisors are frontline staff in Kesu."""
    plan = CallbackPlan.objects.get(organisation=world.org, code="delivery_3")
    assert (plan.event, plan.role, plan.level, plan.delivery) == (
        "delivered",
        Role.FRONTLINE,
        1,
        "call",
    )
    assert plan.callback_type == "delivery" and plan.is_active
    # Due the day after, on time up to the third day.
    assert (plan.offset_days, plan.offset_days + plan.grace_days) == (1, 3)
    codes = [p.code for p in CallbackPlan.objects.filter(organisation=world.org)]
    assert codes.index("delivery_3") < codes.index("delivery_7")


def test_the_data_migration_gives_existing_organisations_the_sales_advisors_call(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("kesu.callbacks.migrations.0003_delivery_3_plan")
    CallbackPlan.objects.filter(organisation=world.org, code="delivery_3").delete()
    without_plans = OrganisationFactory()  # gets every plan when its template is installed
    migration.add_plan(apps, None)
    migration.add_plan(apps, None)  # and only once
    (plan,) = CallbackPlan.objects.filter(code="delivery_3", organisation=world.org)
    assert (plan.role, plan.offset_days, plan.grace_days, plan.event) == (
        Role.FRONTLINE,
        1,
        2,
        "delivered",
    )
    defaults = next(row for row in DEFAULT_PLANS if row[0] == "delivery_3")
    assert (plan.name, plan.name_en) == defaults[1:3]  # the migration's copy matches
    assert not CallbackPlan.objects.filter(organisation=without_plans).exists()
