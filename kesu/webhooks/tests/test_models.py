"""kesu/webhooks/models.py: secrets, event ids, names."""

from kesu.webhooks.models import new_event_id, new_secret


def test_secrets_and_event_ids_are_new_each_time():
    assert new_secret() != new_secret() and new_secret().startswith("whsec_")
    assert new_event_id().startswith("evt_") and len(new_event_id()) == 36


def test_an_endpoint_is_named_by_its_description(endpoint):
    assert str(endpoint) == "CRM"
    assert endpoint.event_labels()[0] == "A complaint is registered"
