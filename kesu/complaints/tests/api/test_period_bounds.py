"""A received period returns exactly its complaints, also when ids are not in time order."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rest_framework.test import APIClient

from kesu.organisation.choices import Role

SH = ZoneInfo("Asia/Shanghai")


def test_period_with_backdated_complaints(world):
    march = datetime(2026, 3, 10, 10, tzinfo=SH)
    inside_late = world.complaint(received_at=march)  # low id, inside
    outside = world.complaint(received_at=march - timedelta(days=40))
    inside_backdated = world.complaint(received_at=march + timedelta(days=2))  # high id, inside
    world.complaint(received_at=march + timedelta(days=60))
    client = APIClient()
    client.force_authenticate(world.user(Role.DIRECTOR))
    response = client.get(
        "/api/v1/complaints/", {"received_after": "2026-03-01", "received_before": "2026-03-31"}
    )
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {inside_late.pk, inside_backdated.pk}
    assert outside.pk not in ids
    empty = client.get(
        "/api/v1/complaints/", {"received_after": "2020-01-01", "received_before": "2020-01-31"}
    )
    assert empty.json()["results"] == []
