from datetime import timedelta

import pytest
from django.utils import timezone

from kesu.customers.tests.factories import CustomerFactory
from kesu.integrations.selectors import call_view, current_call
from kesu.integrations.services import call_report
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def _ring(world, make_integration, caller="13812345678", role=Role.FRONTLINE):
    agent = world.user(role)
    agent.extension = "8012"
    agent.save(update_fields=["extension"])
    integration, _key = make_integration()
    return call_report(integration=integration, caller=caller, extension="8012")


def test_current_call_is_the_newest_still_showing(world, make_integration):
    first = _ring(world, make_integration)
    second = _ring(world, make_integration, caller="13900001111")
    assert current_call(first.agent) == second
    assert current_call(first.agent, now=timezone.now() + timedelta(minutes=2)) is None
    assert current_call(world.user(Role.DIRECTOR)) is None


def test_call_view_shows_only_what_the_agent_sees(
    world, make_integration, django_assert_max_num_queries
):
    CustomerFactory(organisation=world.org, phone="+8613812345678", branch=world.other_branch)
    call = _ring(world, make_integration)
    view = call_view(call.agent, call)
    assert view.is_new_caller  # the other branch's customer is not the agent's to see
    mine = CustomerFactory(organisation=world.org, phone="+8613812345678", branch=world.branch)
    world.complaint(customer=mine)
    with django_assert_max_num_queries(4):
        view = call_view(call.agent, call)
        assert [card.customer for card in view.cards] == [mine]
        assert len(view.cards[0].open_complaints) == 1


def test_an_unparseable_caller_is_a_new_caller(world, make_integration):
    call = _ring(world, make_integration, caller="110")
    view = call_view(call.agent, call)
    assert view.is_new_caller and view.phone == "110"
