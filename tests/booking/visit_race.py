"""Citizens booking overlapping visits for the last seats at once (run by tests/races.py:
threads on SQLite, processes on PostgreSQL). `stepwise` is the control: it books a visit's
steps one by one, each in its own transaction, as a page that books "one after the other"
would; it must leave visits half-booked, or the race test could not fail."""
from datetime import datetime

from mpp_digital.booking import operations as ops
from mpp_digital.booking import visits
from mpp_digital.booking.models import Slot
from mpp_digital.catalogue.models import Mpp, Offering
from mpp_digital.extensions import begin_write, db

from ..factories import citizen

KEY = "test-nik-key"
NOW = datetime.fromisoformat("2027-01-01T00:00:00+00:00")


def attempt(app, mpp_id, steps, serial, stepwise, barrier):
    """One client; returns "booked", "half" (the control, when a later step failed), "full",
    "limit" or the error's name."""
    with app.app_context():
        barrier.wait(timeout=60)
        done = 0
        try:
            if stepwise:
                for offering_id, slot_id in steps:
                    begin_write(db.session)
                    ops.book_appointment(db.session, db.session.get(Offering, offering_id),
                                         db.session.get(Slot, slot_id), citizen(serial), NOW,
                                         KEY, 3)
                    db.session.commit()
                    done += 1
                return "booked"
            begin_write(db.session)
            visits.book_visit(db.session, db.session.get(Mpp, mpp_id),
                              [(db.session.get(Offering, o), db.session.get(Slot, s))
                               for o, s in steps], citizen(serial), NOW, KEY, 3)
            db.session.commit()
            return "booked"
        except ops.SlotFull:
            db.session.rollback()
            return "half" if done else "full"
        except ops.LimitReached:
            db.session.rollback()
            return "limit"
        except Exception as exc:
            db.session.rollback()
            return type(exc).__name__
        finally:
            db.session.remove()
