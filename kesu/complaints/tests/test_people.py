"""Who stands where around a complaint: the lookups the deadline chain and notifications share."""

from kesu.complaints.people import branch_people, department_managers, group_centre, manager_of
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory


def test_department_managers_are_its_active_handlers(world):
    handler = world.user(Role.HANDLER)
    UserFactory(
        organisation=world.org,
        branch=world.branch,
        department=world.service,
        role=Role.HANDLER,
        is_active=False,
    )
    assert department_managers(world.org.pk, world.service.pk) == [handler]
    assert department_managers(world.org.pk, None) == []
    assert department_managers(world.org.pk, world.sales.pk) == []


def test_branch_people_stay_in_their_branch(world):
    assert branch_people(world.org.pk, world.branch.pk, Role.DIRECTOR) == [
        world.user(Role.DIRECTOR)
    ]
    assert branch_people(world.org.pk, None, Role.DIRECTOR) == []
    assert world.user(Role.GROUP) in group_centre(world.org.pk)
    assert all(u.role == Role.GROUP for u in group_centre(world.org.pk))


def test_a_users_manager(world):
    # Frontline answers to their department's handling manager, who answers to the director.
    assert manager_of(world.user(Role.FRONTLINE)) == [world.user(Role.HANDLER)]
    assert manager_of(world.user(Role.HANDLER)) == [world.user(Role.DIRECTOR)]
    assert manager_of(world.user(Role.DIRECTOR)) == []
    assert manager_of(None) == []
    no_department = UserFactory(organisation=world.org, branch=world.branch, role=Role.FRONTLINE)
    assert manager_of(no_department) == [world.user(Role.DIRECTOR)]
