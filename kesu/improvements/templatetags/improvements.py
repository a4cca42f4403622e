"""Template filters other apps' pages use to offer improvement actions (templates are not
imports: the complaint page may show the link without the complaints app knowing this one)."""

from django import template

from kesu.improvements.forms import list_separator
from kesu.improvements.measures import unit_suffix
from kesu.improvements.selectors import may_create

register = template.Library()


@register.filter
def takes_improvement_actions(user) -> bool:
    """The user may record an improvement action (the complaint page's link to the form)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and may_create(user))


@register.filter
def joined(items) -> str:
    """The items as a list in a sentence of the active language ("、" in Chinese)."""
    return list_separator().join(str(item) for item in items)


@register.filter
def measure_unit(action) -> str:
    """The unit an action's (or a report row's) measure is counted in: "/ 30 days"."""
    return unit_suffix(getattr(action, "unit", ""), getattr(action, "denominator_label", ""))
