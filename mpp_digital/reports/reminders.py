"""What reminders and the waitlist did for a hall's bookings in a period: reminders sent,
confirmations, cancellations from a reminder's link, unconfirmed bookings released, waitlist
offers accepted and lapsed, and the no-show rate of bookings with and without a reminder.

Read live from the bookings (by the day of their slot), the outbox's outcomes (kept without
their content after the privacy purge, notify.operations.purge) and the seat offers.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import case, exists, func, select

from ..booking.models import Appointment, AppointmentStatus, OfferStatus, SeatOffer, Slot
from ..booking.notices import REMINDER, about_appointment
from ..catalogue.models import Offering
from ..clock import utc, zone
from ..notify.models import Message, MessageStatus


@dataclass
class Attendance:
    """Bookings whose slot is over: how many came (checked in) and how many did not."""
    came: int = 0
    missed: int = 0

    @property
    def bookings(self):
        return self.came + self.missed

    @property
    def no_show_rate(self):
        return self.missed / self.bookings if self.bookings else None


@dataclass
class ReminderFigures:
    bookings: int = 0
    reminded: int = 0                 # bookings sent at least one reminder
    reminders_sent: int = 0
    confirmed: int = 0                # "Saya datang"
    cancelled_by_link: int = 0        # "Batalkan" from a message's link
    released: int = 0                 # unconfirmed, released the day before
    offers: dict = field(default_factory=dict)      # OfferStatus value → count
    with_reminder: Attendance = field(default_factory=Attendance)
    without_reminder: Attendance = field(default_factory=Attendance)

    @property
    def any(self):
        return bool(self.bookings or any(self.offers.values()))


def reminder_figures(session, mpp, start, end, now):
    """The figures of the bookings of `mpp` whose slot falls on [start, end] (local days)."""
    tz = zone(mpp)
    first = utc(datetime.combine(start, time(0), tz))
    after = utc(datetime.combine(end + timedelta(days=1), time(0), tz))
    in_period = (Offering.mpp_id == mpp.id, Slot.starts_at >= first, Slot.starts_at < after)
    sent = (Message.about == about_appointment(), Message.kind == REMINDER,
            Message.status == MessageStatus.SENT)
    columns = (exists().where(*sent).label("reminded"), Appointment.status,
               Appointment.cancelled_via,
               case((Appointment.confirmed_at.is_(None), False), else_=True).label("confirmed"),
               case((Slot.ends_at < utc(now), True), else_=False).label("ended"))
    figures = ReminderFigures()
    rows = session.execute(
        select(*columns, func.count())
        .select_from(Appointment).join(Appointment.slot).join(Appointment.offering)
        .where(*in_period).group_by(*columns))
    for was_reminded, status, via, confirmed, is_over, count in rows:
        figures.bookings += count
        figures.reminded += count if was_reminded else 0
        figures.confirmed += count if confirmed else 0
        figures.cancelled_by_link += count if via == "link" else 0
        figures.released += count if via == "release" else 0
        if is_over and status != AppointmentStatus.CANCELLED:
            attendance = figures.with_reminder if was_reminded else figures.without_reminder
            if status == AppointmentStatus.CHECKED_IN:
                attendance.came += count
            else:                     # still "active", or expired: nobody checked in
                attendance.missed += count
    figures.reminders_sent = session.scalar(
        select(func.count()).select_from(Message)
        .join(Appointment, Message.about == about_appointment()).join(Appointment.slot)
        .join(Appointment.offering)
        .where(*in_period, Message.kind == REMINDER, Message.status == MessageStatus.SENT))
    figures.offers = {status.value if hasattr(status, "value") else status: count
                      for status, count in session.execute(
                          select(SeatOffer.status, func.count()).join(SeatOffer.slot)
                          .join(Slot.offering).where(*in_period)
                          .group_by(SeatOffer.status))}
    for status in OfferStatus:
        figures.offers.setdefault(status.value, 0)
    return figures
