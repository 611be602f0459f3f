"""A booking's messages through the outbox: the proof with its calendar, reminders at the
hall's local times, the hall's changes, and the signed links of "Saya datang" / "Batalkan"."""
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from mpp_digital import clock
from mpp_digital.accounts.api_clients import create_api_client
from mpp_digital.booking import notices
from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots
from mpp_digital.booking.links import token_for
from mpp_digital.booking.models import Appointment, AppointmentStatus
from mpp_digital.catalogue.models import Mpp, Offering, Region
from mpp_digital.extensions import db
from mpp_digital.notify.models import Message, MessageStatus
from mpp_digital.notify.worker import work

from ..booking.test_pages import _book
from ..factories import citizen, csrf_token, nik, offering

EMAIL = "dewi@example.test"


def _drain(app):
    with app.app_context():
        work(app.config, once=True)


def _messages(app, **where):
    with app.app_context():
        rows = db.session.scalars(select(Message).filter_by(**where).order_by(Message.id)).all()
        db.session.expunge_all()
        return rows


def _appointment(app):
    with app.app_context():
        found = db.session.scalar(select(Appointment).order_by(Appointment.id.desc()))
        db.session.expunge_all()
        return found


def test_a_booking_sends_its_proof_with_the_calendar_once(app, client, inbox):
    assert _book(client, email=EMAIL).headers["Location"] == "/janji"
    assert "dikirim ke e-mail Anda" in client.get("/janji").get_data(as_text=True)
    code = _appointment(app).code
    assert inbox.mails == []                       # nothing is sent from the request
    _drain(app)
    _drain(app)
    assert len(inbox.mails) == 1
    mail = inbox.mails[0]
    assert mail["To"] == EMAIL and f"{code[:4]}-{code[4:8]}-{code[8:]}" in mail["Subject"]
    assert mail["Message-ID"].startswith("<message-")
    text = mail.get_body(("plain",)).get_content()
    assert "Janji Anda tercatat" in text and "/janji/tautan/" in text and "WIB" in text
    assert "NIK" not in text and "2468" not in text            # nothing of the NIK
    calendar = next(part for part in mail.iter_attachments()
                    if part.get_content_type() == "text/calendar")
    assert code in calendar.get_content()
    assert [m.status for m in _messages(app, kind="booking.proof")] == [MessageStatus.SENT]


def test_a_booking_through_the_api_sends_its_proof_too(app, client, inbox):
    """The API writes its booking as a row; a citizen with an address still gets the proof."""
    with app.app_context():
        _, key = create_api_client(db.session, "Portal", [], True, "9 per minute", None,
                                   clock.now())
        db.session.commit()
    start = client.get("/api/v1/mpps/kota-kediri/offerings/paspor-biasa/slots").get_json()[0]
    answer = client.post("/api/v1/appointments", headers={"Authorization": f"Bearer {key}"},
                         json={"mpp": "kota-kediri", "service": "paspor-biasa",
                               "start": start["start"], "name": "Dewi Lestari",
                               "nik": nik(2468), "phone": "0813 1111 2222", "email": EMAIL})
    assert answer.status_code == 201
    code = answer.get_json()["code"]
    assert [m.kind for m in _messages(app, kind="booking.proof")] == ["booking.proof"]
    _drain(app)
    assert [mail["To"] for mail in inbox.mails] == [EMAIL]
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in inbox.mails[0]["Subject"]


def test_the_messages_are_in_the_language_of_the_booking(app, client, inbox):
    client.set_cookie("bahasa", "en", domain="localhost")
    _book(client, email=EMAIL)
    _drain(app)
    text = inbox.mails[0].get_body(("plain",)).get_content()
    assert "Your booking is confirmed" in text and "Booking" in inbox.mails[0]["Subject"]


def test_without_a_channel_nothing_is_queued_and_the_page_says_so(app, client):
    _book(client, email=EMAIL)
    assert "tidak akan mengirim pengingat" in client.get("/janji").get_data(as_text=True)
    assert _messages(app) == []


def _hall_in_zone(province):
    return db.session.scalar(select(Offering).join(Offering.mpp).join(Mpp.region)
                             .where(Region.province_code == province,
                                    Offering.bookable.is_(True)).order_by(Offering.id))


@pytest.mark.parametrize("province, zone", [("35", "Asia/Jakarta"), ("52", "Asia/Makassar"),
                                            ("82", "Asia/Jayapura")])
def test_reminders_fall_the_day_before_at_four_and_two_hours_before_in_the_halls_zone(
        app, inbox, province, zone):
    now = datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc)
    app.config["CLOCK"] = now
    with app.app_context():
        offer = _hall_in_zone(province)
        assert offer.mpp.timezone == zone
        appointment = _booked(app, now, days_ahead=7, offer=offer)
        due = [m.due_at for m in db.session.scalars(
            select(Message).where(Message.kind == notices.REMINDER).order_by(Message.due_at))]
        starts = clock.to_local(offer.mpp, appointment.slot.starts_at)
        local = [d.replace(tzinfo=timezone.utc).astimezone(starts.tzinfo) for d in due]
        assert local == [datetime.combine(starts.date() - timedelta(days=1), time(16),
                                          starts.tzinfo), starts - timedelta(hours=2)]


def _with_email(who, email=EMAIL, language="id"):
    return ops.Citizen(who.name, who.nik, who.phone, email, language)


def _booked(app, now, days_ahead=3, who=1, offer=None):
    """A booking with an e-mail address (at Kota Kediri unless `offer`), made at `now`, and
    its messages queued."""
    offer = offer or offering()
    day = clock.local_day(offer.mpp, now) + timedelta(days=days_ahead)
    slots.generate_slots(db.session, offer, day, day + timedelta(days=7))
    free = next(found for d in range(8)
                if (found := slots.free_slots(db.session, offer, day + timedelta(days=d), now)))
    appointment, _ = ops.book_appointment(db.session, offer, free[0], _with_email(citizen(who)),
                                          now, "k", 3)
    notices.booked(db.session, appointment, now)
    return appointment


def test_a_moved_booking_voids_its_queued_reminders_and_queues_new_ones(app, inbox):
    now = datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc)
    app.config["CLOCK"] = now
    with app.app_context():
        appointment = _booked(app, now)
        first = [m.due_at for m in db.session.scalars(
            select(Message).where(Message.kind == notices.REMINDER))]
        later = next(s for s in db.session.scalars(
            select(ops.Slot).where(ops.Slot.offering_id == appointment.offering_id,
                                   ops.Slot.starts_at > appointment.slot.starts_at
                                   + timedelta(days=1), ops.Slot.capacity > 0)
            .order_by(ops.Slot.starts_at)))
        ops.move_by_staff(db.session, appointment, later, "Loket pindah lantai", now)
        notices.moved(db.session, appointment, now, reason="Loket pindah lantai")
        db.session.commit()
        reminders = db.session.scalars(select(Message).where(
            Message.kind == notices.REMINDER).order_by(Message.id)).all()
        assert [m.status for m in reminders] == [MessageStatus.VOID] * 2 + \
            [MessageStatus.PENDING] * 2
        assert {m.due_at for m in reminders[2:]}.isdisjoint(first)
    _drain(app)            # the proof and the move are due; the reminders are not yet
    assert [m["Subject"].split()[0] for m in inbox.mails] == ["Bukti", "Jadwal"]
    assert "Loket pindah lantai" in inbox.mails[1].get_body(("plain",)).get_content()


def _link(app, appointment):
    with app.test_request_context():
        return f"/janji/tautan/{token_for(appointment)}"


def test_a_reminder_link_shows_the_booking_and_only_its_buttons_change_it(app, client, inbox):
    now = clock.now()
    with app.app_context():
        appointment = _booked(app, now)
        db.session.commit()
        link = _link(app, appointment)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Saya datang" in html and appointment.code[:4] in html
    assert _appointment(app).confirmed_at is None                  # a GET changes nothing
    client.post(f"{link}/datang", data={"csrf_token": csrf_token(html)})
    assert _appointment(app).confirmed_at is not None
    html = client.get(link).get_data(as_text=True)
    assert "sudah menyatakan akan datang" in html
    client.post(f"{link}/batal", data={"csrf_token": csrf_token(html)})
    assert _appointment(app).status == AppointmentStatus.CANCELLED
    assert {m.status for m in _messages(app, kind=notices.REMINDER)} == {MessageStatus.VOID}


def test_tampered_foreign_and_expired_links_open_nothing(app, client, inbox):
    now = clock.now()
    with app.app_context():
        mine = _booked(app, now, who=1)
        other = _booked(app, now, who=2)
        db.session.commit()
        link, other_link = _link(app, mine), _link(app, other)
        ends = mine.slot.ends_at.replace(tzinfo=timezone.utc)
    token = link.rsplit("/", 1)[1]
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert client.get(f"/janji/tautan/{tampered}").status_code == 404
    assert client.get("/janji/tautan/bukan-tautan").status_code == 404
    # Another booking's link is that booking's page, never this one's.
    assert mine.code[:4] not in client.get(other_link).get_data(as_text=True)
    html = client.get(link).get_data(as_text=True)
    answer = client.post(f"{other_link}/batal", data={"csrf_token": csrf_token(html)})
    assert answer.status_code == 302 and _status(app, mine.id) == AppointmentStatus.ACTIVE
    app.config["CLOCK"] = ends + timedelta(seconds=1)                  # the slot has ended
    assert client.get(link).status_code == 404
    assert client.post(f"{link}/batal", data={"csrf_token": csrf_token(html)}).status_code \
        == 404
    assert client.post(f"{link}/lain", data={"csrf_token": csrf_token(html)}).status_code == 404


def _status(app, appointment_id):
    with app.app_context():
        return db.session.get(Appointment, appointment_id).status


def test_a_cancellation_by_the_hall_tells_the_citizen_why(app, inbox):
    now = clock.now()
    with app.app_context():
        appointment = _booked(app, now)
        ops.cancel_by_staff(db.session, appointment, "Server Dukcapil pusat mati", now)
        notices.cancelled(db.session, appointment, now, reason=appointment.staff_message)
        db.session.commit()
    _drain(app)
    cancelled = [m for m in inbox.mails if "dibatalkan" in m["Subject"]]
    assert len(cancelled) == 1
    assert "Server Dukcapil pusat mati" in cancelled[0].get_body(("plain",)).get_content()
    assert not re.search(r"Pengingat", " ".join(m["Subject"] for m in inbox.mails))


def test_a_seat_offered_from_the_waitlist_is_mailed_with_its_deadline(app, inbox):
    from mpp_digital.booking import waitlist

    from ..booking.test_waitlist import MONDAY, NOW as BEFORE_MONDAY, _full_slot

    app.config["CLOCK"] = BEFORE_MONDAY
    with app.app_context():
        offer, _, (booking,) = _full_slot()
        waitlist.join(db.session, offer, MONDAY, MONDAY, _with_email(citizen(7)), "k",
                      BEFORE_MONDAY)
        ops.cancel_appointment(db.session, booking, BEFORE_MONDAY)
        db.session.commit()
    _drain(app)
    (mail,) = [m for m in inbox.mails if m["To"] == EMAIL]
    text = mail.get_body(("plain",)).get_content()
    assert "Ada kursi untuk Anda" in mail["Subject"] and "/antrean-tunggu/" in text
    assert "07.30 WIB" in text               # held 30 minutes from 07.00 WIB
    assert mail["Date"].datetime == BEFORE_MONDAY          # the project's clock, not the host's
