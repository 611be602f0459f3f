"""`flask privacy purge`: a booking's phone and e-mail, and the messages sent to it, are erased
once its visit is PRIVACY_RETENTION_DAYS over; nothing younger is touched."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mpp_digital.booking.models import Appointment
from mpp_digital.extensions import db
from mpp_digital.notify.models import Message, MessageStatus

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
        old_messages = db.session.scalars(select(Message).where(
            Message.about == f"appointment:{old_id}")).all()
        assert old_messages                                 # kept, for the reports …
        for message in old_messages:                        # … saying nothing of anyone
            assert (message.recipient, message.subject, message.body, message.attachment) \
                == ("", "", "", None)
        recent = db.session.scalars(select(Message).where(
            Message.about == f"appointment:{recent_id}")).all()
        due = [message for message in recent if message.status == MessageStatus.PENDING]
        assert due and all(message.recipient for message in due)   # its reminders, still due
    again = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "Contacts erased from 0 bookings" in again.output


def test_a_waitlist_place_forgets_its_contacts_and_old_outcomes_go(app, inbox):
    from mpp_digital.booking import waitlist
    from mpp_digital.booking.models import WaitlistEntry
    from mpp_digital.notify import operations as outbox

    from ..factories import citizen, offering
    from .test_booking_messages import _with_email

    app.config["CLOCK"] = NOW
    with app.app_context():
        day = NOW.date() + timedelta(days=3)
        entry_id = waitlist.join(db.session, offering(), day, day,
                                 _with_email(citizen(5)), "k", NOW).id
        booked = _booked(app, NOW, days_ahead=2, who=1)
        db.session.commit()
        about = f"appointment:{booked.id}"
    _drain(app)
    runner = app.test_cli_runner()
    app.config["CLOCK"] = NOW + timedelta(days=31)
    assert "and 0 waitlist places" in runner.invoke(args=["privacy", "purge"]).output
    app.config["CLOCK"] = NOW + timedelta(days=36)
    assert "and 1 waitlist places" in runner.invoke(args=["privacy", "purge"]).output
    with app.app_context():
        entry = db.session.get(WaitlistEntry, entry_id)
        assert (entry.phone, entry.email) == ("", None)
        assert db.session.scalars(select(Message).where(Message.about == about)).all()
    app.config["CLOCK"] = NOW + outbox.KEEP_OUTCOMES + timedelta(days=40)
    runner.invoke(args=["privacy", "purge"])
    with app.app_context():
        assert db.session.scalars(select(Message).where(Message.about == about)).all() == []
