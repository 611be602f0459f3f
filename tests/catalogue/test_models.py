"""The database itself refuses rows that break the catalogue's rules."""
from datetime import date, time

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mpp_digital.catalogue.models import (Closure, Mpp, Offering, OpeningHours, OnlineMode,
                                          Service)
from mpp_digital.extensions import db


def _one(model, **where):
    return db.session.scalar(select(model).filter_by(**where))


def _refused(statement):
    with pytest.raises(IntegrityError):
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()


def test_a_negative_fee_is_refused(ctx):
    _refused(update(Service).where(Service.slug == "paspor-biasa").values(fee=-1))


def test_fully_online_services_need_their_official_link(ctx):
    _refused(update(Service).where(Service.slug == "nomor-induk-berusaha")
             .values(online_url=None))
    _refused(update(Service).where(Service.slug == "paspor-hilang")
             .values(online_mode=OnlineMode.ONLINE))


def test_slugs_are_unique(ctx):
    _refused(update(Mpp).where(Mpp.slug == "kota-kediri").values(slug="kota-mataram"))
    _refused(update(Service).where(Service.slug == "paspor-rusak").values(slug="paspor-hilang"))


def test_a_service_is_offered_once_per_hall(ctx):
    offering = _one(Offering, id=1)
    db.session.add(Offering(mpp_id=offering.mpp_id, service_id=offering.service_id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_offerings_must_point_at_real_rows(ctx):
    _refused(update(Offering).where(Offering.id == 1).values(service_id=999999))


@pytest.mark.parametrize("values", [
    {"slot_minutes": 0}, {"seats_per_slot": 0}, {"daily_quota": -1}, {"walkin_share": 101},
    {"horizon_days": 0}, {"cutoff_minutes": -5},
])
def test_offering_numbers_stay_in_range(ctx, values):
    _refused(update(Offering).where(Offering.id == 1).values(**values))


def test_opening_hours_close_after_they_open_on_a_real_weekday(ctx):
    mpp = _one(Mpp, slug="kota-kediri")
    for row in (OpeningHours(mpp_id=mpp.id, weekday=1, opens_at=time(15), closes_at=time(8)),
                OpeningHours(mpp_id=mpp.id, weekday=8, opens_at=time(8), closes_at=time(15)),
                OpeningHours(mpp_id=mpp.id, offering_id=1, weekday=1, opens_at=time(8),
                             closes_at=time(9)),
                OpeningHours(weekday=1, opens_at=time(8), closes_at=time(9))):
        db.session.add(row)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_closure_ends_after_it_starts(ctx):
    db.session.add(Closure(starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 1),
                           reason="Salah"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
