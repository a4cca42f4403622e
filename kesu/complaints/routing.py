"""Which department a new complaint goes to (DOMAIN §10: routing by subject).

An organisation's routing rules match a complaint by category (a node and everything under
it), cause class, channel, severity and demand; an empty criterion matches anything. The
most specific active rule wins (most criteria set, then the deeper category, then the higher
priority, then the older rule). A rule names a department by its code (the department of that
code in the complaint's own branch), a person who then owns the complaint, or a role (the
person of that role in the department, or in the branch, with the fewest open complaints),
or a department and a role together. A rule the branch cannot follow (no department of that
code, an owner working elsewhere, nobody of that role) gives way to the next matching one.
Where none applies, the complaint stays with the registering user and their department, as
before routing.
"""

from dataclasses import dataclass

from django.db.models import Count

from kesu.complaints.choices import OPEN_STATES
from kesu.complaints.models import Category, Complaint, RoutingRule, in_subtree
from kesu.complaints.people import department_managers, handling_managers
from kesu.complaints.severity import suggest_severity
from kesu.organisation.models import Branch, Department, User


@dataclass(frozen=True)
class Route:
    department: Department | None
    rule: RoutingRule | None
    owner: User | None = None  # None: the registering user keeps it


def active_rules(organisation_id: int) -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(organisation_id=organisation_id, is_active=True).select_related(
            "category", "owner"
        )
    )


def _matches(rule: RoutingRule, *, category: Category | None, **codes: str) -> bool:
    if any(getattr(rule, name) and getattr(rule, name) != value for name, value in codes.items()):
        return False
    if rule.category_id is None:
        return True
    if category is None:
        return False
    return in_subtree(category.path, rule.category.path)


def _rank(rule: RoutingRule) -> tuple:
    depth = rule.category.path.count("/") + 1 if rule.category_id else 0
    return (-rule.specificity, -depth, -rule.priority, rule.pk)


def matching_rules(rules, *, category, cause="", channel="", severity="", demand=""):
    """The rules that match, the winning one first."""
    found = [
        r
        for r in rules
        if r.is_active
        and _matches(
            r, category=category, cause=cause, channel=channel, severity=severity, demand=demand
        )
    ]
    return sorted(found, key=_rank)


def route_for(
    *,
    actor: User,
    branch: Branch,
    category: Category | None,
    cause: str = "",
    channel: str = "",
    severity: str = "",
    demand: str = "",
    rules: list[RoutingRule] | None = None,
) -> Route:
    """The department (and owner) a complaint with these values goes to, and the rule that sent
    it there."""
    rules = active_rules(branch.organisation_id) if rules is None else rules
    candidates = matching_rules(
        rules, category=category, cause=cause, channel=channel, severity=severity, demand=demand
    )
    if candidates:
        by_code = {d.code: d for d in Department.objects.filter(branch=branch)}
        for rule in candidates:
            route = _follow(rule, branch, by_code)
            if route is not None:
                return route
    own = actor.department
    return Route(own if own is not None and own.branch_id == branch.pk else None, None)


def _follow(rule: RoutingRule, branch: Branch, by_code: dict[str, Department]) -> Route | None:
    """Where `rule` sends a complaint of `branch`, or None where the branch cannot follow it."""
    department = by_code.get(rule.department_code) if rule.department_code else None
    if rule.department_code and department is None:
        return None
    if rule.owner_id:
        owner = rule.owner
        if owner is None or not owner.is_active or owner.branch_id != branch.pk:
            return None
        return Route(department or owner.department, rule, owner)
    if rule.owner_role:
        owner = least_busy(branch, rule.owner_role, department)
        if owner is None:
            return None
        return Route(department or owner.department, rule, owner)
    return Route(department, rule)


def least_busy(branch: Branch, role: str, department: Department | None) -> User | None:
    """The active person of `role` in the department (or the branch) with the fewest open
    complaints; the longest-serving one among equals."""
    people = User.objects.filter(branch=branch, role=role, is_active=True)
    if department is not None:
        people = people.filter(department=department)
    candidates = list(people.order_by("pk"))
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    load = dict(
        Complaint.objects.filter(owner__in=candidates, state__in=sorted(OPEN_STATES))
        .values_list("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return min(candidates, key=lambda user: load.get(user.pk, 0))


@dataclass(frozen=True)
class RoutePreview:
    """What the intake page says about where a complaint being typed will go."""

    route: Route
    chosen: bool  # staff picked the department themselves
    managers: list[User]
    stands_in: bool = False  # the managers are the customer director, for a department with none


def route_preview(
    *,
    actor: User,
    branch: Branch,
    department: Department | None = None,
    category: Category | None = None,
    cause: str = "",
    channel: str = "",
    demand: str = "",
    title: str = "",
    account: str = "",
) -> RoutePreview:
    """The department a complaint typed so far would go to (as complaint_register routes it,
    with the severity it would be suggested), and the handling managers who would see it."""
    if department is not None:
        route = Route(department, None)
    else:
        suggestion = suggest_severity(
            organisation_id=branch.organisation_id,
            title=title,
            account=account,
            demand=demand,
            channel=channel,
            category=category,
        )
        route = route_for(
            actor=actor,
            branch=branch,
            category=category,
            cause=cause or (category.default_cause if category else ""),
            channel=channel,
            severity=suggestion.severity,
            demand=demand,
        )
    managers: list[User] = []
    stands_in = False
    if route.department is not None:
        # As the notifications and "waiting for me" have it: the department's handling
        # managers, or where it has none the branch's customer director.
        managers = department_managers(branch.organisation_id, route.department.pk)
        if not managers:
            managers = handling_managers(branch.organisation_id, route.department.pk, branch.pk)
            stands_in = bool(managers)
    return RoutePreview(
        route=route, chosen=department is not None, managers=managers, stands_in=stands_in
    )
