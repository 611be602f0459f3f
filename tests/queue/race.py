"""Kiosks and counters at once (run by tests/races.py: threads on SQLite, processes on PostgreSQL).

`stale` is the control: the client decides from a read taken before the race (the highest
number so far, the first waiting ticket), as careless code does; it must collide.
"""
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from mpp_digital.accounts.models import User
from mpp_digital.catalogue.models import Counter, Queue
from mpp_digital.extensions import begin_write, db
from mpp_digital.queue import operations as ops
from mpp_digital.queue.models import EventKind, Ticket, TicketEvent, TicketNumber, TicketStatus

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=timezone.utc)


def take_ticket(app, queue_id, stale, barrier):
    """One kiosk press; returns the number it got (or tried, for the control) or an error."""
    with app.app_context():
        try:
            if stale:
                with db.engine.connect() as conn:
                    seen = conn.execute(select(func.max(Ticket.number)).where(
                        Ticket.issued_queue_id == queue_id)).scalar() or 0
            barrier.wait(timeout=60)
            begin_write(db.session)
            queue = db.session.get(Queue, queue_id)
            if stale:
                ops.next_number = lambda session, qid, day: seen + 1
            ticket = ops.issue_ticket(db.session, queue, NOW)
            number = ticket.number
            db.session.commit()
            return number
        except Exception as exc:
            db.session.rollback()
            return f"{type(exc).__name__}:{seen + 1 if stale else ''}"
        finally:
            db.session.remove()


def serve_until_empty(app, counter_id, user_id, stale, barrier):
    """A counter calling and finishing the next ticket until nobody waits; the ids it called."""
    called = []
    with app.app_context():
        barrier.wait(timeout=60)
        for _ in range(500):
            try:
                if stale:
                    with db.engine.connect() as conn:
                        first = conn.execute(select(Ticket.id).where(
                            Ticket.status == TicketStatus.WAITING).order_by(Ticket.id)
                            .limit(1)).scalar()
                    if first is None:
                        break
                begin_write(db.session)
                counter = db.session.get(Counter, counter_id)
                user = db.session.get(User, user_id)
                if stale:
                    db.session.execute(update(Ticket).where(Ticket.id == first).values(
                        status=TicketStatus.CALLED, counter_id=counter_id))
                    ticket = db.session.get(Ticket, first)
                    db.session.add(TicketEvent(ticket_id=first, kind=EventKind.CALLED,
                                               at=NOW.replace(tzinfo=None),
                                               counter_id=counter_id))
                else:
                    ticket = ops.call_next(db.session, counter, user, NOW)
                    if ticket is None:
                        db.session.rollback()
                        break
                called.append(ticket.id)
                ops.finish(db.session, ticket, counter, user, NOW + timedelta(minutes=1))
                db.session.commit()
                # Serving takes time, and the other counters get their turn: on SQLite a counter
                # waiting for the write lock retries after 1, 3, 8, 18 … ms (its busy handler),
                # so a pause shorter than those let one counter take every ticket on a busy
                # machine.
                time.sleep(0.02)
            except Exception as exc:
                db.session.rollback()
                called.append(type(exc).__name__)
            finally:
                db.session.remove()
    return called


def numbers_state(app, queue_id):
    with app.app_context():
        return (sorted(db.session.scalars(select(Ticket.number).where(
            Ticket.issued_queue_id == queue_id))),
            db.session.scalar(select(TicketNumber.last).where(TicketNumber.queue_id == queue_id)))
