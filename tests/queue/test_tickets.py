from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mpp_digital.accounts.models import AuditLog, Role
from mpp_digital.booking import operations as booking
from mpp_digital.booking import slots
from mpp_digital.booking.models import AppointmentStatus
from mpp_digital.clock import local_day
from mpp_digital.extensions import db
from mpp_digital.queue import operations as ops
from mpp_digital.queue.models import EventKind, Ticket, TicketEvent, TicketStatus

from ..factories import NOW, citizen, first_counter, offering, open_counter, queue, staff


def test_numbers_run_from_one_per_queue_and_day(ctx):
    a, b = queue(letter="A"), queue(letter="B")
    numbers = [ops.issue_ticket(db.session, a, NOW).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert ops.issue_ticket(db.session, b, NOW).display == "B-001"
    tomorrow = ops.issue_ticket(db.session, a, NOW + timedelta(days=1))
    assert tomorrow.number == 1 and tomorrow.display == "A-001"


def test_a_rolled_back_ticket_leaves_no_gap(app):
    with app.app_context():
        a = queue()
        ops.issue_ticket(db.session, a, NOW)
        db.session.commit()
        ops.issue_ticket(db.session, a, NOW)
        db.session.rollback()                          # the kiosk failed after numbering
        assert ops.issue_ticket(db.session, a, NOW).number == 2
        db.session.commit()


def test_call_next_follows_the_policy_and_records_who_and_where(ctx):
    clerk = staff("a@kediri.test", Role.CLERK)
    counter = open_counter(first_counter())
    a = queue()
    plain = ops.issue_ticket(db.session, a, NOW)
    elder = ops.issue_ticket(db.session, a, NOW + timedelta(minutes=1), priority=True)
    called = ops.call_next(db.session, counter, clerk, NOW + timedelta(minutes=2))
    assert called.id == elder.id and called.status == TicketStatus.CALLED
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == elder.id,
                                                        TicketEvent.kind == EventKind.CALLED))
    assert (event.user_id, event.counter_id) == (clerk.id, counter.id)
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.user_id == clerk.id)) == \
        "ticket.call"
    with pytest.raises(ops.QueueRefused, match="A-002"):
        ops.call_next(db.session, counter, clerk, NOW)          # finish the current one first
    ops.finish(db.session, called, counter, clerk, NOW + timedelta(minutes=9))
    assert ops.call_next(db.session, counter, clerk, NOW + timedelta(minutes=10)).id == plain.id


def test_a_closed_counter_calls_nobody(ctx):
    clerk = staff("a@kediri.test", Role.CLERK)
    ops.issue_ticket(db.session, queue(), NOW)
    with pytest.raises(ops.QueueRefused, match="Buka loket"):
        ops.call_next(db.session, first_counter(), clerk, NOW)


def test_recalls_end_in_a_no_show(ctx):
    clerk = staff("a@kediri.test", Role.CLERK)
    counter = open_counter(first_counter())
    ops.issue_ticket(db.session, queue(), NOW)
    ticket = ops.call_next(db.session, counter, clerk, NOW)
    ops.recall(db.session, ticket, counter, clerk, NOW, max_recalls=3)
    ops.recall(db.session, ticket, counter, clerk, NOW, max_recalls=3)
    assert ticket.status == TicketStatus.CALLED and ticket.recalls == 2
    ops.recall(db.session, ticket, counter, clerk, NOW, max_recalls=3)
    assert ticket.status == TicketStatus.NO_SHOW
    assert ops.current_ticket(db.session, counter) is None


def test_a_transfer_keeps_the_arrival_time_and_the_number(ctx):
    clerk = staff("a@kediri.test", Role.CLERK)
    counter = open_counter(first_counter())
    b = queue(letter="B")
    ops.issue_ticket(db.session, b, NOW + timedelta(minutes=1))       # B-001 arrived later
    ticket = ops.issue_ticket(db.session, queue(), NOW)
    ops.call_next(db.session, counter, clerk, NOW)
    ops.transfer(db.session, ticket, counter, b, clerk, NOW + timedelta(minutes=5))
    assert (ticket.status, ticket.queue_id, ticket.display) == (TicketStatus.WAITING, b.id,
                                                                "A-001")
    line = ops.in_order(ops.waiting(db.session, [b.id], ticket.day), NOW + timedelta(minutes=6))
    assert line[0].id == ticket.id                                    # its arrival counts
    with pytest.raises(ops.QueueRefused):
        ops.transfer(db.session, ticket, counter, queue("kota-mataram", "A"), clerk, NOW)


def _booked(when):
    offer = offering("kota-kediri", "paspor-biasa")
    day = local_day(offer.mpp, when)
    slots.generate_slots(db.session, offer, day, day)
    slot = slots.free_slots(db.session, offer, day, when - timedelta(days=2))[4]
    appointment, _ = booking.book_appointment(db.session, offer, slot, citizen(1),
                                              when - timedelta(days=2), "k", 3)
    return appointment, slot.starts_at.replace(tzinfo=NOW.tzinfo)


def test_check_in_within_the_window_gives_a_ticket_that_goes_first_when_due(ctx):
    appointment, starts = _booked(NOW)
    hall, code = appointment.offering.mpp, appointment.code
    refusals = set()
    for where, last4, when in [
            (hall, "0001", starts - timedelta(minutes=31)),            # too early
            (hall, "0001", starts + timedelta(minutes=11)),            # too late
            (offering("kota-mataram").mpp, "0001", starts),            # another hall
            (hall, "0002", starts),                                    # not the holder's NIK
            (hall, "\uff10\uff10\uff10\uff11", starts)]:                  # fullwidth ０００１
        with pytest.raises(ops.CheckInRefused) as refused:
            ops.check_in(db.session, where, code, last4, when)
        refusals.add(str(refused.value.message))
    assert len(refusals) == 1                  # one answer: it tells nobody the code exists
    walk_in = ops.issue_ticket(db.session, appointment.offering.queue,
                               starts - timedelta(minutes=40))
    ticket, created = ops.check_in(db.session, hall, code.lower(), "0001",
                                   starts - timedelta(minutes=20))
    assert created and appointment.status == AppointmentStatus.CHECKED_IN
    assert ticket.appointment_id == appointment.id and ticket.due_at is not None
    again, created = ops.check_in(db.session, hall, code, "0001", starts)
    assert again.id == ticket.id and not created    # the view hands it only to its maker
    line = ops.in_order(ops.waiting(db.session, [ticket.queue_id], ticket.day), starts)
    assert [t.id for t in line] == [ticket.id, walk_in.id]


def test_the_wait_estimate_comes_from_recent_service_times_and_open_counters(ctx):
    clerk = staff("a@kediri.test", Role.CLERK)
    first, second = [open_counter(c) for c in first_counter().mpp.counters
                     if c.queues and c.queues[0].letter == "A"][:2]
    a = queue()
    for n in range(3):                                    # three visits of 4 minutes each
        ops.issue_ticket(db.session, a, NOW)
        t = ops.call_next(db.session, first, clerk, NOW + timedelta(minutes=4 * n))
        ops.finish(db.session, t, first, clerk, NOW + timedelta(minutes=4 * n + 4))
    waiting = [ops.issue_ticket(db.session, a, NOW) for _ in range(4)]
    later = NOW + timedelta(minutes=20)
    assert ops.ticket_status(db.session, waiting[3], later) == {"position": 4,
                                                                "wait_minutes": 8}
    second.is_open = False
    db.session.flush()
    assert ops.ticket_status(db.session, waiting[3], later)["wait_minutes"] == 16


def test_the_board_shows_the_newest_call_first_and_counts_the_waiting(ctx):
    clerk = staff("a@kediri.test", Role.CLERK)
    counter_a, counter_b = [open_counter(c) for c in first_counter().mpp.counters][:2]
    for _ in range(3):
        ops.issue_ticket(db.session, queue(), NOW)
    ops.call_next(db.session, counter_a, clerk, NOW)
    ops.call_next(db.session, counter_b, clerk, NOW + timedelta(seconds=5))
    hall = first_counter().mpp
    state = ops.board(db.session, hall.id, local_day(hall, NOW))
    assert [c["ticket"] for c in state["called"]] == ["A-002", "A-001"]
    assert state["waiting"][0] == {"queue": "A", "name": "Disdukcapil", "count": 1}
    assert db.session.scalar(select(func.count(Ticket.id))) == 3


def test_a_booking_brought_on_another_day_is_told_its_date(ctx):
    appointment, starts = _booked(NOW)
    hall, code = appointment.offering.mpp, appointment.code
    with pytest.raises(ops.CheckInRefused) as refused:
        ops.check_in(db.session, hall, code, "0001", starts - timedelta(days=1))
    day = local_day(hall, starts)
    assert f"{day.day:02d}" in str(refused.value.message) and "bukan hari ini" in str(
        refused.value.message)
    with pytest.raises(ops.CheckInRefused) as stranger:      # the NIK does not match: no date
        ops.check_in(db.session, hall, code, "0002", starts - timedelta(days=1))
    assert "bukan hari ini" not in str(stranger.value.message)
