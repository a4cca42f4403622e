"""kesu/webhooks/events.py: what each event says."""

from kesu.webhooks.events import complaint_data


def test_a_complaint_is_described_by_codes_and_ids_without_personal_data(world):
    complaint = world.complaint()
    data = complaint_data(complaint)
    assert data["number"] == complaint.number
    assert data["url"].endswith(f"/complaints/{complaint.pk}/")
    assert data["branch"] == {"id": world.branch.pk, "code": "east", "name": world.branch.name}
    text = str(data)
    assert complaint.title not in text and complaint.customer.phone not in text
    assert complaint.customer.name not in text
