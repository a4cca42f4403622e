"""Shared fixtures: a small organisation with two branches and a user for every role."""

from dataclasses import dataclass, field

import pytest

from kesu.complaints.defaults import install_defaults
from kesu.complaints.services import complaint_register
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, Organisation, User
from kesu.organisation.tests.factories import (
    BranchFactory,
    DepartmentFactory,
    OrganisationFactory,
    UserFactory,
)


@dataclass
class World:
    org: Organisation
    branch: Branch
    other_branch: Branch
    service: Department
    sales: Department
    users: dict[str, User] = field(default_factory=dict)
    other_users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]

    def complaint(self, actor: User | None = None, customer=None, **kwargs):
        actor = actor or self.users[Role.FRONTLINE]
        customer = customer or CustomerFactory(organisation=self.org)
        kwargs.setdefault("channel", "phone")
        kwargs.setdefault("title", "保养后异响")
        kwargs.setdefault("account", "做完保养以后冷车启动有异响。")
        complaint, _ = complaint_register(actor=actor, customer=customer, **kwargs)
        return complaint


def _users_for(branch, department) -> dict[str, User]:
    users = {}
    for role in Role.values:
        org_wide = role in (Role.GROUP, Role.ADMIN)
        users[role] = UserFactory(
            username=f"{role}-{branch.code}",
            role=role,
            branch=None if org_wide else branch,
            organisation=branch.organisation,
            department=department if role in (Role.HANDLER, Role.FRONTLINE) else None,
        )
    return users


@pytest.fixture
def world(db) -> World:
    org = OrganisationFactory()
    install_defaults(org)
    branch = BranchFactory(organisation=org, code="east")
    other = BranchFactory(organisation=org, code="west")
    service = DepartmentFactory(branch=branch, code="service")
    sales = DepartmentFactory(branch=branch, code="sales")
    other_service = DepartmentFactory(branch=other, code="service")
    w = World(org=org, branch=branch, other_branch=other, service=service, sales=sales)
    w.users = _users_for(branch, service)
    w.other_users = {
        role: user
        for role, user in _users_for(other, other_service).items()
        if role not in (Role.GROUP, Role.ADMIN)
    }
    return w
