"""The quick timestamp loader: the same values as Django's, or Django's own answer."""

from datetime import UTC, datetime

from kesu.complaints.models import Complaint
from kesu.core.timestamps import _quick_loader, quick_timestamps


class _DjangoLoader:
    """Stands in for Django's loader: what it gives is marked, to tell who answered."""

    timezone = UTC

    def load(self, data):
        return ("django", bytes(data))


def _load(text: str):
    loader = _quick_loader(_DjangoLoader)()
    return loader.load(memoryview(text.encode()))


def test_the_common_form_is_parsed_quickly():
    assert _load("2026-03-01 02:30:15.123456+00") == datetime(
        2026, 3, 1, 2, 30, 15, 123456, tzinfo=UTC
    )
    assert _load("2026-03-01 02:30:15+00:00").tzinfo is UTC


def test_what_it_does_not_know_goes_to_django():
    for text in ["infinity", "-infinity", "0001-01-01 00:00:00+00 BC", "2026-03-01 10:30:15+08"]:
        assert _load(text) == ("django", text.encode()), text


def test_on_sqlite_it_changes_nothing(world):
    complaint = world.complaint()
    with quick_timestamps():
        read = Complaint.objects.values_list("received_at", flat=True).get(pk=complaint.pk)
    assert read == Complaint.objects.get(pk=complaint.pk).received_at
    assert read.tzinfo is not None
