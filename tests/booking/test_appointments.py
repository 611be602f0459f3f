from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mpp_digital.accounts.api_clients import create_api_client
from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots
from mpp_digital.booking.models import Appointment, AppointmentStatus, Slot
from mpp_digital.extensions import db

from ..factories import citizen, offering, utc_at
from .test_slots import KEY, MONDAY

NOW = utc_at(MONDAY - timedelta(days=3), 0)          # Friday before, 07.00 WIB
WEDNESDAY = MONDAY + timedelta(days=2)               # Tuesday 5 January 2027 is Isra Mikraj


def _open_slots(offer, day=MONDAY):
    """The slots of one local day that offer seats online."""
    slots.generate_slots(db.session, offer, day, day)
    return [s for s in db.session.scalars(select(Slot).where(Slot.offering_id == offer.id)
                                          .order_by(Slot.starts_at))
            if s.capacity and ops.to_local(offer.mpp, s.starts_at).date() == day]


def _book(offer, slot, who, now=NOW, max_active=3):
    return ops.book_appointment(db.session, offer, slot, who, now, KEY, max_active)[0]


def _active_count(slot):
    return db.session.scalar(select(func.count(Appointment.id)).where(
        Appointment.slot_id == slot.id, Appointment.status == AppointmentStatus.ACTIVE))


def test_a_booking_takes_a_seat_and_keeps_only_a_hash_of_the_nik(ctx):
    offer = offering()
    slot = _open_slots(offer)[0]
    appointment = _book(offer, slot, citizen(7))
    db.session.flush()
    assert slot.booked == 1 == _active_count(slot)
    assert len(appointment.code) == 10 and set(appointment.code) <= set(ops.CODE_ALPHABET)
    assert appointment.nik_last4 == "0007" and len(appointment.nik_hmac) == 64
    assert citizen(7).nik.digits not in appointment.nik_hmac
    assert appointment.phone.startswith("+628")


def test_one_active_booking_per_nik_per_service(ctx):
    offer = offering()
    first, second = _open_slots(offer)[:2]
    _book(offer, first, citizen(1))
    with pytest.raises(ops.LimitReached, match="layanan ini"):
        _book(offer, second, citizen(1))
    assert second.booked == 0


def test_at_most_three_active_bookings_per_nik(ctx):
    services = ["paspor-biasa", "kartu-keluarga-baru", "akta-kelahiran", "ktp-elektronik"]
    offers = [offering("kota-kediri", s) for s in services]
    for offer in offers[:3]:
        _book(offer, _open_slots(offer)[0], citizen(1))
    last = _open_slots(offers[3])[0]
    with pytest.raises(ops.LimitReached, match="3 janji aktif"):
        _book(offers[3], last, citizen(1))
    assert last.booked == 0
    assert _book(offers[3], last, citizen(1), max_active=4)       # configurable


def test_a_full_slot_refuses_and_a_cancelled_seat_is_free_again(ctx):
    offer = offering()
    slot = _open_slots(offer)[0]
    assert slot.capacity == 1
    first = _book(offer, slot, citizen(1))
    with pytest.raises(ops.SlotFull):
        _book(offer, slot, citizen(2))
    ops.cancel_appointment(db.session, first, NOW)
    db.session.refresh(slot)
    assert first.status == AppointmentStatus.CANCELLED and slot.booked == 0
    assert _book(offer, slot, citizen(2)).status == AppointmentStatus.ACTIVE
    with pytest.raises(ops.BookingRefused):
        ops.cancel_appointment(db.session, first, NOW)
    db.session.refresh(slot)
    assert slot.booked == 1


def test_the_cut_off_and_unbookable_services_refuse(ctx):
    offer = offering()
    slot = _open_slots(offer)[0]                                       # 08.00 WIB Monday
    with pytest.raises(ops.NotBookable, match="terlalu dekat"):
        _book(offer, slot, citizen(1), now=utc_at(MONDAY, 0, 30))     # 07.30 WIB
    walk_in_only = offering("kota-kediri", "paspor-hilang")
    with pytest.raises(ops.NotBookable):
        _book(walk_in_only, slot, citizen(1))
    other = offering("kota-kediri", "kartu-keluarga-baru")
    with pytest.raises(ops.NotBookable):
        _book(other, slot, citizen(1))                                 # slot of another service


def test_reschedule_once_and_only_up_to_the_day_before(ctx):
    offer = offering()
    monday = _open_slots(offer)
    wednesday = _open_slots(offer, WEDNESDAY)
    appointment = _book(offer, monday[0], citizen(1))
    ops.reschedule_appointment(db.session, appointment, wednesday[0], NOW)
    db.session.refresh(monday[0])
    db.session.refresh(wednesday[0])
    assert appointment.slot_id == wednesday[0].id and appointment.reschedules == 1
    assert monday[0].booked == 0 and wednesday[0].booked == 1
    with pytest.raises(ops.BookingRefused, match="satu kali"):
        ops.reschedule_appointment(db.session, appointment, monday[1], NOW)
    other = _book(offer, monday[1], citizen(2))
    same_day = utc_at(MONDAY, 0, 10)                                    # Monday 07.10 WIB
    assert not ops.can_reschedule(other, same_day)
    with pytest.raises(ops.BookingRefused):
        ops.reschedule_appointment(db.session, other, wednesday[1], same_day)


def test_lookup_needs_the_code_and_the_last_four_digits(ctx):
    offer = offering()
    appointment = _book(offer, _open_slots(offer)[0], citizen(4321))
    code = appointment.code
    spaced = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "
    assert ops.find_appointment(db.session, spaced, "4321") == appointment
    other_code = code[:-1] + ("Z" if code[-1] != "Z" else "Y")
    for wrong_code, last4 in ((code, "4320"), (other_code, "4321"), ("", ""), (code, "")):
        with pytest.raises(ops.AppointmentNotFound, match="tidak cocok"):
            ops.find_appointment(db.session, wrong_code, last4)


def test_a_past_booking_stops_counting_against_the_nik(ctx):
    offer = offering()
    slot = _open_slots(offer)[0]
    old = _book(offer, slot, citizen(1))
    later = utc_at(MONDAY + timedelta(days=1), 12)                   # Tuesday 19.00 WIB
    wednesday = _open_slots(offer, WEDNESDAY)
    again = _book(offer, wednesday[0], citizen(1), now=later)
    db.session.refresh(old)
    assert old.status == AppointmentStatus.EXPIRED and again.status == AppointmentStatus.ACTIVE


def test_an_idempotent_retry_returns_the_same_booking(ctx):
    offer = offering()
    slot = _open_slots(offer)[0]
    who = citizen(1)
    portal, _ = create_api_client(db.session, "Portal", [], True, "9 per minute", None, NOW)
    fingerprint = ops.request_fingerprint(offer, slot.starts_at, who, KEY)
    first, created = ops.book_appointment(db.session, offer, slot, who, NOW, KEY, 3,
                                          api_client_id=portal.id, idempotency_key="abc",
                                          fingerprint=fingerprint)
    again, created_again = ops.book_appointment(db.session, offer, slot, who, NOW, KEY, 3,
                                                api_client_id=portal.id, idempotency_key="abc",
                                                fingerprint=fingerprint)
    assert created and not created_again and again.id == first.id and slot.booked == 1
    with pytest.raises(ops.IdempotencyMismatch):
        ops.book_appointment(db.session, offer, slot, citizen(2), NOW, KEY, 3,
                             api_client_id=portal.id, idempotency_key="abc",
                             fingerprint="different")


def test_a_booking_is_the_row_it_wrote_without_reading_it_back(ctx):
    offer = offering()
    slot = _open_slots(offer)[0]
    appointment = _book(offer, slot, citizen(7))
    kept = {column.key: getattr(appointment, column.key)
            for column in Appointment.__table__.columns}
    assert appointment in db.session and not db.session.dirty and not db.session.new
    db.session.expire(appointment)                                  # read from the database
    assert {key: getattr(appointment, key) for key in kept} == kept
    assert appointment.slot is slot and appointment.offering is offer


def test_a_lost_race_for_the_niks_seat_gives_the_seat_back_and_takes_the_next(
        ctx, monkeypatch):
    """Another request of the same NIK took seat 1 between this one's read and its write: the
    INSERT does nothing on the unique index, the slot's seat is given back, seat 2 is taken."""
    first, other = offering(), offering("kota-kediri", "kartu-keluarga-baru")
    _book(first, _open_slots(first)[0], citizen(1))
    real, calls = ops.free_seat, []

    def stale_then_real(*args):
        calls.append(args)
        return 1 if len(calls) == 1 else real(*args)

    monkeypatch.setattr(ops, "free_seat", stale_then_real)
    slot = _open_slots(other)[0]
    appointment = _book(other, slot, citizen(1))
    assert len(calls) == 2 and appointment.nik_seat == 2
    db.session.expire_all()
    assert slot.booked == 1 == _active_count(slot)


def test_a_concurrent_retry_with_the_same_idempotency_key_returns_its_booking(
        ctx, monkeypatch):
    """The first request with the key committed after this one looked for it: its INSERT does
    nothing, the seat goes back, and the first request's booking is the answer."""
    offer = offering()
    slot = _open_slots(offer)[0]
    slot.capacity = 2                                           # a seat for the loser to take
    who = citizen(1)
    portal, _ = create_api_client(db.session, "Portal", [], True, "9 per minute", None, NOW)
    fingerprint = ops.request_fingerprint(offer, slot.starts_at, who, KEY)
    first, _ = ops.book_appointment(db.session, offer, slot, who, NOW, KEY, 3,
                                    api_client_id=portal.id, idempotency_key="abc",
                                    fingerprint=fingerprint)
    real, looked = ops._earlier, []

    def not_yet_then_real(*args):
        looked.append(args)
        return None if len(looked) == 1 else real(*args)

    monkeypatch.setattr(ops, "_earlier", not_yet_then_real)
    monkeypatch.setattr(ops, "free_seat", lambda *args: 2)     # its NIK read saw nothing yet
    again, created = ops.book_appointment(db.session, offer, slot, who, NOW, KEY, 3,
                                          api_client_id=portal.id, idempotency_key="abc",
                                          fingerprint=fingerprint)
    assert not created and again.id == first.id
    db.session.expire_all()
    assert slot.booked == 1 == _active_count(slot)
