"""What a walk-in who gave a phone number at the kiosk hears, by WhatsApp or SMS: "3 lagi
sebelum giliran Anda" once, when three or fewer are ahead of them in their line, and
"Dipanggil ke loket 4" each time they are called. Queued through the outbox in the transaction
of the call; a message not sent within minutes is no use and is voided.

Someone who took a ticket with three or fewer ahead is not told "3 lagi": they are at the
kiosk, and their call comes next.
"""
from datetime import timedelta

from flask import url_for
from sqlalchemy import select, update

from ..clock import local_day, utc
from ..notify.compose import send
from .models import Ticket, TicketStatus
from .operations import calling_order
from .ordering import Policy

NEAR = 3                             # "3 lagi sebelum giliran Anda"
CALL_EXPIRES = timedelta(minutes=15)
NEAR_EXPIRES = timedelta(minutes=60)


def _send(session, ticket, template, kind, now, expires, **context):
    mpp = ticket.queue.mpp
    return send(session, phone=ticket.phone, phone_channel=ticket.phone_channel,
                language=ticket.language, template=template, kind=kind,
                about=f"ticket:{ticket.id}", now=now, expires_at=utc(now) + expires,
                ticket=ticket, mpp=mpp,
                link=url_for("queue.ticket_status", token=ticket.token, _external=True),
                **context)


def issued(session, ticket, now, policy=Policy()):
    """A ticket with a phone: no "3 lagi" to come when it starts with three or fewer ahead."""
    if ticket.phone is None:
        return
    line = calling_order(session, ticket.queue_id, ticket.day, now, policy)
    if ticket.id in line[:NEAR + 1]:
        ticket.nudged = True
        session.flush()


def called(session, ticket, counter, now, policy=Policy()):
    """The ticket is called to `counter`: tell its holder, and the line behind who is near."""
    if ticket.phone is not None:
        _send(session, ticket, "ticket_called", "ticket.called", now, CALL_EXPIRES,
              counter=counter)
    nudge(session, [queue.id for queue in counter.queues], local_day(counter.mpp, now), now,
          policy)


def nudge(session, queue_ids, day, now, policy=Policy()):
    """Tell each ticket with a phone that has come within NEAR of its turn, once."""
    waiting = session.scalars(select(Ticket).where(
        Ticket.queue_id.in_(queue_ids), Ticket.day == day, Ticket.status == TicketStatus.WAITING,
        Ticket.phone.is_not(None), Ticket.nudged.is_(False))).all()
    lines = {}
    for ticket in waiting:
        if ticket.queue_id not in lines:
            lines[ticket.queue_id] = calling_order(session, ticket.queue_id, day, now, policy)
        line = lines[ticket.queue_id]
        ahead = line.index(ticket.id) if ticket.id in line else None
        if ahead is None or ahead > NEAR:
            continue
        # Guarded: of two counters calling at once, one tells the citizen.
        if session.execute(update(Ticket).where(Ticket.id == ticket.id,
                                                Ticket.nudged.is_(False))
                           .values(nudged=True)
                           .execution_options(synchronize_session=False)).rowcount == 1:
            _send(session, ticket, "ticket_near", "ticket.near", now, NEAR_EXPIRES,
                  ahead=ahead)


def forget_phones(session, before_day):
    """Erase the phones of tickets of days before `before_day`: their lines are closed."""
    return session.execute(update(Ticket).where(Ticket.day < before_day,
                                                Ticket.phone.is_not(None))
                           .values(phone=None)
                           .execution_options(synchronize_session=False)).rowcount
