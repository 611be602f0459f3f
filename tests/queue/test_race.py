"""Ticket numbers stay gapless and unique, and every ticket is called exactly once, under races.

SQLite: 50 kiosk threads and 6 counter threads; PostgreSQL (MPP_TEST_DATABASE_URL): 20 kiosk
processes and 4 counter processes. Each has a control that decides from a stale read and must
collide, so the tests can fail.
"""
from collections import Counter as Tally

import pytest
from sqlalchemy import func, select

from mpp_digital.accounts.models import Role
from mpp_digital.catalogue.models import Counter
from mpp_digital.extensions import db
from mpp_digital.queue import operations as ops
from mpp_digital.queue.models import EventKind, Ticket, TicketEvent, TicketStatus

from .. import races
from . import race
from ..factories import queue, staff

pytestmark = pytest.mark.slow


def _sqlite(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def _run(app, client, args_list):
    with races.restored(ops, "next_number"):
        return races.race(app, client, args_list)


def _queue_id(app):
    with app.app_context():
        return queue().id


def test_kiosks_pressing_at_once_get_numbers_one_to_n(app):
    queue_id = _queue_id(app)
    n = 50 if _sqlite(app) else 20
    results = _run(app, race.take_ticket, [(queue_id, False)] * n)
    assert sorted(results) == list(range(1, n + 1))
    numbers, last = race.numbers_state(app, queue_id)
    assert numbers == list(range(1, n + 1)) and last == n


def test_control_max_plus_one_collides(app):
    queue_id = _queue_id(app)
    n = 50 if _sqlite(app) else 20
    results = _run(app, race.take_ticket, [(queue_id, True)] * n)
    collisions = [r for r in results if isinstance(r, str) and r.startswith("IntegrityError")]
    assert len(collisions) >= 1                          # the race is real; the index held
    numbers, _ = race.numbers_state(app, queue_id)
    assert len(numbers) == len(set(numbers))


def _hall_with_counters(app, how_many, tickets=40):
    """Queue A of Kota Kediri with `how_many` open counters and `tickets` waiting."""
    with app.app_context():
        line = queue()
        mpp = line.mpp
        top = max(c.number for c in mpp.counters)
        extra = [Counter(mpp=mpp, number=top + i + 1, name=f"Loket {top + i + 1}",
                         queues=[line]) for i in range(how_many - len(line.counters))]
        db.session.add_all(extra)
        for counter in line.counters:
            counter.is_open = True
        manager = staff("pengelola@kediri.test", Role.MPP_MANAGER)
        for _ in range(tickets):
            ops.issue_ticket(db.session, line, race.NOW)
        db.session.commit()
        return [c.id for c in line.counters][:how_many], manager.id


def _calls(app):
    with app.app_context():
        return dict(db.session.execute(
            select(TicketEvent.ticket_id, func.count(TicketEvent.id))
            .where(TicketEvent.kind == EventKind.CALLED).group_by(TicketEvent.ticket_id)).all())


def test_counters_calling_at_once_call_every_ticket_exactly_once(app):
    counters, manager = _hall_with_counters(app, 6 if _sqlite(app) else 4)
    results = _run(app, race.serve_until_empty, [(c, manager, False) for c in counters])
    called = [t for per_counter in results for t in per_counter]
    assert all(isinstance(t, int) for t in called), called
    assert len(called) == len(set(called)) == 40
    assert set(_calls(app).values()) == {1}
    with app.app_context():
        assert set(db.session.scalars(select(Ticket.status))) == {TicketStatus.DONE}
    assert sum(1 for per_counter in results if per_counter) >= 2    # they really shared it


def test_control_calling_from_a_stale_read_calls_tickets_twice(app):
    counters, manager = _hall_with_counters(app, 6 if _sqlite(app) else 4)
    results = _run(app, race.serve_until_empty, [(c, manager, True) for c in counters])
    called = Tally(t for per_counter in results for t in per_counter if isinstance(t, int))
    assert max(called.values()) > 1 or max(_calls(app).values()) > 1   # the race is real
