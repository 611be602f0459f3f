"""What booking does: seats taken by one guarded update, per-NIK limits, appointments booked,
looked up, cancelled and moved (the slots themselves: slots.py).

Every operation flushes and never commits; the view, command or test that owns the unit of work
starts it with extensions.begin_write() and commits once.
"""
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached, selectinload

from ..catalogue.models import Mpp, Offering
from ..clock import local_day, to_local, utc
from ..errors import DomainError
from ..validation import CODE_ALPHABET, is_ascii_digits
from . import waitlist
from .availability import bookable
from .models import (Appointment, AppointmentStatus, Slot, Visit, VisitStatus,
                     WaitlistEntry)
from .seats import release_seat, take_seat  # noqa: F401  (take_seat: the races replace it)

CODE_LENGTH = 10
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class BookingRefused(DomainError):
    """A rule refused the booking; nothing was written."""
    status = 409


class SlotFull(BookingRefused):
    pass


class LimitReached(BookingRefused):
    pass


class NotBookable(BookingRefused):
    pass


class AppointmentNotFound(DomainError):
    status = 404


class IdempotencyMismatch(DomainError):
    status = 422


@dataclass(frozen=True)
class Citizen:
    """Who books: the NIK is already checked (nik.parse_nik) and never leaves this object."""
    name: str
    nik: object            # booking.nik.Nik
    phone: str             # +62…
    email: str | None = None
    language: str = "id"   # the page's language: the messages are written in it
    phone_channel: str | None = None   # "whatsapp" or "sms": messages to the phone too


# --- seats ---------------------------------------------------------------------------------

def seat_freed(session, slot, now):
    """A booking let go of its seat in `slot`: it goes to the first citizen waiting for the
    day (waitlist.offer_seat), or back on sale."""
    release_seat(session, slot.id)
    waitlist.offer_seat(session, slot, now)


# --- appointments --------------------------------------------------------------------------

def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text):
    """The code as stored: ASCII letters and digits only, upper case ("7k3q-9xz2" → "7K3Q9XZ2")."""
    return "".join(ch for ch in (text or "").upper() if ch in _CODE_CHARS)[:CODE_LENGTH + 2]


def request_fingerprint(offering, starts_at, citizen, nik_key):
    """What an Idempotency-Key promises: the same booking for the same request."""
    payload = json.dumps([offering.id, utc(starts_at).isoformat(), citizen.name,
                          citizen.nik.keyed_hash(nik_key), citizen.phone, citizen.email])
    return hashlib.sha256(payload.encode()).hexdigest()


def expire_past(session, appointment_ids):
    """These active bookings have ended: they stop counting against the citizen's limits."""
    session.execute(update(Appointment)
                    .where(Appointment.id.in_(appointment_ids),
                           Appointment.status == AppointmentStatus.ACTIVE)
                    .values(status=AppointmentStatus.EXPIRED)
                    .execution_options(synchronize_session=False))


def check_slot(offering, slot, now):
    if not offering.bookable:
        raise NotBookable(_l("Layanan ini tidak dapat dipesan secara daring di MPP ini."))
    if slot is None or slot.offering_id != offering.id or slot.retired:
        raise NotBookable(_l("Jadwal itu tidak tersedia. Pilih jadwal lain."))
    if not bookable(slot.starts_at.replace(tzinfo=timezone.utc), now, offering.cutoff_minutes):
        raise NotBookable(_l("Jadwal itu sudah terlalu dekat atau sudah lewat. "
                             "Pilih jadwal lain."))


def _earlier(session, api_client_id, idempotency_key):
    """The booking this partner already made with this Idempotency-Key, if any."""
    if not idempotency_key:
        return None
    return session.scalar(select(Appointment).where(
        Appointment.api_client_id == api_client_id,
        Appointment.idempotency_key == idempotency_key))


def book_appointment(session, offering, slot, citizen, now, nik_key, max_active,
                     api_client_id=None, idempotency_key=None, fingerprint=None):
    """Book one seat of `slot` (an ORM Offering and Slot) for `citizen`; returns (appointment,
    created): the booking written by write_booking(), handed back as the persistent object it
    is (nothing is flushed or read again), or the partner's earlier booking."""
    written = write_booking(session, offering, slot, citizen, now, nik_key, max_active,
                            api_client_id, idempotency_key, fingerprint)
    if written.earlier is not None:
        return written.earlier, False
    session.expire(slot, ["booked"])      # taken in SQL; read again only if shown
    return _persistent(session, Appointment(
        id=written.id, slot=slot, offering=offering, service=offering.service, visit=None,
        **written.row)), True


class Written(NamedTuple):
    """What write_booking() did: the new booking's id and the row it wrote, or the partner's
    earlier booking with the same Idempotency-Key (id and row None)."""
    id: int | None
    row: dict | None
    earlier: Appointment | None = None


def write_booking(session, offering, slot, citizen, now, nik_key, max_active,
                  api_client_id=None, idempotency_key=None, fingerprint=None, nik_bookings=None):
    """Take one seat of `slot` for `citizen` and write the booking, in SQL; returns Written.
    `offering` and `slot` are ORM objects or the rows of slots.booking_target(): only the
    attributes that check_slot() reads, their ids and the offering's service_id are used.

    The seat is taken by the guarded UPDATE, then the booking is written by one INSERT that
    does nothing on a unique conflict (the NIK's seat or service taken meanwhile by a request
    of the same NIK, the partner's Idempotency-Key, a code drawn twice): the seat is given
    back and the request read again. No savepoint, so nothing the caller did is undone.

    An API partner's Idempotency-Key is scoped to that partner: another partner's key of the
    same text is a different request. `nik_bookings`, when given, is the NIK's active bookings
    as read by ACTIVE_OF_NIK in this transaction (slots.booking_target reads them with the
    slot): the first try does not read them again."""
    if idempotency_key and api_client_id is None:
        raise ValueError("an Idempotency-Key belongs to an API client")
    earlier = _earlier(session, api_client_id, idempotency_key)
    if earlier is not None:
        return Written(None, None, replay(earlier, fingerprint))
    check_slot(offering, slot, now)
    nik_hmac = citizen.nik.keyed_hash(nik_key)
    session.flush()         # what the caller changed first; the statements below are SQL
    for _ in range(3):      # a lost race for the same NIK seat number is tried again
        seat = free_seat(session, nik_hmac, {offering.service_id}, max_active, now,
                         nik_bookings)
        nik_bookings = None
        if not take_seat(session, slot.id):
            raise SlotFull(_l("Maaf, jadwal itu baru saja penuh. Pilih jadwal lain."))
        row = dict(code=new_code(), slot_id=slot.id, offering_id=offering.id,
                   service_id=offering.service_id, status=AppointmentStatus.ACTIVE,
                   name=citizen.name, nik_hmac=nik_hmac, nik_last4=citizen.nik.last4,
                   nik_seat=seat, phone=citizen.phone, email=citizen.email,
                   language=citizen.language, phone_channel=citizen.phone_channel,
                   api_client_id=api_client_id, idempotency_key=idempotency_key,
                   request_hash=fingerprint, created_at=utc(now), reschedules=0,
                   cancelled_at=None, staff_message="", confirmed_at=None,
                   cancelled_via=None, visit_id=None, holds_seat=True)
        connection = session.connection()
        new_id = connection.execute(_WRITE[connection.dialect.name], row).scalar()
        if new_id is not None:
            return Written(new_id, row)
        release_seat(session, slot.id)
        earlier = _earlier(session, api_client_id, idempotency_key)
        if earlier is not None:
            return Written(None, None, replay(earlier, fingerprint))
    raise LimitReached(_l("Permintaan yang sama sedang diproses. Coba lagi sebentar lagi."))


def _persistent(session, instance):
    """An object whose row was just written in SQL, every column and relationship given: in
    the session as if loaded, so nothing is flushed or read again."""
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def take_offer(session, entry, now, max_active):
    """The waiting citizen takes the seat offered to them: the offer is claimed (open and not
    lapsed, waitlist.accept) and its held seat booked. The seat is already counted in the
    slot, so only the citizen's own limits are checked."""
    offer = waitlist.open_offer(session, entry)
    if offer is None:
        raise waitlist.WaitlistRefused(_l("Tawaran ini sudah tidak berlaku."))
    waitlist.accept(session, offer, now)
    seat = free_seat(session, entry.nik_hmac, {entry.service_id}, max_active, now)
    appointment = Appointment(
        code=new_code(), slot=offer.slot, offering=entry.offering, service=entry.service,
        status=AppointmentStatus.ACTIVE, name=entry.name, nik_hmac=entry.nik_hmac,
        nik_last4=entry.nik_last4, nik_seat=seat, phone=entry.phone, email=entry.email,
        language=entry.language, phone_channel=entry.phone_channel, created_at=utc(now))
    session.add(appointment)
    session.flush()
    offer.appointment_id = appointment.id
    session.flush()
    return appointment


def replay(earlier, fingerprint):
    if fingerprint is not None and earlier.request_hash != fingerprint:
        raise IdempotencyMismatch(_l("Idempotency-Key ini sudah dipakai untuk permintaan lain."))
    return earlier


_appointment, _slot = Appointment.__table__, Slot.__table__
# The active bookings of a NIK (bind parameter "nik_hmac"), each with its service, its seat
# number in the NIK's limit and when its slot ends: what free_seat() decides by. The status is
# written into the SQL, not bound: the partial index on (nik_hmac, service_id) WHERE status =
# 'active' is the only index on nik_hmac, and a plan made for any status (PostgreSQL's generic
# plan of a prepared statement, used after five runs) cannot use it: it read the whole table.
ACTIVE_OF_NIK = (select(_appointment.c.id, _appointment.c.service_id, _appointment.c.nik_seat,
                        _slot.c.ends_at)
                 .join(_slot, _slot.c.id == _appointment.c.slot_id)
                 .where(_appointment.c.nik_hmac == bindparam("nik_hmac"),
                        _appointment.c.status == literal_column(
                            f"'{AppointmentStatus.ACTIVE.value}'")))
_WRITE = {name: dialect.insert(_appointment).on_conflict_do_nothing().returning(_appointment.c.id)
          for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))}


def free_seat(session, nik_hmac, service_ids, max_active, now, bookings=None):
    """The lowest of the NIK's `max_active` seat numbers that no active booking holds, read
    with its active bookings in one query (bookings whose slot has ended are marked expired
    then, and only then: most citizens have none); LimitReached when the NIK already has one
    of these services (a set of ids) booked or every seat is held (a request of the same NIK
    may have taken the last one). A visit's steps share a seat: it counts once. `bookings`:
    the rows of ACTIVE_OF_NIK for this NIK when the caller has just read them."""
    if bookings is None:
        bookings = session.connection().execute(ACTIVE_OF_NIK, {"nik_hmac": nik_hmac})
    active, ended = [], []
    for appointment_id, booked, seat, ends_at in bookings:
        if ends_at < utc(now):
            ended.append(appointment_id)
        else:
            active.append((booked, seat))
    if ended:
        expire_past(session, ended)
    if any(booked in service_ids for booked, _ in active):
        raise LimitReached(_l("NIK ini sudah memiliki janji aktif untuk layanan ini. "
                              "Batalkan atau ubah janji itu bila perlu."))
    free = set(range(1, max_active + 1)) - {seat for _, seat in active}
    if not free:
        raise _too_many(max_active)
    return min(free)


def _too_many(max_active):
    return LimitReached(_l("NIK ini sudah memiliki %(count)d janji aktif, batas yang "
                           "diizinkan. Batalkan salah satu untuk memesan yang baru.",
                           count=max_active))


def find_appointment(session, code, last4):
    """The booking for a code and the NIK's last 4 digits; the same answer for any mismatch."""
    appointment = session.scalar(select(Appointment).where(
        Appointment.code == normalise_code(code)).options(
        selectinload(Appointment.slot), selectinload(Appointment.offering)
        .selectinload(Offering.mpp).selectinload(Mpp.region)))
    if appointment is None or not same_last4(appointment.nik_last4, last4):
        raise AppointmentNotFound(_l("Kode janji atau 4 angka terakhir NIK tidak cocok."))
    return appointment


def same_last4(kept, given):
    """The NIK's last 4 digits as given match those kept (ASCII digits, in constant time)."""
    given = (given or "").strip()
    return is_ascii_digits(given, 4) and hmac.compare_digest(kept, given)


def cancel_appointment(session, appointment, now, via="citizen"):
    """Cancel an active booking; its seat becomes free again at once. `via` records who did:
    "citizen" (the booking's page), "link" (a reminder's link), "staff" or "release"."""
    result = session.execute(
        update(Appointment).where(Appointment.id == appointment.id,
                                  Appointment.status == AppointmentStatus.ACTIVE)
        .values(status=AppointmentStatus.CANCELLED, cancelled_at=utc(now), cancelled_via=via)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise BookingRefused(_l("Janji ini sudah tidak aktif."))
    if appointment.visit_id is not None:
        _step_left(session, appointment, now)
    seat_freed(session, appointment.slot, now)
    session.refresh(appointment)


def _step_left(session, step, now):
    """A visit's step was cancelled: its last active step holds the NIK's seat now (if the
    cancelled one held it), and a visit with no active step left is cancelled."""
    remaining = session.scalars(
        select(Appointment).join(Appointment.slot)
        .where(Appointment.visit_id == step.visit_id,
               Appointment.status == AppointmentStatus.ACTIVE)
        .order_by(Slot.starts_at.desc())).all()
    if not remaining:
        session.execute(update(Visit).where(Visit.id == step.visit_id)
                        .values(status=VisitStatus.CANCELLED, cancelled_at=utc(now))
                        .execution_options(synchronize_session=False))
    elif step.holds_seat:
        session.execute(update(Appointment).where(Appointment.id == remaining[0].id)
                        .values(holds_seat=True)
                        .execution_options(synchronize_session=False))


def confirm_appointment(session, appointment, now):
    """The citizen says they will come (from a reminder's link): kept, for the hall's figures
    of reminders that brought people in."""
    result = session.execute(
        update(Appointment).where(Appointment.id == appointment.id,
                                  Appointment.status == AppointmentStatus.ACTIVE)
        .values(confirmed_at=func.coalesce(Appointment.confirmed_at, utc(now)))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise BookingRefused(_l("Janji ini sudah tidak aktif."))
    session.refresh(appointment)


def erase_contacts(session, before):
    """Erase the phone and e-mail of bookings whose slot ended before `before` (a UTC instant):
    the hall no longer needs to reach those citizens. Returns how many were erased."""
    ended = select(Slot.id).where(Slot.ends_at < utc(before))
    return session.execute(
        update(Appointment).where(Appointment.slot_id.in_(ended),
                                  (Appointment.phone != "") | Appointment.email.is_not(None))
        .values(phone="", email=None).execution_options(synchronize_session=False)).rowcount


def erase_waitlist_contacts(session, before):
    """Erase the phone and e-mail of waitlist places whose last day ended before `before` (UTC;
    a day's margin covers every zone): nobody is offered a seat of a day gone. Returns how
    many."""
    return session.execute(
        update(WaitlistEntry).where(
            WaitlistEntry.last_day < (before - timedelta(days=1)).date(),
            (WaitlistEntry.phone != "") | WaitlistEntry.email.is_not(None))
        .values(phone="", email=None).execution_options(synchronize_session=False)).rowcount


def can_reschedule(appointment, now):
    """Once, and only up to the day before the booked day (in the MPP's time zone)."""
    if appointment.status != AppointmentStatus.ACTIVE or appointment.reschedules >= 1:
        return False
    mpp = appointment.offering.mpp
    return to_local(mpp, appointment.slot.starts_at).date() > local_day(mpp, now)


def reschedule_appointment(session, appointment, new_slot, now):
    """Move an active booking to another slot of the same offering, once, up to the day before."""
    if not can_reschedule(appointment, now):
        raise BookingRefused(_l("Janji hanya dapat diubah satu kali, paling lambat sehari "
                                "sebelum jadwalnya."))
    check_slot(appointment.offering, new_slot, now)
    if new_slot.id == appointment.slot_id:
        raise BookingRefused(_l("Pilih jadwal yang berbeda dari jadwal sekarang."))
    if not take_seat(session, new_slot.id):
        raise SlotFull(_l("Maaf, jadwal itu baru saja penuh. Pilih jadwal lain."))
    old_slot = appointment.slot
    result = session.execute(
        update(Appointment).where(Appointment.id == appointment.id,
                                  Appointment.status == AppointmentStatus.ACTIVE,
                                  Appointment.reschedules == 0)
        .values(slot_id=new_slot.id, reschedules=Appointment.reschedules + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise BookingRefused(_l("Janji ini sudah diubah atau tidak aktif."))
    seat_freed(session, old_slot, now)
    session.refresh(appointment)


def _move_seat(session, appointment, new_slot, now, **values):
    """Take a seat of `new_slot` and free the booking's old one, in a guarded UPDATE that
    fails if the booking changed meanwhile; `values` are set with the new slot."""
    if not take_seat(session, new_slot.id):
        raise SlotFull(_l("Maaf, jadwal itu baru saja penuh. Pilih jadwal lain."))
    old_slot = appointment.slot
    result = session.execute(
        update(Appointment).where(Appointment.id == appointment.id,
                                  Appointment.status == AppointmentStatus.ACTIVE,
                                  Appointment.slot_id == old_slot.id)
        .values(slot_id=new_slot.id, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise BookingRefused(_l("Janji ini baru saja diubah. Muat ulang halaman."))
    seat_freed(session, old_slot, now)
    session.refresh(appointment)


def move_step_seat(session, appointment, new_slot, now):
    """Move a visit's step to another slot of its offering (the caller chose it among those
    that keep the visit's order)."""
    check_slot(appointment.offering, new_slot, now)
    _move_seat(session, appointment, new_slot, now)


def move_by_staff(session, appointment, new_slot, message, now):
    """The hall moves a booking its schedule no longer fits to another slot of the same
    offering. Not counted as the citizen's own change; the seat is taken as always."""
    if appointment.status != AppointmentStatus.ACTIVE:
        raise BookingRefused(_l("Janji ini sudah tidak aktif."))
    if new_slot.offering_id != appointment.offering_id or new_slot.retired:
        raise BookingRefused(_l("Pilih jadwal dari daftar."))
    if utc(now) >= new_slot.starts_at:
        raise BookingRefused(_l("Jadwal itu sudah lewat. Pilih jadwal lain."))
    if new_slot.id == appointment.slot_id:
        raise BookingRefused(_l("Pilih jadwal yang berbeda dari jadwal sekarang."))
    _move_seat(session, appointment, new_slot, now, staff_message=message)


def cancel_by_staff(session, appointment, message, now):
    cancel_appointment(session, appointment, now, via="staff")
    appointment.staff_message = message
    session.flush()
