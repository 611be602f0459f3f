"""What a booking tells its citizen, through the outbox (notify): the proof at once (with the
.ics), a reminder the day before at NOTIFY_REMINDER_HOUR and another NOTIFY_REMINDER_BEFORE
minutes before, each with the links "Saya datang" and "Batalkan"; and the hall's moves and
cancellations with their reason. Written in the transaction of the change that causes them,
in the language the citizen booked in; a change voids the reminders still queued.

Each goes by e-mail (`notify/<name>.txt`, its first line the subject) when the citizen gave an
address, and by the phone channel they chose, WhatsApp or SMS (`notify/<name>.short.txt`, one
line with the code and the link), each only when the site has configured the channel.
"""
from datetime import datetime, time, timedelta, timezone

from flask import current_app, url_for
from sqlalchemy import String, cast

from ..clock import to_local, utc
from ..notify import operations as outbox
from ..notify.compose import channels_for, send
from .calendar import appointment_ics
from .links import token_for, waitlist_token
from .models import Appointment

REMINDER = "booking.reminder"


def _about(appointment):
    return f"appointment:{appointment.id}"


def about_appointment():
    """`_about` in SQL: for joining a booking's messages to it (reports, releases)."""
    return "appointment:" + cast(Appointment.id, String)


def reminder_times(appointment, now):
    """When the reminders of a booking are due (aware datetimes, only those still ahead)."""
    config = current_app.config
    starts = to_local(appointment.offering.mpp, appointment.slot.starts_at)
    day_before = datetime.combine(starts.date() - timedelta(days=1),
                                  time(config["NOTIFY_REMINDER_HOUR"]), starts.tzinfo)
    shortly = starts - timedelta(minutes=config["NOTIFY_REMINDER_BEFORE_MINUTES"])
    return [due for due in (day_before, shortly) if utc(due) > utc(now)]


def _enqueue(session, appointment, kind, template, now, due_at=None, reason=None,
             calendar=False, expires_at=None, release_at=None):
    channels = channels_for(appointment.email, appointment.phone_channel)
    if not channels:
        return []                    # nothing to render for a citizen the hall cannot reach
    mpp = appointment.offering.mpp
    return send(
        session, email=appointment.email, phone=appointment.phone,
        phone_channel=appointment.phone_channel, language=appointment.language,
        template=template,
        kind=kind, about=_about(appointment), now=now, due_at=due_at, expires_at=expires_at,
        attachment=(appointment_ics(appointment).decode()
                    if calendar and "email" in channels else None),
        appointment=appointment, mpp=mpp, service=appointment.service, reason=reason,
        release_at=release_at,
        starts_at=to_local(mpp, appointment.slot.starts_at),
        link=url_for("booking.link", token=token_for(appointment), _external=True),
        checklist=url_for("catalogue.checklist", slug=mpp.slug,
                          service=appointment.service.slug, _external=True))


def _remind(session, appointment, now):
    from .release import release_moment

    mpp = appointment.offering.mpp
    starts = appointment.slot.starts_at.replace(tzinfo=timezone.utc)
    release_at = release_moment(appointment.offering, to_local(mpp, appointment.slot.starts_at)
                                .date())
    for due in reminder_times(appointment, now):        # no use once the slot has begun
        # A reminder due before the release asks the citizen to confirm by then.
        _enqueue(session, appointment, REMINDER, "reminder", now, due_at=due,
                 expires_at=starts,
                 release_at=release_at if release_at and due < release_at else None)


def reaches(citizen):
    """Whether the hall can send this citizen anything (on the channels the site has)."""
    return bool(channels_for(citizen.email, citizen.phone_channel))


def booked(session, appointment, now):
    """The proof of a new booking, and its reminders."""
    _enqueue(session, appointment, "booking.proof", "booked", now, calendar=True)
    _remind(session, appointment, now)


def moved(session, appointment, now, reason=None):
    """The booking has a new time (the citizen's change, or the hall's with `reason`)."""
    outbox.void(session, _about(appointment), [REMINDER])
    _enqueue(session, appointment, "booking.moved", "moved", now, reason=reason,
             calendar=True)
    _remind(session, appointment, now)


def cancelled(session, appointment, now, reason=None):
    """The booking is cancelled: no reminder; the hall's reason, when it cancelled."""
    outbox.void(session, _about(appointment), [REMINDER])
    if reason is not None:
        _enqueue(session, appointment, "booking.cancelled", "cancelled", now, reason=reason)


def offered(session, offer, now):
    """A freed seat is held for a waiting citizen until the offer expires (without a channel,
    the citizen sees the offer on their waitlist page)."""
    entry = offer.entry
    mpp = entry.offering.mpp
    return send(
        session, email=entry.email, phone=entry.phone, phone_channel=entry.phone_channel,
        language=entry.language, template="offered",
        kind="waitlist.offer", about=f"waitlist:{entry.id}", now=now,
        expires_at=offer.expires_at.replace(tzinfo=timezone.utc),
        entry=entry, mpp=mpp, service=entry.service,
        starts_at=to_local(mpp, offer.slot.starts_at),
        expires_at_local=to_local(mpp, offer.expires_at),
        link=url_for("booking.waiting", token=waitlist_token(entry), _external=True))


# --- visits: one message for the whole trip ---------------------------------------------------

VISIT_REMINDER = "visit.reminder"


def _visit_send(session, visit, kind, template, now, due_at=None, expires_at=None,
                calendar=False):
    from .calendar import visit_ics
    from .links import visit_token
    from .visits import upcoming

    steps = upcoming(visit)
    mpp = visit.mpp
    return send(
        session, email=visit.email, phone=visit.phone, phone_channel=visit.phone_channel,
        language=visit.language, template=template, kind=kind, about=f"visit:{visit.id}",
        now=now, due_at=due_at, expires_at=expires_at,
        attachment=visit_ics(visit, steps).decode() if calendar else None,
        visit=visit, mpp=mpp, steps=[(step, to_local(mpp, step.slot.starts_at))
                                     for step in steps],
        link=url_for("visits.link", token=visit_token(visit), _external=True))


def _visit_remind(session, visit, now):
    from .visits import upcoming

    steps = upcoming(visit)
    if not steps:
        return
    starts = steps[0].slot.starts_at.replace(tzinfo=timezone.utc)
    for due in reminder_times(steps[0], now):
        _visit_send(session, visit, VISIT_REMINDER, "visit_reminder", now, due_at=due,
                    expires_at=starts)


def visit_booked(session, visit, now):
    """The visit's proof (every step, one calendar) and its reminders, as one message each."""
    _visit_send(session, visit, "visit.proof", "visit_booked", now, calendar=True)
    _visit_remind(session, visit, now)


def visit_changed(session, visit, now, proof=False):
    """Steps were cancelled or moved by the citizen: the reminders follow what is left (the
    first step still to come), or go; with `proof`, a new proof with the new times."""
    outbox.void(session, f"visit:{visit.id}", [VISIT_REMINDER])
    if proof:
        _visit_send(session, visit, "visit.proof", "visit_booked", now, calendar=True)
    _visit_remind(session, visit, now)
