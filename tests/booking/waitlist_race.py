"""The waitlist race's client (module level, so that PostgreSQL's processes can import it)."""
from sqlalchemy import update

from mpp_digital.booking import operations as ops
from mpp_digital.booking import waitlist
from mpp_digital.booking.models import Appointment, WaitlistEntry, WaitStatus
from mpp_digital.extensions import begin_write, db


def cancel(app, appointment_id, now, stale, unguarded, barrier):
    """Cancel one booking; its freed seat goes to the waitlist. `stale`: every client picks
    from the waiting list as it was before the race; `unguarded`: the entry is claimed by a
    plain UPDATE (the control)."""
    with app.app_context():
        if stale:
            waitlist._waiting_for = lambda session, offering_id, day, limit=20: list(stale)
        if unguarded:
            waitlist._claim = lambda session, entry_id: bool(session.execute(
                update(WaitlistEntry).where(WaitlistEntry.id == entry_id)
                .values(status=WaitStatus.OFFERED)).rowcount)
        barrier.wait(timeout=60)
        try:
            begin_write(db.session)
            ops.cancel_appointment(db.session, db.session.get(Appointment, appointment_id), now)
            db.session.commit()
            return "ok"
        except Exception as exc:
            db.session.rollback()
            return type(exc).__name__
        finally:
            db.session.remove()
