"""The suite's factories: halls, lines and counters of the demo, staff accounts, citizens (NIKs are
built here, never written out: they are fake by design), kiosks and partner keys, and signing in.

Plain functions that work inside an application context; tests/conftest.py's `login_as` fixture
combines `staff` and `login`.
"""
import re
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from mpp_digital import clock
from mpp_digital.accounts.api_clients import create_api_client
from mpp_digital.accounts.devices import COOKIE, add_device, claim_enrolment
from mpp_digital.accounts.models import Role
from mpp_digital.accounts.operations import create_user
from mpp_digital.booking import operations as booking
from mpp_digital.booking.nik import parse_nik
from mpp_digital.catalogue.models import Counter, Mpp, Offering, Queue, Service
from mpp_digital.extensions import db

PASSWORD = "kata-sandi-uji-123"
NOW = datetime(2027, 1, 4, 2, 0, tzinfo=timezone.utc)      # Monday 09.00 WIB


def mpp(slug="kota-kediri"):
    return db.session.scalar(select(Mpp).where(Mpp.slug == slug))


def queue(slug="kota-kediri", letter="A"):
    return db.session.scalar(select(Queue).join(Queue.mpp).where(Mpp.slug == slug,
                                                                  Queue.letter == letter))


def counters(slug="kota-kediri", letter="A"):
    return list(queue(slug, letter).counters)


def staff(email, role, slug="kota-kediri", letter="A"):
    """A clerk at the counters of queue `letter`, a manager, or a national admin."""
    hall = mpp(slug) if role != Role.NATIONAL_ADMIN else None
    line = queue(slug, letter) if role == Role.CLERK else None
    agency_id = None
    if line is not None:
        agency_id = next(o.service.agency_id for o in hall.offerings if o.queue_id == line.id)
    return create_user(db.session, email, email.split("@")[0], PASSWORD, role,
                       NOW.replace(tzinfo=None), mpp_id=hall.id if hall else None,
                       agency_id=agency_id, counters=list(line.counters) if line else [])


def open_counter(counter):
    counter.is_open = True
    db.session.flush()
    return counter


def first_counter(slug="kota-kediri", letter="A"):
    return db.session.scalar(select(Counter).where(Counter.id == counters(slug, letter)[0].id))


def enrol_kiosk(client, slug="kota-kediri"):
    """Make `client` the enrolled kiosk of `slug`, as a manager's code typed on it would."""
    with client.application.app_context():
        _, code = add_device(db.session, mpp(slug), f"Kiosk {slug}", "kiosk", None, NOW)
        _, cookie = claim_enrolment(db.session, code, NOW)
        db.session.commit()
    client.set_cookie(COOKIE, cookie, domain="localhost")
    return client


def take_ticket(client, slug="kota-kediri", letter="A", priority=False):
    """Press the kiosk's button for queue `letter` (the client must be that hall's kiosk)."""
    with client.application.app_context():
        queue_id = queue(slug, letter).id
    data = {"t-queue": str(queue_id)}
    if priority:
        data["t-priority"] = "lansia"
    return client.post(f"/mpp/{slug}/kiosk/ambil", data=data)


# --- citizens and bookings ----------------------------------------------------------------

def nik(serial=1, region="3571", born=date(1990, 1, 1), woman=False):
    """A structurally valid NIK: region code, district 01, date of birth, serial."""
    day = born.day + (40 if woman else 0)
    return f"{region}01{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def citizen(serial=1, **kwargs):
    number = nik(serial, **kwargs)
    return booking.Citizen(name=f"Warga Uji {serial}", nik=parse_nik(number, clock.now().date()),
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
    with app.app_context():
        _, key = create_api_client(db.session, "Mitra uji", [], True, "1000 per minute", None,
                                   NOW)
        db.session.commit()
    return {"Authorization": f"Bearer {key}"}


# --- signing in ----------------------------------------------------------------------------

def csrf_token(page):
    """The CSRF token of the first form on an HTML page ("" when it has none)."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return found[1] if found else ""


def login(client, email, password=PASSWORD):
    page = client.get("/staf/masuk").get_data(as_text=True)
    return client.post("/staf/masuk", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(page)})


def week(text, prefix="h"):
    """The fields of the back office's week of hours (admin WeekHoursForm) for hours written as
    "1-4 08:00-15:00; 5 08:00-11:30" (a day's second span after a break)."""
    from mpp_digital.catalogue.schedule import parse_hours
    fields = {}
    for weekday in range(1, 8):
        spans = [(i.opens_at, i.closes_at) for i in parse_hours(text) if i.weekday == weekday]
        name = f"{prefix}-d{weekday}"
        if not spans:
            continue
        fields.update({f"{name}-is_open": "y", f"{name}-opens": f"{spans[0][0]:%H:%M}",
                       f"{name}-closes": f"{spans[-1][1]:%H:%M}"})
        if len(spans) > 1:
            fields.update({f"{name}-break_from": f"{spans[0][1]:%H:%M}",
                           f"{name}-break_to": f"{spans[1][0]:%H:%M}"})
    return fields


def own_week(text, prefix):
    """The fields of a service's or agency's own hours (admin OwnHoursForm) under `prefix`."""
    return {f"{prefix}-own": "y", **week(text, prefix)}
