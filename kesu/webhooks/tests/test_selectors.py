"""kesu/webhooks/selectors.py: only the administrator, only their organisation's."""

import pytest

from kesu.core.errors import NotFound
from kesu.organisation.choices import Role
from kesu.webhooks.selectors import deliveries_for, endpoint_get, endpoints_for, may_manage


def test_only_the_administrator_manages_webhooks(world):
    assert [r for r in Role.values if may_manage(world.user(r))] == [Role.ADMIN]


def test_others_see_none(world, endpoint):
    world.complaint()
    assert list(endpoints_for(world.user(Role.ADMIN))) == [endpoint]
    assert deliveries_for(world.user(Role.ADMIN), event="complaint.created").count() == 1
    assert deliveries_for(world.user(Role.ADMIN), status="failed").count() == 0
    assert not endpoints_for(world.user(Role.GROUP)).exists()
    assert not deliveries_for(world.user(Role.GROUP)).exists()
    with pytest.raises(NotFound):
        endpoint_get(world.user(Role.GROUP), endpoint.pk)
    with pytest.raises(NotFound):
        endpoint_get(world.user(Role.ADMIN), "x")


def test_the_log_is_one_query_for_a_page(world, endpoint, django_assert_max_num_queries):
    for _ in range(5):
        world.complaint()
    with django_assert_max_num_queries(1):
        rows = list(deliveries_for(world.user(Role.ADMIN))[:50])
        assert {r.endpoint.description for r in rows} == {"CRM"}
        assert {r.branch.code for r in rows} == {"east"}
