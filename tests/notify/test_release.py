"""Releasing unconfirmed bookings the day before, for an offering whose manager asks for it:
only bookings that were reminded and not confirmed, at the set hour of the hall's clock, once;
the seat goes to the waitlist and the citizen is told why."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from mpp_digital import clock
from mpp_digital.accounts.models import Role
from mpp_digital.booking import notices
from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots
from mpp_digital.booking import waitlist
from mpp_digital.booking.models import Appointment, AppointmentStatus, SeatOffer, Slot
from mpp_digital.catalogue.models import Offering
from mpp_digital.extensions import db
from mpp_digital.notify.models import Message

from ..factories import citizen, csrf_token, login, offering, staff
from .test_booking_messages import _booked, _drain, _link, _with_email

NOW = datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc)     # Friday 08.00 WIB


def _release(app, at):
    app.config["CLOCK"] = at
    result = app.test_cli_runner().invoke(args=["booking", "waitlist"])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[0])


def test_only_reminded_unconfirmed_bookings_are_released_at_the_hour(app, client, inbox):
    app.config["CLOCK"] = NOW
    with app.app_context():
        offer = offering()
        offer.release_hour = 18
        reminded = _booked(app, NOW, who=1)
        confirmed = _booked(app, NOW, who=2)
        day = clock.to_local(offer.mpp, reminded.slot.starts_at).date()
        free = slots.free_slots(db.session, offer, day, NOW)[0]
        unreminded, _ = ops.book_appointment(db.session, offer, free, citizen(3), NOW, "k", 3)
        notices.booked(db.session, unreminded, NOW)           # no e-mail: never reminded
        waiting = waitlist.join(db.session, offer, day, day,
                                _with_email(citizen(4), "tunggu@example.test"), "k", NOW)
        db.session.commit()
        ids, waiting_id = (reminded.id, confirmed.id, unreminded.id), waiting.id
        assert {clock.to_local(offer.mpp, db.session.get(Appointment, i).slot.starts_at).date()
                for i in ids} == {day}
        booked_before = db.session.get(Slot, reminded.slot_id).booked
        link = _link(app, confirmed)
        zone = clock.zone(offer.mpp)
    day_before = datetime.combine(day - timedelta(days=1), time(16), zone)
    app.config["CLOCK"] = day_before
    _drain(app)                                            # the proofs and the day-before reminders
    reminder = next(m for m in inbox.mails if m["Subject"].startswith("Pengingat"))
    assert "Tekan “Saya datang” sebelum pukul 18.00 WIB hari ini" in \
        reminder.get_body(("plain",)).get_content()
    html = client.get(link).get_data(as_text=True)
    client.post(f"{link}/datang", data={"csrf_token": csrf_token(html)})
    release = datetime.combine(day - timedelta(days=1), time(18), zone)
    assert _release(app, release - timedelta(minutes=1)) == 0
    assert _release(app, release) == 1
    assert _release(app, release + timedelta(minutes=5)) == 0            # once
    with app.app_context():
        first, second, third = (db.session.get(Appointment, i) for i in ids)
        assert (first.status, first.cancelled_via) == (AppointmentStatus.CANCELLED, "release")
        assert second.status == third.status == AppointmentStatus.ACTIVE
        assert "tidak dikonfirmasi sampai pukul 18.00 WIB" in first.staff_message
        # The freed seat is held for the waiting citizen, not put back on sale.
        offer_row = db.session.scalar(select(SeatOffer).where(SeatOffer.entry_id == waiting_id))
        assert offer_row is not None and offer_row.slot_id == first.slot_id
        assert db.session.get(Slot, first.slot_id).booked == booked_before
        kinds = db.session.scalars(select(Message.kind).where(
            Message.created_at >= clock.utc(release))).all()
        assert sorted(kinds) == ["booking.cancelled", "waitlist.offer"]
    _drain(app)
    told = next(m for m in inbox.mails if m["Subject"].startswith("Janji")
                and "dibatalkan" in m["Subject"])
    assert "tidak dikonfirmasi sampai pukul 18.00 WIB" in told.get_body(("plain",)).get_content()


def test_nothing_is_released_where_the_manager_did_not_ask(app, inbox):
    app.config["CLOCK"] = NOW
    with app.app_context():
        appointment = _booked(app, NOW)
        db.session.commit()
        day = clock.to_local(appointment.offering.mpp, appointment.slot.starts_at).date()
        zone = clock.zone(appointment.offering.mpp)
    app.config["CLOCK"] = datetime.combine(day - timedelta(days=1), time(16), zone)
    _drain(app)
    assert _release(app, datetime.combine(day - timedelta(days=1), time(23), zone)) == 0


def test_a_manager_sets_the_release_hour_only_after_the_reminder(app, client, inbox):
    with app.app_context():
        staff("pengelola@kediri.test", Role.MPP_MANAGER)
        db.session.commit()
        offer_id = offering().id
    login(client, "pengelola@kediri.test")
    url = f"/staf/kelola/mpp/kota-kediri/layanan/{offer_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Lepas janji yang belum dikonfirmasi" in page
    assert 'value="17"' in page and 'value="16"' not in page     # after the 16.00 reminder
    form = {"csrf_token": csrf_token(page), "o-bookable": "y", "o-slot_minutes": "15",
            "o-seats_per_slot": "1", "o-walkin_share": "20", "o-horizon_days": "14",
            "o-cutoff_minutes": "60"}
    assert client.post(url, data={**form, "o-release_hour": "12"}).status_code == 422
    assert client.post(url, data={**form, "o-release_hour": "19"}).status_code == 302
    with app.app_context():
        assert db.session.get(Offering, offer_id).release_hour == 19
    assert client.post(url, data={**form, "o-release_hour": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Offering, offer_id).release_hour is None
