"""`flask privacy purge`: a booking's phone and e-mail, and the messages sent to it, are erased
once its visit is PRIVACY_RETENTION_DAYS over; nothing younger is touched."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mpp_digital.booking.models import Appointment
from mpp_digital.extensions import db
from mpp_digital.notify.models import Message

from .test_booking_messages import _booked, _drain

NOW = datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc)


def test_contacts_and_messages_go_thirty_days_after_the_visit(app, inbox):
    app.config["CLOCK"] = NOW
    with app.app_context():
        old = _booked(app, NOW, days_ahead=2, who=1)
        recent = _booked(app, NOW, days_ahead=10, who=2)
        db.session.commit()
        old_id, recent_id, old_end = old.id, recent.id, old.slot.ends_at
    _drain(app)                                  # the proofs are sent
    app.config["CLOCK"] = old_end.replace(tzinfo=timezone.utc) + timedelta(days=30, hours=1)
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "Contacts erased from 1 bookings" in result.output
    with app.app_context():
        gone, kept = (db.session.get(Appointment, i) for i in (old_id, recent_id))
        assert (gone.phone, gone.email) == ("", None)
        assert kept.phone.startswith("+62") and kept.email
        left = db.session.scalars(select(Message.about)).all()
        assert f"appointment:{old_id}" not in left          # its messages, sent and voided
        assert f"appointment:{recent_id}" in left           # still due: its reminders
    again = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "Contacts erased from 0 bookings" in again.output
