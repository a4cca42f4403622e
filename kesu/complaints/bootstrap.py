"""A new organisation made from an industry template, ready to register complaints.

`manage.py create_organisation` and the admin action "Install the industry template" use it.
An organisation created by hand in the admin used to get no categories, rules, deadlines or
callback plans at all.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kesu.complaints import hooks
from kesu.complaints.defaults import TEMPLATES, install_defaults
from kesu.organisation.models import Branch, CompensationLimit, Department, Organisation
from kesu.organisation.services import DEFAULT_COMPENSATION_LIMITS

# The departments each branch starts with, per template: (code, name).
TEMPLATE_DEPARTMENTS = {
    "dealership": [
        ("sales", "销售部"),
        ("service", "售后服务部"),
        ("value_added", "增值业务部"),
        ("care", "客户关爱部"),
    ],
    "telecom": [
        ("customer", "客户服务部"),
        ("billing", "计费账务中心"),
        ("network", "网络维护部"),
        ("channels", "营业厅渠道部"),
    ],
    "general": [("customer", "客户服务部"), ("operations", "运营部")],
}
TEMPLATE_LABELS = {
    "dealership": _("car dealership"),
    "telecom": _("telecom operator"),
    "general": _("general service"),
}


def organisation_install_template(organisation: Organisation, template: str) -> None:
    """Everything the template gives that the organisation does not have yet (safe to repeat)."""
    if template not in TEMPLATES:
        raise ValueError(template)
    install_defaults(organisation, tree=template)
    existing = set(
        CompensationLimit.objects.filter(organisation=organisation).values_list("role", flat=True)
    )
    CompensationLimit.objects.bulk_create(
        CompensationLimit(organisation=organisation, role=role, max_amount=amount)
        for role, amount in DEFAULT_COMPENSATION_LIMITS.items()
        if role not in existing
    )
    hooks.template_installed(organisation)  # sla: the default working calendar
    for branch in organisation.branches.all():
        branch_install_departments(branch, template)


def branch_install_departments(branch: Branch, template: str) -> None:
    if branch.departments.exists():
        return
    Department.objects.bulk_create(
        Department(branch=branch, code=code, name=name)
        for code, name in TEMPLATE_DEPARTMENTS[template]
    )


@transaction.atomic
def organisation_bootstrap(
    *, name: str, code: str, template: str, branches: list[tuple[str, str]], prefix: str = "KS"
) -> Organisation:
    """Create an organisation with its branches (code, name) from an industry template."""
    if template not in TEMPLATES:
        raise ValueError(template)
    organisation = Organisation.objects.create(name=name, code=code, number_prefix=prefix)
    for branch_code, branch_name in branches:
        Branch.objects.create(organisation=organisation, code=branch_code, name=branch_name)
    organisation_install_template(organisation, template)
    return organisation
