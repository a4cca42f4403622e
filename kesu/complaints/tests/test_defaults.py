"""install_defaults: the industry template's category tree, severity rules and the rest."""

import pytest

from kesu.callbacks.models import CallbackPlan
from kesu.complaints.defaults import (
    COMMON_SEVERITY_RULES,
    DEALERSHIP_TREE,
    TELECOM_SEVERITY_RULES,
    TEMPLATES,
    TREES,
    install_defaults,
)
from kesu.complaints.models import Category, ChecklistRequirement, SeverityRule
from kesu.organisation.tests.factories import OrganisationFactory
from kesu.sla.models import DeadlinePolicy

pytestmark = pytest.mark.django_db


def _nodes(tree, prefix=""):
    """(code, name, name_en, cause, order) of every node, codes as install_defaults writes them."""
    for order, (code, name, name_en, cause, children) in enumerate(tree):
        full = f"{prefix}.{code}" if prefix else code
        yield full, name, name_en, cause, order
        yield from _nodes(children, full)


def test_the_dealership_tree_is_installed_whole_with_its_order_and_causes():
    org = OrganisationFactory()
    install_defaults(org)
    installed = {
        c.code: (c.name, c.name_en, c.default_cause, c.sort_order)
        for c in Category.objects.filter(organisation=org)
    }
    expected = {code: rest for code, *rest in _nodes(DEALERSHIP_TREE)}
    assert installed == {code: tuple(rest) for code, rest in expected.items()}
    engine = Category.objects.get(organisation=org, code="vehicle.engine")
    assert engine.parent.code == "vehicle"
    assert engine.path == "vehicle/vehicle.engine"


def test_the_severity_rules_are_the_templates():
    org = OrganisationFactory()
    install_defaults(org, tree="telecom")
    rules = set(
        SeverityRule.objects.filter(organisation=org).values_list(
            "match", "value", "severity", "crisis", "reason_code"
        )
    )
    assert rules == {tuple(rule) for rule in COMMON_SEVERITY_RULES + TELECOM_SEVERITY_RULES}
    assert not SeverityRule.objects.filter(organisation=org, value="刹车失灵").exists()


def test_the_checklist_deadlines_and_callback_plans_come_too():
    org = OrganisationFactory()
    install_defaults(org, tree="general")
    assert ChecklistRequirement.objects.filter(organisation=org).exists()
    assert DeadlinePolicy.objects.filter(organisation=org).exists()
    assert CallbackPlan.objects.filter(organisation=org).exists()


def test_installing_again_or_another_template_keeps_what_is_there():
    org = OrganisationFactory()
    install_defaults(org, tree="general")
    counts = (
        Category.objects.filter(organisation=org).count(),
        SeverityRule.objects.filter(organisation=org).count(),
        ChecklistRequirement.objects.filter(organisation=org).count(),
    )
    install_defaults(org, tree="general")
    install_defaults(org, tree="dealership")
    assert counts == (
        Category.objects.filter(organisation=org).count(),
        SeverityRule.objects.filter(organisation=org).count(),
        ChecklistRequirement.objects.filter(organisation=org).count(),
    )
    assert not Category.objects.filter(organisation=org, code="vehicle").exists()


def test_each_part_is_installed_only_where_missing():
    org = OrganisationFactory()
    Category.objects.create(organisation=org, code="own", name="自定义")
    install_defaults(org)
    assert list(Category.objects.filter(organisation=org).values_list("code", flat=True)) == ["own"]
    assert SeverityRule.objects.filter(organisation=org).count() == len(TEMPLATES["dealership"][1])


def test_an_unknown_template_is_refused_and_installs_nothing():
    org = OrganisationFactory()
    with pytest.raises(KeyError):
        install_defaults(org, tree="bakery")
    assert not Category.objects.filter(organisation=org).exists()
    assert set(TREES) == set(TEMPLATES) == {"dealership", "telecom", "general"}


# ---- Recourse for unsatisfied customers ----------------------------------------------------


def _recourse_codes(org):
    from kesu.complaints.models import RecourseOption

    return list(
        RecourseOption.objects.filter(organisation=org)
        .order_by("sort_order")
        .values_list("code", flat=True)
    )


@pytest.mark.parametrize(
    ("template", "first", "has_maker"),
    [("dealership", "market_regulator", True), ("telecom", "telecom_appeals", False),
     ("general", "market_regulator", False)],
)  # fmt: skip
def test_each_template_tells_where_an_unsatisfied_customer_may_turn(template, first, has_maker):
    from kesu.complaints.defaults import RECOURSE

    org = OrganisationFactory()
    install_defaults(org, tree=template)
    codes = _recourse_codes(org)
    assert codes == [row[0] for row in RECOURSE[template]]
    assert codes[0] == first and codes[-1] == "court"
    assert ("manufacturer" in codes) is has_maker
    install_defaults(org, tree=template)  # again: nothing doubled
    assert len(_recourse_codes(org)) == len(codes)


def test_the_defaults_name_their_time_limits_in_both_languages():
    from kesu.complaints.defaults import RECOURSE

    for rows in RECOURSE.values():
        for code, name, name_en, how, how_en, limit, limit_en, _sms in rows:
            assert name and name_en and how and how_en and limit and limit_en, code
            # The English texts carry no Chinese (the English pages are checked for it).
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in name_en + how_en + limit_en)
    court = dict((row[0], row) for row in RECOURSE["general"])["court"]
    assert "三年" in court[5] and "第一百八十八条" in court[5]


def test_the_migration_gives_organisations_made_before_their_templates_options():
    import importlib

    from django.apps import apps

    from kesu.complaints.models import RecourseOption

    migration = importlib.import_module("kesu.complaints.migrations.0022_recourse_options")
    dealer, telecom, bare = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    install_defaults(dealer, tree="dealership")
    install_defaults(telecom, tree="telecom")
    RecourseOption.objects.all().delete()
    migration.install_for_existing(apps, None)
    assert "manufacturer" in _recourse_codes(dealer)
    assert _recourse_codes(telecom)[0] == "telecom_appeals"
    assert _recourse_codes(bare) == []  # no template: nothing to tell yet
