"""Invariants the database must hold, checked from outside the code paths that keep them."""
from dataclasses import dataclass

from sqlalchemy import func, select, union_all

from ..booking.models import (Appointment, AppointmentStatus, OfferStatus, SeatOffer,
                              Slot)
from ..queue.models import Ticket, TicketNumber


@dataclass
class Drift:
    what: str
    where: str
    detail: str


def seats(session):
    """Each slot's `booked` equals the bookings holding a seat in it (all but cancelled) and
    the open offers of the waitlist, which hold a freed seat for a citizen."""
    holders = union_all(
        select(Appointment.slot_id.label("slot_id"))
        .where(Appointment.status != AppointmentStatus.CANCELLED),
        select(SeatOffer.slot_id).where(SeatOffer.status == OfferStatus.OPEN)).subquery()
    holding = (select(holders.c.slot_id, func.count().label("n"))
               .group_by(holders.c.slot_id).subquery())
    rows = session.execute(
        select(Slot.id, Slot.booked, func.coalesce(holding.c.n, 0))
        .outerjoin(holding, holding.c.slot_id == Slot.id)
        .where(Slot.booked != func.coalesce(holding.c.n, 0)))
    return [Drift("slot.booked", f"slot {slot_id}", f"booked {booked}, bookings {n}")
            for slot_id, booked, n in rows]


def ticket_numbers(session):
    """Per queue and day: numbers 1…n with no gap or repeat, and the counter row at n."""
    drifts = []
    rows = session.execute(
        select(Ticket.issued_queue_id, Ticket.day, func.count(Ticket.id),
               func.count(func.distinct(Ticket.number)), func.min(Ticket.number),
               func.max(Ticket.number), TicketNumber.last)
        .outerjoin(TicketNumber, (TicketNumber.queue_id == Ticket.issued_queue_id)
                   & (TicketNumber.day == Ticket.day))
        .group_by(Ticket.issued_queue_id, Ticket.day, TicketNumber.last))
    for queue_id, day, count, distinct, low, high, last in rows:
        where = f"queue {queue_id} on {day}"
        if distinct != count:
            drifts.append(Drift("ticket.number", where, f"{count - distinct} repeated"))
        if low != 1 or high != count:
            drifts.append(Drift("ticket.number", where,
                                f"numbers {low}–{high} for {count} tickets"))
        if last != high:
            drifts.append(Drift("ticket_number.last", where, f"counter {last}, highest {high}"))
    return drifts


def run(session):
    return seats(session) + ticket_numbers(session)
