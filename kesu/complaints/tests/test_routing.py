import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import CauseClass, ComplaintAction, Severity
from kesu.complaints.consistency import iter_complaint_mismatches
from kesu.complaints.defaults import DEALERSHIP_ROUTING, install_routing_defaults
from kesu.complaints.models import Category, RoutingRule
from kesu.complaints.routing import matching_rules, route_for
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import DepartmentFactory, UserFactory


def category(world, code):
    return Category.objects.get(organisation=world.org, code=code)


@pytest.mark.parametrize(
    "code,department",
    [
        ("sales.promise", "sales"),
        ("sales.delivery_delay", "sales"),
        ("vehicle.engine", "service"),
        ("aftersales.parts", "service"),
        ("manner", "service"),
        ("value_added.insurance", "value_added"),
    ],
)
def test_the_dealership_defaults_route_by_subject(world, code, department):
    DepartmentFactory(branch=world.branch, code="value_added")
    complaint = world.complaint(category=category(world, code))
    assert complaint.department.code == department
    assert complaint.routed_by is not None
    assert complaint.routed_by.department_code == department


def test_a_promise_not_kept_goes_to_sales_without_a_category(world):
    complaint = world.complaint(cause=CauseClass.PROMISE_NOT_KEPT)
    assert complaint.department == world.sales


def test_a_price_or_order_demand_goes_to_the_sales_department(world):
    """Only sales can grant a lower price or cancel an order: routed there where the category
    names no other department; a vehicle defect with such a demand stays with after-sales."""
    for demand in ("price_reduction", "cancel_order"):
        complaint = world.complaint(demand=demand)
        assert complaint.department == world.sales, demand
        assert complaint.routed_by.demand == demand
    process = category(world, "process")
    assert world.complaint(demand="cancel_order", category=process).department == world.sales
    defect = world.complaint(demand="price_reduction", category=category(world, "vehicle.engine"))
    assert defect.department == world.service and defect.routed_by.category.code == "vehicle"


def test_without_a_matching_rule_the_registrar_keeps_it(world):
    complaint = world.complaint(category=category(world, "other"))
    assert complaint.department == world.service  # the frontline user's department
    assert complaint.routed_by is None


def test_a_rule_whose_department_the_branch_lacks_gives_way(world):
    # The east branch has no value-added department: the registrar's department keeps it.
    complaint = world.complaint(category=category(world, "value_added.finance"))
    assert complaint.department == world.service
    assert complaint.routed_by is None


def test_the_most_specific_rule_wins(world):
    vehicle, engine = category(world, "vehicle"), category(world, "vehicle.engine")
    deeper = RoutingRule.objects.create(
        organisation=world.org, name="发动机 → 销售", category=engine, department_code="sales"
    )
    complaint = world.complaint(category=engine)
    assert (complaint.department, complaint.routed_by) == (world.sales, deeper)
    major = RoutingRule.objects.create(
        organisation=world.org,
        name="重大车辆质量 → 售后",
        category=vehicle,
        severity=Severity.MAJOR,
        department_code="service",
    )
    rules = list(RoutingRule.objects.filter(organisation=world.org).select_related("category"))
    found = matching_rules(rules, category=engine, severity=Severity.MAJOR)
    assert found[0] == major  # two criteria beat one, however deep
    assert matching_rules(rules, category=engine, severity=Severity.GENERAL)[0] == deeper


def test_priority_breaks_a_tie_and_inactive_rules_do_not_count(world):
    manner = category(world, "manner")
    favoured = RoutingRule.objects.create(
        organisation=world.org, name="态度 → 销售", category=manner, department_code="sales",
        priority=5,
    )  # fmt: skip
    assert world.complaint(category=manner).department == world.sales
    favoured.is_active = False
    favoured.save()
    assert world.complaint(category=manner).department == world.service


def test_staff_may_choose_the_department(world):
    complaint = world.complaint(category=category(world, "sales.promise"), department=world.service)
    assert complaint.department == world.service
    assert complaint.routed_by is None


def test_a_department_of_another_branch_is_refused(world):
    west = DepartmentFactory(branch=world.other_branch, code="sales")
    with pytest.raises(ValidationError) as refused:
        world.complaint(department=west)
    assert "department" in refused.value.message_dict


def test_the_registration_records_the_rule_and_the_row_matches_its_timeline(world):
    complaint = world.complaint(category=category(world, "sales.pricing"))
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action=ComplaintAction.REGISTER)
    assert entry.data["fields"]["routed_by"] == complaint.routed_by_id
    assert entry.data["fields"]["department"] == world.sales.pk
    assert list(iter_complaint_mismatches()) == []


def test_route_for_previews_without_registering(world):
    route = route_for(
        actor=world.user(Role.FRONTLINE), branch=world.branch, category=category(world, "sales")
    )
    assert route.department == world.sales
    assert route.rule.name == "销售事项 → 销售部"


def test_routing_defaults_are_installed_once(world):
    assert RoutingRule.objects.filter(organisation=world.org).count() == len(DEALERSHIP_ROUTING)
    install_routing_defaults(world.org, DEALERSHIP_ROUTING)
    assert RoutingRule.objects.filter(organisation=world.org).count() == len(DEALERSHIP_ROUTING)


def test_a_rule_may_name_the_person_who_handles_it(world):
    """The owner named by the rule owns the complaint from registration; their department
    is its department unless the rule names another."""
    keeper = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    rule = RoutingRule.objects.create(
        organisation=world.org, name="定金 → 赵敏", cause=CauseClass.PROMISE_NOT_KEPT,
        owner=keeper, priority=10,
    )  # fmt: skip
    complaint = world.complaint(cause=CauseClass.PROMISE_NOT_KEPT)
    assert (complaint.owner, complaint.department, complaint.routed_by) == (
        keeper,
        world.sales,
        rule,
    )
    assert complaint.registered_by == world.user(Role.FRONTLINE)
    assert list(iter_complaint_mismatches()) == []


def test_an_owner_of_another_branch_or_gone_gives_way_to_the_next_rule(world):
    west = world.other_users[Role.HANDLER]
    RoutingRule.objects.create(
        organisation=world.org, name="→ 西城", cause=CauseClass.PROMISE_NOT_KEPT, owner=west,
        priority=10,
    )  # fmt: skip
    complaint = world.complaint(cause=CauseClass.PROMISE_NOT_KEPT)
    assert complaint.owner == world.user(Role.FRONTLINE)
    assert complaint.department == world.sales  # the default sales rule
    assert complaint.routed_by.owner_id is None


def test_a_role_rule_gives_it_to_the_least_busy_person_of_that_role(world):
    first = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    second = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    RoutingRule.objects.create(
        organisation=world.org, name="销售 → 销售经理", cause=CauseClass.PROMISE_NOT_KEPT,
        department_code="sales", owner_role=Role.HANDLER, priority=10,
    )  # fmt: skip
    owners = [world.complaint(cause=CauseClass.PROMISE_NOT_KEPT).owner for _ in range(3)]
    assert owners == [first, second, first]  # the fewest open cases, the older among equals


def test_a_role_rule_nobody_holds_gives_way(world):
    RoutingRule.objects.create(
        organisation=world.org, name="→ 销售回访", cause=CauseClass.PROMISE_NOT_KEPT,
        department_code="sales", owner_role=Role.CALLBACK, priority=10,
    )  # fmt: skip
    complaint = world.complaint(cause=CauseClass.PROMISE_NOT_KEPT)
    assert complaint.owner == world.user(Role.FRONTLINE)
    assert complaint.routed_by.owner_role == ""


def test_a_rule_must_name_somewhere_to_go(world):
    with pytest.raises(ValidationError):
        RoutingRule(organisation=world.org, name="空").full_clean()
    with pytest.raises(ValidationError) as both:
        RoutingRule(
            organisation=world.org, name="两者", owner=world.user(Role.HANDLER),
            owner_role=Role.HANDLER,
        ).full_clean()  # fmt: skip
    assert "owner_role" in both.value.message_dict
    RoutingRule(organisation=world.org, name="角色", owner_role=Role.DIRECTOR).full_clean()


def test_a_rule_must_name_a_department_code_the_organisation_has(world):
    RoutingRule(organisation=world.org, name="销售", department_code="sales").full_clean()
    with pytest.raises(ValidationError) as typo:
        RoutingRule(organisation=world.org, name="错字", department_code="salse").full_clean()
    message = typo.value.message_dict["department_code"][0]
    assert "sales" in message and "service" in message  # the codes there are
