"""The waitlist: a freed seat is offered to the first citizen waiting for its day, held for
them, passed on when the offer lapses or they leave, and never given twice."""
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots, waitlist
from mpp_digital.booking.models import (Appointment, AppointmentStatus, OfferStatus,
                                        SeatOffer, Slot, WaitlistEntry, WaitStatus)
from mpp_digital.extensions import db
from mpp_digital.ops.check import seats

from .. import races
from ..factories import citizen, csrf_token, nik, offering, utc_at
from . import waitlist_race
from .test_slots import KEY, MONDAY

NOW = utc_at(MONDAY - timedelta(days=3), 0)


def _full_slot(capacity=1):
    """A Monday slot at Kota Kediri with `capacity` seats, all booked (citizens 1…)."""
    offer = offering()
    slots.ensure_slots(db.session, offer, NOW)          # the whole horizon, as the pages would
    monday = (Slot.starts_at >= utc_at(MONDAY, 0)) & (Slot.starts_at < utc_at(MONDAY, 23))
    slot = db.session.scalar(select(Slot).where(Slot.offering_id == offer.id, Slot.capacity > 0,
                                                monday).order_by(Slot.starts_at))
    slot.capacity = capacity
    for other in db.session.scalars(select(Slot).where(Slot.offering_id == offer.id,
                                                       Slot.id != slot.id, monday)):
        other.capacity = 0                         # the day is full
    db.session.flush()
    booked = [ops.book_appointment(db.session, offer, slot, citizen(n), NOW, KEY, 3)[0]
              for n in range(1, capacity + 1)]
    return offer, slot, booked


def _join(offer, serial, last_day=MONDAY, when=NOW):
    return waitlist.join(db.session, offer, MONDAY, last_day, citizen(serial), KEY, when)


def _offers(entry):
    return db.session.scalars(select(SeatOffer).where(SeatOffer.entry_id == entry.id)).all()


def test_a_cancelled_seat_is_held_for_the_first_waiting_then_booked_by_them(ctx):
    offer, slot, (booking,) = _full_slot()
    first, second = _join(offer, 101), _join(offer, 102, when=NOW + timedelta(minutes=1))
    ops.cancel_appointment(db.session, booking, NOW + timedelta(hours=1))
    db.session.expire_all()
    assert slot.booked == 1 and seats(db.session) == []        # held, not back on sale
    (held,) = _offers(first)
    assert first.status == WaitStatus.OFFERED and second.status == WaitStatus.WAITING
    assert held.expires_at == (NOW + timedelta(hours=1, minutes=30)).replace(tzinfo=None)
    assert slots.free_slots(db.session, offer, MONDAY, NOW) == []  # nobody else can book it
    appointment = ops.take_offer(db.session, first, NOW + timedelta(hours=1, minutes=10), 3)
    db.session.flush()
    assert appointment.slot_id == slot.id and appointment.nik_last4 == "0101"
    db.session.refresh(slot)
    assert slot.booked == 1 and seats(db.session) == []


def test_a_lapsed_offer_passes_the_seat_on_and_the_last_frees_it(ctx):
    offer, slot, (booking,) = _full_slot()
    first, second = _join(offer, 101), _join(offer, 102, when=NOW + timedelta(minutes=1))
    ops.cancel_appointment(db.session, booking, NOW)
    assert waitlist.lapse_due(db.session, NOW + timedelta(minutes=29)) == 0
    assert waitlist.lapse_due(db.session, NOW + timedelta(minutes=30)) == 1
    db.session.expire_all()
    assert first.status == WaitStatus.LAPSED and second.status == WaitStatus.OFFERED
    with pytest.raises(waitlist.WaitlistRefused):                     # too late to take it
        waitlist.accept(db.session, _offers(first)[0], NOW + timedelta(minutes=31))
    assert waitlist.lapse_due(db.session, NOW + timedelta(hours=1)) == 1
    db.session.expire_all()
    assert slot.booked == 0 and seats(db.session) == []              # nobody left: on sale


def test_leaving_with_an_offer_passes_it_on(ctx):
    offer, slot, (booking,) = _full_slot()
    first, second = _join(offer, 101), _join(offer, 102, when=NOW + timedelta(minutes=1))
    ops.cancel_appointment(db.session, booking, NOW)
    db.session.expire_all()
    waitlist.leave(db.session, first, NOW)
    db.session.expire_all()
    assert first.status == WaitStatus.LEFT and second.status == WaitStatus.OFFERED
    assert slot.booked == 1 and seats(db.session) == []


def test_one_place_per_nik_service_and_day(ctx):
    offer, _, _ = _full_slot()
    _join(offer, 101)
    with pytest.raises(waitlist.WaitlistRefused, match="sudah menunggu"):
        _join(offer, 101)
    assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 1


def test_a_window_of_days_takes_the_first_seat_freed_within_it(ctx):
    offer, slot, (booking,) = _full_slot()
    week = waitlist.join(db.session, offer, MONDAY - timedelta(days=2), MONDAY + timedelta(days=5),
                         citizen(103), KEY, NOW)
    ops.cancel_appointment(db.session, booking, NOW)
    assert [o.slot_id for o in _offers(week)] == [slot.id]


def test_the_full_day_page_puts_a_citizen_on_the_list_and_shows_the_offer(app, client):
    with app.app_context():
        _, slot, (booking,) = _full_slot()
        booking_id = booking.id
        db.session.commit()
    app.config["CLOCK"] = NOW
    day_page = f"/mpp/kota-kediri/layanan/paspor-biasa/jadwal/{MONDAY.isoformat()}"
    page = client.get(day_page).get_data(as_text=True)
    assert "Masuk daftar tunggu" in page
    joined = client.post(day_page + "/tunggu", data={
        "csrf_token": csrf_token(page), "within": "day", "name": "Budi Santoso",
        "nik": nik(777), "phone": "0812 3333 4444"})
    assert joined.status_code == 302
    waiting_url = joined.headers["Location"]
    page = client.get(waiting_url).get_data(as_text=True)
    assert "urutan ke-1" in page and "Ambil kursi ini" not in page
    again = client.post(day_page + "/tunggu", data={
        "csrf_token": csrf_token(page), "within": "day", "name": "Budi Santoso",
        "nik": nik(777), "phone": "0812 3333 4444"})
    assert again.status_code == 409 and "sudah menunggu" in again.get_data(as_text=True)
    bad = client.post(day_page + "/tunggu", data={"csrf_token": csrf_token(page), "nik": "12"})
    assert bad.status_code == 422
    for day in ("2026-12-31", "2027-03-01", "bukan-tanggal"):          # past, beyond, garbage
        assert client.post(f"/mpp/kota-kediri/layanan/paspor-biasa/jadwal/{day}/tunggu", data={
            "csrf_token": csrf_token(page)}).status_code == 404
    with app.app_context():
        ops.cancel_appointment(db.session, db.session.get(Appointment, booking_id), NOW)
        db.session.commit()
    page = client.get(waiting_url).get_data(as_text=True)
    assert "Ada kursi untuk Anda" in page
    taken = client.post(waiting_url + "/ambil", data={"csrf_token": csrf_token(page)})
    assert taken.headers["Location"] == "/janji"
    assert "************0777" in client.get("/janji").get_data(as_text=True)
    assert "sudah mengambil kursi" in client.get(waiting_url).get_data(as_text=True)
    assert client.get(re.sub(r"/[^/]+$", "/tampered", waiting_url)).status_code == 404


def _race_setup(app, n):
    with app.app_context():
        offer, slot, booked = _full_slot(capacity=n)
        entries = [_join(offer, 500 + i, when=NOW + timedelta(seconds=i)).id for i in range(n)]
        db.session.commit()
        return slot.id, [b.id for b in booked], entries


def _race(app, n, unguarded=False):
    slot_id, bookings, entries = _race_setup(app, n)
    with races.restored(waitlist, "_waiting_for", "_claim"):
        results = races.race(app, waitlist_race.cancel,
                             [(b, NOW, entries, unguarded) for b in bookings], processes=n)
    with app.app_context():
        offers = db.session.scalars(select(SeatOffer.entry_id).where(
            SeatOffer.status == OfferStatus.OPEN)).all()
        drift = seats(db.session)
        slot = db.session.get(Slot, slot_id)
        active = db.session.scalar(select(func.count(Appointment.id)).where(
            Appointment.slot_id == slot_id, Appointment.status == AppointmentStatus.ACTIVE))
    return Counter(results), offers, drift, slot, active


@pytest.mark.slow
def test_twenty_cancellations_offer_twenty_seats_to_twenty_citizens(app):
    """Every client reads the waiting list as it was before the race: only the guarded claim
    of each entry keeps one seat per citizen."""
    results, offers, drift, slot, active = _race(app, 20)
    assert results == {"ok": 20}
    assert len(offers) == len(set(offers)) == 20 and drift == []
    assert slot.booked == 20 == slot.capacity and active == 0


@pytest.mark.slow
def test_control_without_the_guard_and_the_index_a_citizen_gets_several_seats(app):
    with app.app_context():
        db.session.execute(text("DROP INDEX uq_seat_offer_open_entry"))
        db.session.commit()
    results, offers, drift, slot, _ = _race(app, 20, unguarded=True)
    assert results == {"ok": 20}
    assert len(offers) == 20 and len(set(offers)) < 20          # the race is real


def test_the_command_passes_lapsed_offers_on(app):
    with app.app_context():
        offer, slot, (booking,) = _full_slot()
        first, second = _join(offer, 101), _join(offer, 102, when=NOW + timedelta(minutes=1))
        ops.cancel_appointment(db.session, booking, NOW)
        db.session.commit()
        first_id, second_id = first.id, second.id
    app.config["CLOCK"] = NOW + timedelta(minutes=31)
    result = app.test_cli_runner().invoke(args=["booking", "waitlist"])
    assert result.exit_code == 0 and "1 offers lapsed" in result.output
    with app.app_context():
        assert [db.session.get(WaitlistEntry, i).status for i in (first_id, second_id)] == \
            [WaitStatus.LAPSED, WaitStatus.OFFERED]
