"""Which department a new complaint goes to (DOMAIN §10: routing by subject).

An organisation's routing rules match a complaint by category (a node and everything under
it), cause class, channel, severity and demand; an empty criterion matches anything. The
most specific active rule wins (most criteria set, then the deeper category, then the higher
priority, then the older rule), and names a department by its code: the department of that
code in the complaint's own branch. Where no rule matches, or the branch has no department of
that code, the complaint stays with the registering user's department, as before routing.
"""

from dataclasses import dataclass

from kesu.complaints.models import Category, RoutingRule, in_subtree
from kesu.organisation.models import Branch, Department, User


@dataclass(frozen=True)
class Route:
    department: Department | None
    rule: RoutingRule | None


def active_rules(organisation_id: int) -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(organisation_id=organisation_id, is_active=True).select_related(
            "category"
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
    """The department a complaint with these values goes to, and the rule that sent it there."""
    rules = active_rules(branch.organisation_id) if rules is None else rules
    candidates = matching_rules(
        rules, category=category, cause=cause, channel=channel, severity=severity, demand=demand
    )
    if candidates:
        by_code = {d.code: d for d in Department.objects.filter(branch=branch)}
        for rule in candidates:
            if rule.department_code in by_code:
                return Route(by_code[rule.department_code], rule)
    own = actor.department
    return Route(own if own is not None and own.branch_id == branch.pk else None, None)
