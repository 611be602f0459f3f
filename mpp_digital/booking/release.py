"""Releasing the seats of bookings nobody confirmed, for the offerings whose manager asked it
(`Offering.release_hour`, off by default).

At that hour of the hall's clock on the day before, an active booking for the next day that
was sent its day-before reminder and not answered "Saya datang" is cancelled; its seat goes to
the waitlist (operations.seat_freed), and the citizen is told why. A booking whose citizen was
never reminded (no channel, or booked after the reminder's time) is never released: nobody
asked them to confirm. Run by `flask booking waitlist`, every minute; a booking is released
once (its status is claimed by a guarded UPDATE, operations.cancel_appointment).
"""
from datetime import datetime, time, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Offering
from ..clock import local_day, utc, zone
from ..errors import DomainError
from ..filters import clock as wall_clock
from ..filters import tz_abbr
from ..notify.models import Message, MessageStatus
from . import notices
from . import operations as ops
from .models import Appointment, AppointmentStatus, Slot


def release_moment(offering, day):
    """When the bookings of `day` (local) are released: an aware datetime, or None."""
    if offering.release_hour is None:
        return None
    return datetime.combine(day - timedelta(days=1), time(offering.release_hour),
                            zone(offering.mpp))


def _reminded():
    return exists().where(
        Message.about == notices.about_appointment(),
        Message.kind == notices.REMINDER, Message.status == MessageStatus.SENT)


def due(session, offering, now):
    """The bookings of `offering` to release at `now`."""
    tomorrow = local_day(offering.mpp, now) + timedelta(days=1)
    moment = release_moment(offering, tomorrow)
    if moment is None or now < moment:
        return []
    starts = datetime.combine(tomorrow, time(0), zone(offering.mpp))
    return session.scalars(
        select(Appointment).join(Appointment.slot)
        .where(Appointment.offering_id == offering.id,
               Appointment.status == AppointmentStatus.ACTIVE,
               Appointment.confirmed_at.is_(None),
               Slot.starts_at >= utc(starts), Slot.starts_at < utc(starts + timedelta(days=1)),
               _reminded())
        .order_by(Appointment.id)).all()


def release_unconfirmed(session, now):
    """Release what is due in every offering that asks for it; returns how many bookings."""
    released = 0
    offerings = session.scalars(select(Offering).where(Offering.release_hour.is_not(None),
                                                       Offering.bookable.is_(True))
                                .options(joinedload(Offering.mpp))).all()
    for offering in offerings:
        for appointment in due(session, offering, now):
            try:
                ops.cancel_appointment(session, appointment, now, via="release")
            except DomainError:
                continue                       # cancelled meanwhile by its citizen
            with force_locale(appointment.language):
                appointment.staff_message = _(
                    "Janji ini tidak dikonfirmasi sampai pukul %(time)s %(zone)s, sehingga "
                    "kursinya diberikan kepada warga lain.",
                    time=wall_clock(time(offering.release_hour)),
                    zone=tz_abbr(offering.mpp.timezone))
            notices.cancelled(session, appointment, now, reason=appointment.staff_message)
            released += 1
    session.flush()
    return released
