"""kesu/webhooks/tasks.py, and run_worker's pass: both send the due deliveries."""

from django.core.management import call_command

from kesu.webhooks.choices import Status
from kesu.webhooks.models import Delivery
from kesu.webhooks.tasks import deliver_webhooks


def test_the_beats_task_sends_what_is_due(world, endpoint, receiver):
    world.complaint()
    assert deliver_webhooks() == 1
    assert Delivery.objects.get().status == Status.DELIVERED
    (got,) = receiver.received
    assert got.headers["X-Kesu-Event"] == "complaint.created"


def test_run_worker_sends_them_on_every_pass_even_without_the_sweep(world, endpoint, receiver):
    world.complaint()
    call_command("run_worker", "--once", "--no-sweep", verbosity=0)
    assert Delivery.objects.get().status == Status.DELIVERED
    assert len(receiver.received) == 1
