from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots as schedule
from mpp_digital.booking.models import Slot, SlotDay
from mpp_digital.catalogue.models import Closure, OpeningHours
from mpp_digital.extensions import db

from ..factories import citizen, next_weekday, offering, utc_at

KEY = "test-nik-key"
MONDAY = date(2027, 1, 4)


def _slots(offer, day):
    schedule.generate_slots(db.session, offer, day, day)
    return db.session.scalars(select(Slot).where(Slot.offering_id == offer.id)
                              .order_by(Slot.starts_at)).all()


def test_slots_are_stored_in_utc_from_each_halls_own_clock(ctx):
    kediri = _slots(offering("kota-kediri", "kartu-keluarga-baru"), MONDAY)
    mataram = _slots(offering("kota-mataram", "kartu-keluarga-baru"), MONDAY)
    halut = _slots(offering("kabupaten-halmahera-utara", "kartu-keluarga-baru"), MONDAY)
    assert kediri[0].starts_at.time() == time(1, 0)        # 08.00 WIB
    assert mataram[0].starts_at.time() == time(0, 0)       # 08.00 WITA
    assert halut[0].starts_at == utc_at(MONDAY - timedelta(days=1), 23).replace(tzinfo=None)
    assert ops.to_local(halut[0].offering.mpp, halut[0].starts_at).hour == 8


def test_the_agencys_own_days_decide_when_there_are_slots(ctx):
    ketapang = offering("kabupaten-ketapang", "paspor-biasa")      # Mon and Wed mornings
    tuesday = MONDAY + timedelta(days=1)
    assert _slots(ketapang, tuesday) == []
    slots = _slots(ketapang, MONDAY)
    assert ops.to_local(ketapang.mpp, slots[-1].ends_at).time() == time(12, 0)


def test_no_slots_on_independence_day_or_cuti_bersama(ctx):
    offer = offering("kota-kediri", "kartu-keluarga-baru")
    assert _slots(offer, date(2027, 8, 17)) == []                  # a Tuesday
    leave = db.session.scalar(select(Closure.starts_on).where(
        Closure.mpp_id.is_(None), Closure.starts_on > date(2027, 1, 1)).order_by(
        Closure.starts_on))
    assert leave.isoweekday() <= 5 and _slots(offer, leave) == []
    assert db.session.get(SlotDay, (offer.id, leave)) is not None  # generated: no slots


def test_a_local_closure_of_one_hall_closes_only_that_hall(ctx):
    kediri = offering("kota-kediri", "kartu-keluarga-baru")
    db.session.add(Closure(mpp_id=kediri.mpp_id, starts_on=MONDAY, ends_on=MONDAY,
                           reason="Listrik padam"))
    db.session.flush()
    assert _slots(kediri, MONDAY) == []
    assert _slots(offering("kabupaten-bantul", "kartu-keluarga-baru"), MONDAY) != []


def test_the_walk_in_share_and_quota_shape_the_online_seats(ctx):
    kediri_passport = offering("kota-kediri", "paspor-biasa")       # 16 slots, 20 % kept
    slots = _slots(kediri_passport, MONDAY)
    assert len(slots) == 16 and sum(s.capacity for s in slots) == 12
    kediri_passport.walkin_share = 50
    db.session.flush()
    schedule.generate_slots(db.session, kediri_passport, MONDAY, MONDAY)
    assert sum(s.capacity for s in db.session.scalars(
        select(Slot).where(Slot.offering_id == kediri_passport.id))) == 8


def test_generation_is_idempotent(ctx):
    offer = offering("kota-kediri", "kartu-keluarga-baru")
    first = [(s.starts_at, s.capacity) for s in _slots(offer, MONDAY)]
    again = [(s.starts_at, s.capacity) for s in _slots(offer, MONDAY)]
    assert first == again and len(first) > 0


def test_changing_hours_never_deletes_a_booked_slot_and_lists_its_bookings(ctx):
    offer = offering("kota-kediri", "paspor-biasa")
    slots = _slots(offer, MONDAY)
    booked_slot = next(s for s in slots if s.capacity and s.starts_at.time() == time(3, 0))
    appointment, _ = ops.book_appointment(db.session, offer, booked_slot, citizen(1),
                                          utc_at(MONDAY - timedelta(days=3), 0), KEY, 3)
    # Imigrasi now comes only 08.00–10.00 (local): 10.00 WIB = 03.00 UTC no longer fits.
    for row in list(offer.hours):
        db.session.delete(row)
    db.session.flush()
    offer.hours = [OpeningHours(weekday=d, opens_at=time(8), closes_at=time(10))
                   for d in range(1, 6)]
    db.session.flush()
    db.session.expire(offer)
    schedule.generate_slots(db.session, offer, MONDAY, MONDAY)
    remaining = db.session.scalars(select(Slot).where(Slot.offering_id == offer.id)).all()
    assert booked_slot in remaining and booked_slot.retired
    assert all(s.retired or ops.to_local(offer.mpp, s.ends_at).time() <= time(10)
               for s in remaining)
    assert schedule.misfits(db.session) == [appointment]
    assert schedule.misfits(db.session, mpp_id=offer.mpp_id) == [appointment]
    assert schedule.misfits(db.session, mpp_id=offering("kota-mataram").mpp_id) == []


def test_missing_days_are_generated_lazily_up_to_the_horizon(ctx):
    offer = offering("kota-kediri", "paspor-biasa")
    now = utc_at(MONDAY, 0)
    assert len(schedule.missing_days(db.session, offer, now)) == offer.horizon_days + 1
    assert schedule.ensure_slots(db.session, offer, now) is True
    assert schedule.missing_days(db.session, offer, now) == []
    assert schedule.ensure_slots(db.session, offer, now) is False
    days = schedule.available_days(db.session, offer, now)
    assert days[0][0] == MONDAY and all(d.isoweekday() <= 5 for d, _ in days)
    friday = next_weekday(MONDAY, 5)
    assert dict(days)[friday] == 12


@pytest.mark.parametrize("hall", ["kota-kediri", "kota-mataram", "kabupaten-halmahera-utara"])
def test_available_days_sum_each_local_day_as_its_slots_do(ctx, hall):
    """The database sums the seats per local day; in WITA a day's first slot starts at 00.00
    UTC, in WIT at 23.00 UTC the day before: each must count on its own local day."""
    offer = offering(hall, "kartu-keluarga-baru")
    now = utc_at(MONDAY, 0) - timedelta(hours=12)
    schedule.ensure_slots(db.session, offer, now)
    first = schedule.free_slots(db.session, offer, MONDAY, now)[0]
    ops.book_appointment(db.session, offer, first, citizen(1), now, KEY, 3)
    expected = {}
    for slot in db.session.scalars(select(Slot).where(Slot.offering_id == offer.id)):
        if slot in schedule.free_slots(db.session, offer,
                                       ops.to_local(offer.mpp, slot.starts_at).date(), now):
            day = ops.to_local(offer.mpp, slot.starts_at).date()
            expected[day] = expected.get(day, 0) + slot.capacity - slot.booked
    days = schedule.available_days(db.session, offer, now)
    assert days == sorted(expected.items())
    assert dict(days)[MONDAY] == sum(s.capacity - s.booked for s in
                                     schedule.free_slots(db.session, offer, MONDAY, now))
    assert days[-1][0] > MONDAY + timedelta(days=7)


def test_changing_hours_after_a_cancellation_keeps_the_cancelled_bookings_slot(ctx):
    """Issue 12: a slot whose only booking was cancelled has booked = 0 but is still named by
    that booking; deleting it failed on the foreign key (a 500 when a manager saved hours)."""
    offer = offering("kota-kediri", "paspor-biasa")
    slots = _slots(offer, MONDAY)
    slot = next(s for s in slots if s.capacity and s.starts_at.time() == time(3, 0))
    appointment, _ = ops.book_appointment(db.session, offer, slot, citizen(1),
                                          utc_at(MONDAY - timedelta(days=3), 0), KEY, 3)
    ops.cancel_appointment(db.session, appointment, utc_at(MONDAY - timedelta(days=2), 0))
    db.session.refresh(slot)
    assert slot.booked == 0
    for row in list(offer.hours):
        db.session.delete(row)
    offer.hours = [OpeningHours(weekday=d, opens_at=time(8), closes_at=time(10))
                   for d in range(1, 6)]
    db.session.flush()
    db.session.expire(offer)
    schedule.generate_slots(db.session, offer, MONDAY, MONDAY)      # raised IntegrityError before
    db.session.flush()
    db.session.refresh(appointment)
    assert appointment.slot.retired and schedule.misfits(db.session) == []
