"""On PostgreSQL, writers of different lanes do not wait for each other (SQLite has one writer)."""

import threading

import pytest
from django.db import connection, connections, transaction

from kesu.audit.services import audit_record, iter_chain_breaks
from kesu.organisation.choices import Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises all writers anyway"
    ),
]


def _record(obj, complaint_id, actor):
    return audit_record(
        organisation_id=obj.organisation_id,
        actor=actor,
        action="note",
        obj=obj,
        complaint_id=complaint_id,
        data={"text": "并发"},
    )


class Holder:
    """Appends one entry in a transaction and keeps it open (and its lane locked) until told."""

    def __init__(self, obj, complaint_id, actor):
        self.held, self.release, self.lane = threading.Event(), threading.Event(), None
        self.thread = threading.Thread(target=self._run, args=(obj, complaint_id, actor))
        self.thread.start()
        assert self.held.wait(10)

    def _run(self, obj, complaint_id, actor):
        try:
            with transaction.atomic():
                self.lane = _record(obj, complaint_id, actor).lane
                self.held.set()
                self.release.wait(10)
        finally:
            connections.close_all()

    def done(self):
        self.release.set()
        self.thread.join(10)


def _in_thread(obj, complaint_id, actor):
    done, result = threading.Event(), {}

    def run():
        try:
            with transaction.atomic():
                result["lane"] = _record(obj, complaint_id, actor).lane
            done.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return done, result, thread


def test_appends_to_different_lanes_do_not_block_each_other(world, settings):
    settings.KESU_AUDIT_LANES = 4
    actor = world.user(Role.FRONTLINE)
    complaints = [world.complaint() for _ in range(5)]
    first = complaints[0]
    other = next(c for c in complaints if c.pk % 4 != first.pk % 4)
    same = next(c for c in complaints[1:] if c.pk % 4 == first.pk % 4)

    holder = Holder(first, first.pk, actor)
    try:
        done, result, thread = _in_thread(other, other.pk, actor)
        assert done.wait(5), "an append to another lane waited for the first transaction"
        assert result["lane"] != holder.lane
        thread.join(5)

        # The same lane does wait: the chain stays one sequence.
        done, result, thread = _in_thread(same, same.pk, actor)
        assert not done.wait(1)
    finally:
        holder.done()
    assert done.wait(5) and result["lane"] == holder.lane
    thread.join(5)
    assert list(iter_chain_breaks()) == []


def test_entries_about_no_complaint_take_a_free_lane(world):
    actor = world.user(Role.FRONTLINE)
    customer = world.complaint().customer
    holder = Holder(customer, None, actor)
    try:
        done, result, thread = _in_thread(customer, None, actor)
        assert done.wait(5), "an entry about no complaint waited for a held lane"
        assert result["lane"] != holder.lane and result["lane"] >= 1000
        thread.join(5)
    finally:
        holder.done()
    assert list(iter_chain_breaks()) == []
