"""Clients booking at once (run by tests/races.py: threads on SQLite, processes on PostgreSQL).

Each client waits at a barrier, then books. `stale` makes the client do what careless code
does — decide from a read taken before the barrier ("count, then insert") — which is the
control: it must overbook, or the race tests could not fail.
"""
from datetime import datetime

from sqlalchemy import select, update, text

from mpp_digital.booking import operations as ops
from mpp_digital.booking.models import Slot
from mpp_digital.catalogue.models import Offering
from mpp_digital.extensions import begin_write, db

from ..factories import citizen

KEY = "test-nik-key"


def attempt(app, offering_id, slot_id, serial, stale, barrier, max_active=3):
    """One client; returns "booked", "full", "limit" or the error's name."""
    with app.app_context():
        if stale:
            with db.engine.connect() as conn:
                seen = conn.execute(select(Slot.booked, Slot.capacity)
                                    .where(Slot.id == slot_id)).one()
        barrier.wait(timeout=60)
        try:
            begin_write(db.session)
            offer = db.session.get(Offering, offering_id)
            slot = db.session.get(Slot, slot_id)
            if stale:
                if seen.booked >= seen.capacity:
                    return "full"
                # Decide from the read before the race: the seat and the NIK's bookings
                # look as they were when nobody had booked yet.
                ops.take_seat = lambda session, sid: bool(session.execute(
                    update(Slot).where(Slot.id == sid).values(booked=seen.booked + 1)))
                ops.free_seat = lambda *args: 1
            ops.book_appointment(db.session, offer, slot, citizen(serial), NOW, KEY, max_active)
            db.session.commit()
            return "booked"
        except ops.SlotFull:
            db.session.rollback()
            return "full"
        except ops.LimitReached:
            db.session.rollback()
            return "limit"
        except Exception as exc:
            db.session.rollback()
            return type(exc).__name__
        finally:
            db.session.remove()


def drop_nik_indexes():
    """For the control: without the partial unique indexes only the code's check remains."""
    for name in ("uq_appointment_active_nik_seat", "uq_appointment_active_nik_service"):
        db.session.execute(text(f"DROP INDEX {name}"))


NOW = datetime.fromisoformat("2027-01-01T00:00:00+00:00")
