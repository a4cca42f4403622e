"""kesu/complaints/workflow.py next_steps_by_others: who takes the case forward when the reader
cannot, on the complaint page in both languages."""

from django.utils import translation

from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import next_steps_by_others
from kesu.organisation.choices import Role


def test_a_handler_who_resolved_reads_who_verifies_and_the_director_reads_nothing(world):
    complaint = world.complaint()
    complaint.state = State.RESOLVED
    with translation.override("en"):
        (step,) = next_steps_by_others(complaint, world.user(Role.HANDLER))
    assert step.label == "Satisfaction confirmed by callback"
    assert step.roles == ["Callback specialist", "Customer director", "General manager"]
    assert next_steps_by_others(complaint, world.user(Role.DIRECTOR)) == []
    complaint.state = State.CLOSED
    assert next_steps_by_others(complaint, world.user(Role.HANDLER)) == []


def test_the_page_says_it_in_the_readers_language(world, client):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.RESOLVED)
    client.force_login(world.user(Role.HANDLER))
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'id="next-steps"' in page and "接下来" in page and "回访专员" in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "What happens next" in page and "Callback specialist" in page
    client.force_login(world.user(Role.DIRECTOR))
    assert 'id="next-steps"' not in client.get(f"/complaints/{complaint.pk}/").content.decode()
