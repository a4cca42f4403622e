import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.crises.models import Crisis
from kesu.emerging.choices import EmergingAudit, State
from kesu.emerging.services import issue_dismiss, issue_start_crisis, issue_start_improvement
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_dismissed_with_a_reason_and_recorded(raised, world):
    director = world.user(Role.DIRECTOR)
    with pytest.raises(ValidationError):
        issue_dismiss(actor=director, issue_id=raised.pk, reason="  ")
    issue = issue_dismiss(actor=director, issue_id=raised.pk, reason="已知问题，厂家已召回")
    assert issue.state == State.DISMISSED and issue.decided_by == director
    entry = AuditEntry.objects.get(action=EmergingAudit.DISMISSED)
    assert entry.data["reason"] == "已知问题，厂家已召回"
    assert entry.complaint_id == raised.test_complaints[0].pk
    with pytest.raises(InvalidState):
        issue_dismiss(actor=director, issue_id=raised.pk, reason="again")


def test_refused_to_who_may_not(raised, world):
    with pytest.raises(NotAllowed):
        issue_dismiss(actor=world.user(Role.HANDLER), issue_id=raised.pk, reason="x")
    with pytest.raises(NotFound):
        issue_dismiss(actor=world.other_users[Role.DIRECTOR], issue_id=raised.pk, reason="x")
    with pytest.raises(NotFound):
        issue_start_crisis(actor=world.user(Role.FRONTLINE), issue_id=raised.pk)


def test_an_improvement_action_with_its_complaints(raised, world):
    director = world.user(Role.DIRECTOR)
    action = issue_start_improvement(actor=director, issue_id=raised.pk)
    raised.refresh_from_db()
    assert raised.improvement == action and raised.state == State.ACTED_ON
    assert set(action.complaints.values_list("pk", flat=True)) == {
        c.pk for c in raised.test_complaints
    }
    assert list(action.categories.all()) == [raised.category]
    assert "冷启动正时链条异响" in action.title and action.owner == director
    assert AuditEntry.objects.filter(action=EmergingAudit.IMPROVEMENT).exists()
    with pytest.raises(InvalidState):
        issue_start_improvement(actor=director, issue_id=raised.pk)


def test_a_crisis_on_its_first_open_complaint(raised, world):
    director = world.user(Role.DIRECTOR)
    crisis = issue_start_crisis(actor=director, issue_id=raised.pk)
    first = raised.test_complaints[0]
    first.refresh_from_db()
    assert crisis.complaint == first and first.is_crisis and crisis.spokesperson == director
    raised.refresh_from_db()
    assert raised.crisis == crisis and raised.state == State.ACTED_ON
    assert AuditEntry.objects.filter(action=EmergingAudit.CRISIS).exists()
    with pytest.raises(InvalidState):
        issue_start_crisis(actor=director, issue_id=raised.pk)
    assert Crisis.objects.count() == 1


def test_an_improvement_from_a_cluster_across_branches_is_of_the_actors_branch(raised, world):
    raised.branch = None
    raised.save()
    action = issue_start_improvement(actor=world.user(Role.DIRECTOR), issue_id=raised.pk)
    assert action.branch == world.branch
