from datetime import datetime, timezone

from sqlalchemy import select

from mpp_digital.accounts.devices import COOKIE, add_device, claim_enrolment
from mpp_digital.accounts.models import Role
from mpp_digital.accounts.operations import create_user
from mpp_digital.catalogue.models import Counter, Mpp, Queue
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
        data["t-priority"] = "y"
    return client.post(f"/mpp/{slug}/kiosk/ambil", data=data)
