"""Test data for bookings. NIKs are built here, never written out: they are fake by design."""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from mpp_digital.booking import operations as ops
from mpp_digital.booking.nik import parse_nik
from mpp_digital.catalogue.models import Mpp, Offering, Service
from mpp_digital.extensions import db


def nik(serial=1, region="3571", born=date(1990, 1, 1), woman=False):
    """A structurally valid NIK: region code, district 01, date of birth, serial."""
    day = born.day + (40 if woman else 0)
    return f"{region}01{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def citizen(serial=1, **kwargs):
    number = nik(serial, **kwargs)
    return ops.Citizen(name=f"Warga Uji {serial}", nik=parse_nik(number, date.today()),
                       phone="+6281200000000"[:-len(str(serial))] + str(serial))


def offering(mpp="kota-kediri", service="paspor-biasa"):
    return db.session.scalar(select(Offering).join(Offering.mpp).join(Offering.service)
                             .where(Mpp.slug == mpp, Service.slug == service))


def next_weekday(start, iso_weekday):
    """The first date on or after `start` with this ISO weekday."""
    return start + timedelta(days=(iso_weekday - start.isoweekday()) % 7)


def utc_at(day, hour, minute=0, tz=timezone.utc):
    return datetime.combine(day, time(hour, minute), tz)


def partner_headers(app):
    """Authorization headers of a new API client allowed at every hall."""
    from datetime import datetime, timezone

    from mpp_digital.accounts.api_clients import create_api_client
    with app.app_context():
        _, key = create_api_client(db.session, "Mitra uji", [], True, "1000 per minute", None,
                                   datetime(2027, 1, 4, 2, tzinfo=timezone.utc))
        db.session.commit()
    return {"Authorization": f"Bearer {key}"}
