"""The last seat goes to exactly one of many; the per-NIK limits hold under a race.

On SQLite 50 threads race; on PostgreSQL (MPP_TEST_DATABASE_URL) 20 processes. Each test has
a control that does "count, then insert" and must overbook: proof that the test can fail.
"""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots
from mpp_digital.booking.models import Appointment, AppointmentStatus, Slot
from mpp_digital.extensions import db

from .. import races
from . import race
from ..factories import offering
from .test_slots import MONDAY

pytestmark = pytest.mark.slow

SERVICES = ["paspor-biasa", "kartu-keluarga-baru", "akta-kelahiran", "ktp-elektronik",
            "kartu-identitas-anak", "pindah-datang", "akta-kematian", "skck-baru",
            "skck-perpanjangan", "sim-a-perpanjangan", "sim-c-perpanjangan"]


def _race(app, jobs, stale=False):
    with races.restored(ops, "take_seat", "free_seat"):
        return races.race(app, race.attempt, [(*job, stale) for job in jobs])


def _clients(app):
    return 50 if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else 20


def _one_seat(app, service="paspor-biasa"):
    """A Monday slot of Kota Kediri with exactly one seat; returns (offering id, slot id)."""
    with app.app_context():
        offer = offering("kota-kediri", service)
        slots.generate_slots(db.session, offer, MONDAY, MONDAY)
        slot = db.session.scalar(select(Slot).where(Slot.offering_id == offer.id,
                                                    Slot.capacity > 0)
                                 .order_by(Slot.starts_at))
        slot.capacity = 1
        db.session.commit()
        return offer.id, slot.id


def _state(app, slot_id):
    with app.app_context():
        slot = db.session.get(Slot, slot_id)
        active = db.session.scalar(select(func.count(Appointment.id)).where(
            Appointment.slot_id == slot_id, Appointment.status == AppointmentStatus.ACTIVE))
        return slot.booked, active


def test_the_last_seat_goes_to_exactly_one_client(app):
    offering_id, slot_id = _one_seat(app)
    n = _clients(app)
    results = Counter(_race(app, [(offering_id, slot_id, serial) for serial in range(1, n + 1)]))
    assert results == {"booked": 1, "full": n - 1}
    assert _state(app, slot_id) == (1, 1)


def test_control_count_then_insert_overbooks(app):
    offering_id, slot_id = _one_seat(app)
    n = _clients(app)
    results = Counter(_race(app, [(offering_id, slot_id, s) for s in range(1, n + 1)],
                            stale=True))
    booked, active = _state(app, slot_id)
    assert results["booked"] > 1 and active > booked      # the race is real


def _many_services(app):
    with app.app_context():
        jobs = []
        for service in SERVICES:
            offer = offering("kota-kediri", service)
            slots.generate_slots(db.session, offer, MONDAY, MONDAY + timedelta(days=4))
            made = db.session.scalars(select(Slot).where(Slot.offering_id == offer.id,
                                                         Slot.capacity > 0)
                                      .order_by(Slot.starts_at)).all()
            jobs += [(offer.id, slot.id, 1) for slot in made[:5]]     # one NIK throughout
        db.session.commit()
        return jobs


def _active_for_nik(app):
    with app.app_context():
        rows = db.session.execute(select(Appointment.service_id, Appointment.nik_seat).where(
            Appointment.nik_last4 == "0001",
            Appointment.status == AppointmentStatus.ACTIVE)).all()
        return rows


def test_one_nik_racing_for_many_services_keeps_to_its_limits(app):
    jobs = _many_services(app)[:_clients(app)]
    results = Counter(_race(app, jobs))
    active = _active_for_nik(app)
    assert results["booked"] == 3 and len(active) == 3
    assert len({service for service, _ in active}) == 3          # never two for one service
    assert sorted(seat for _, seat in active) == [1, 2, 3]
    with app.app_context():          # a seat taken by a request that then lost is given back
        assert db.session.scalar(select(func.sum(Slot.booked))) == 3
    assert set(results) <= {"booked", "limit", "full"}


def test_control_without_the_database_indexes_the_nik_limit_breaks(app):
    with app.app_context():
        race.drop_nik_indexes()
        db.session.commit()
    jobs = _many_services(app)[:_clients(app)]
    results = Counter(_race(app, jobs, stale=True))
    assert results["booked"] > 3 and len(_active_for_nik(app)) > 3     # the race is real
