"""A hall with something in every back-office list: a closure, a clerk, a booking."""
from datetime import date, time, timedelta

from sqlalchemy import select

from mpp_digital import clock
from mpp_digital.accounts.devices import add_device
from mpp_digital.accounts.models import Role
from mpp_digital.booking import operations as booking
from mpp_digital.booking import slots
from mpp_digital.catalogue.models import Closure, OpeningHours
from mpp_digital.clock import to_local
from mpp_digital.extensions import db

from ..factories import citizen, mpp, offering, staff

KEY = "kunci-uji"


def now():
    return clock.now()


def book(slug, serial, service="paspor-biasa"):
    """A booking at the first free slot from tomorrow on."""
    offer = offering(slug, service)
    slots.ensure_slots(db.session, offer, now())
    tomorrow = now() + timedelta(days=1)
    for day, _ in slots.available_days(db.session, offer, now()):
        if day < tomorrow.date():
            continue
        free = slots.free_slots(db.session, offer, day, now())
        if free:
            return booking.book_appointment(db.session, offer, free[0], citizen(serial), now(),
                                            KEY, 3)[0]
    raise AssertionError(f"no free slot for {service} at {slug}")


def furnish(slug, serial):
    """One closure, one clerk and one booking the schedule no longer fits at `slug`; returns
    their ids."""
    hall = mpp(slug)
    closure = Closure(mpp_id=hall.id, starts_on=date(2030, 1, 2), ends_on=date(2030, 1, 2),
                      reason="Perbaikan listrik")
    db.session.add(closure)
    clerk = staff(f"petugas{serial}@{slug}.go.id", Role.CLERK, slug=slug)
    appointment = book(slug, serial)
    # The agency stops coming on the booked weekday: the booking no longer fits.
    booked_day = to_local(hall, appointment.slot.starts_at).isoweekday()
    offer = appointment.offering
    offer.hours = [OpeningHours(weekday=d, opens_at=time(8), closes_at=time(12))
                   for d in range(1, 6) if d != booked_day]
    db.session.flush()
    slots.refresh_schedule(db.session, hall, now())
    assert appointment.slot.retired
    device, _ = add_device(db.session, hall, f"Kiosk {serial}", "kiosk", clerk, now())
    return {"device_id": device.id, "closure_id": closure.id, "user_id": clerk.id, "appointment_id": appointment.id,
            "offering_id": appointment.offering_id,
            "counter_id": sorted(hall.counters, key=lambda c: c.number)[0].id}


def first_id(model):
    return db.session.scalar(select(model.id).order_by(model.id))
