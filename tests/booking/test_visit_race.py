"""Many citizens booking overlapping two-step visits for the last seats at once: no step is
oversold and no visit is half-booked. 30 threads on SQLite, 20 processes on PostgreSQL; the
control books step by step and leaves half-visits."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from mpp_digital.booking import slots
from mpp_digital.booking.models import Appointment, AppointmentStatus, Slot
from mpp_digital.extensions import db

from .. import races
from ..factories import mpp, offering
from . import visit_race
from .test_slots import MONDAY

pytestmark = pytest.mark.slow


def _clients(app):
    return 30 if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else 20


def _last_seats(app):
    """Two births' first steps (akta at two times) and one KK seat after both: every visit
    wants the one KK seat. Returns (mpp id, [steps of each kind], the slots' ids)."""
    with app.app_context():
        akta, kk = offering("kota-kediri", "akta-kelahiran"), offering("kota-kediri",
                                                                      "kartu-keluarga-baru")
        for offer in (akta, kk):
            slots.generate_slots(db.session, offer, MONDAY, MONDAY)
        first = db.session.scalars(select(Slot).where(Slot.offering_id == akta.id,
                                                      Slot.capacity > 0)
                                   .order_by(Slot.starts_at).limit(2)).all()
        after = first[1].ends_at + timedelta(minutes=15)
        last = db.session.scalar(select(Slot).where(Slot.offering_id == kk.id,
                                                    Slot.capacity > 0, Slot.starts_at >= after)
                                 .order_by(Slot.starts_at))
        for slot in (*first, last):
            slot.capacity = 1
        db.session.commit()
        plans = [[(akta.id, first[n].id), (kk.id, last.id)] for n in (0, 1)]
        return mpp("kota-kediri").id, plans, [first[0].id, first[1].id, last.id]


def _state(app, slot_ids):
    with app.app_context():
        booked = [db.session.get(Slot, sid).booked for sid in slot_ids]
        active = db.session.scalars(select(Appointment).where(
            Appointment.status == AppointmentStatus.ACTIVE)).all()
        by_nik = Counter(a.nik_hmac for a in active)
        in_visits = sum(1 for a in active if a.visit_id is not None)
        return booked, by_nik, in_visits, len(active)


def _race(app, stepwise):
    mpp_id, plans, slot_ids = _last_seats(app)
    n = _clients(app)
    results = Counter(races.race(app, visit_race.attempt,
                                 [(mpp_id, plans[serial % 2], serial, stepwise)
                                  for serial in range(1, n + 1)]))
    return results, _state(app, slot_ids), n


def test_overlapping_visits_book_whole_or_not_at_all(app):
    results, (booked, by_nik, in_visits, active), n = _race(app, stepwise=False)
    assert results == {"booked": 1, "full": n - 1}, results
    assert booked[2] == 1 and booked[0] + booked[1] == 1        # no seat oversold or leaked
    assert list(by_nik.values()) == [2] and in_visits == active == 2   # one whole visit


def test_control_booking_step_by_step_leaves_half_visits(app):
    results, (booked, by_nik, in_visits, active), n = _race(app, stepwise=True)
    assert results["booked"] == 1 and results["half"] >= 1, results   # the race is real
    assert sorted(by_nik.values()) == [1] * results["half"] + [2]     # citizens half-booked
    assert booked[0] + booked[1] == 2 and in_visits == 0
