"""The waitlist: citizens who wanted a full day, and the freed seats offered to them in turn.

A seat freed by a cancellation, a move or a lapsed offer is offered, in the same transaction,
to the first citizen waiting for its day (in joining order): the seat is taken again for the
offer (the slot's guarded UPDATE), and the waiting entry is claimed by a guarded UPDATE of
its status, so two freed seats never go to one citizen and one seat never to two. The offer
holds the seat until it is accepted or lapses (WAITLIST_OFFER_MINUTES); a lapsed offer passes
the seat to the next citizen, or frees it when nobody waits.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..clock import to_local, utc
from ..errors import DomainError
from . import notices
from .models import OfferStatus, SeatOffer, WaitlistEntry, WaitStatus
from .seats import release_seat, take_seat


class WaitlistRefused(DomainError):
    status = 409


def join(session, offering, first_day, last_day, citizen, nik_key, now):
    """Put a citizen on the waitlist of `offering` for [first_day, last_day] (local days)."""
    entry = WaitlistEntry(offering_id=offering.id, service_id=offering.service_id,
                          first_day=first_day, last_day=last_day, name=citizen.name,
                          nik_hmac=citizen.nik.keyed_hash(nik_key),
                          nik_last4=citizen.nik.last4, phone=citizen.phone,
                          email=citizen.email, language=citizen.language,
                          phone_channel=citizen.phone_channel, joined_at=utc(now))
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        raise WaitlistRefused(_l("NIK ini sudah menunggu untuk layanan dan tanggal ini.")) \
            from None
    return entry


def offer_seat(session, slot, now):
    """Offer a just-freed seat of `slot` to the first citizen waiting for its day; True when
    offered (the seat is held again), False when nobody waits or the slot is too near."""
    offering = slot.offering
    if slot.retired or slot.starts_at <= utc(now) + timedelta(minutes=offering.cutoff_minutes):
        return False
    day = to_local(offering.mpp, slot.starts_at).date()
    waiting = _waiting_for(session, offering.id, day)
    if not waiting or not take_seat(session, slot.id):
        return False
    for entry_id in waiting:
        if not _claim(session, entry_id):     # another freed seat went to this citizen first
            continue
        hold = timedelta(minutes=current_app.config["WAITLIST_OFFER_MINUTES"])
        expires = min(utc(now) + hold,
                      slot.starts_at - timedelta(minutes=offering.cutoff_minutes))
        offer = SeatOffer(entry_id=entry_id, slot_id=slot.id, offered_at=utc(now),
                          expires_at=expires)
        session.add(offer)
        session.flush()
        notices.offered(session, offer, now)
        return True
    release_seat(session, slot.id)         # everyone was served meanwhile
    return False


def due_to_lapse(session, now):
    """Whether any offer has run out (one indexed read, for the pages that would show it)."""
    return session.scalar(select(SeatOffer.id).where(
        SeatOffer.status == OfferStatus.OPEN, SeatOffer.expires_at <= utc(now)).limit(1)) \
        is not None


def _waiting_for(session, offering_id, day, limit=20):
    """The first citizens waiting for `day` at this offering, in joining order (ids)."""
    return session.scalars(
        select(WaitlistEntry.id).where(WaitlistEntry.offering_id == offering_id,
                                       WaitlistEntry.status == WaitStatus.WAITING,
                                       WaitlistEntry.first_day <= day,
                                       WaitlistEntry.last_day >= day)
        .order_by(WaitlistEntry.joined_at, WaitlistEntry.id).limit(limit)).all()


def _claim(session, entry_id):
    """The waiting entry is this offer's, if it still waits: one guarded UPDATE, whose row
    count decides (with the unique index of open offers per entry behind it)."""
    return session.execute(
        update(WaitlistEntry).where(WaitlistEntry.id == entry_id,
                                    WaitlistEntry.status == WaitStatus.WAITING)
        .values(status=WaitStatus.OFFERED)
        .execution_options(synchronize_session=False)).rowcount == 1


def lapse_due(session, now):
    """Offers whose time ran out lapse; each seat goes to the next citizen or is freed.
    Returns how many lapsed. Run every minute (`flask booking waitlist`), and by the pages."""
    lapsed = 0
    for offer in session.scalars(select(SeatOffer).where(
            SeatOffer.status == OfferStatus.OPEN, SeatOffer.expires_at <= utc(now))).all():
        if _close(session, offer, OfferStatus.LAPSED, WaitStatus.LAPSED):
            lapsed += 1
            _pass_on(session, offer.slot, now)
    return lapsed


def _close(session, offer, offer_status, entry_status):
    done = session.execute(update(SeatOffer).where(SeatOffer.id == offer.id,
                                                   SeatOffer.status == OfferStatus.OPEN)
                           .values(status=offer_status)
                           .execution_options(synchronize_session=False)).rowcount == 1
    if done:
        session.execute(update(WaitlistEntry).where(WaitlistEntry.id == offer.entry_id)
                        .values(status=entry_status)
                        .execution_options(synchronize_session=False))
    return done


def _pass_on(session, slot, now):
    release_seat(session, slot.id)
    offer_seat(session, slot, now)


def open_offer(session, entry):
    return session.scalar(select(SeatOffer).where(SeatOffer.entry_id == entry.id,
                                                  SeatOffer.status == OfferStatus.OPEN))


def leave(session, entry, now):
    """The citizen leaves the waitlist; an offer they hold passes to the next."""
    offer = open_offer(session, entry)
    if offer is not None and _close(session, offer, OfferStatus.WITHDRAWN, WaitStatus.LEFT):
        _pass_on(session, offer.slot, now)
        return
    left = session.execute(update(WaitlistEntry).where(
        WaitlistEntry.id == entry.id, WaitlistEntry.status == WaitStatus.WAITING)
        .values(status=WaitStatus.LEFT).execution_options(synchronize_session=False)).rowcount
    if left != 1:
        raise WaitlistRefused(_l("Anda sudah tidak ada dalam daftar tunggu ini."))


def accept(session, offer, now):
    """Claim the offer for its citizen (guarded: open and not lapsed); the caller then books
    the held seat (operations.take_offer does both)."""
    done = session.execute(update(SeatOffer).where(SeatOffer.id == offer.id,
                                                   SeatOffer.status == OfferStatus.OPEN,
                                                   SeatOffer.expires_at > utc(now))
                           .values(status=OfferStatus.ACCEPTED)
                           .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise WaitlistRefused(_l("Tawaran ini sudah tidak berlaku."))
    session.execute(update(WaitlistEntry).where(WaitlistEntry.id == offer.entry_id)
                    .values(status=WaitStatus.BOOKED)
                    .execution_options(synchronize_session=False))


def position(session, entry):
    """How many citizens joined this offering's waitlist before `entry` and still wait."""
    return 1 + session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.offering_id == entry.offering_id,
        WaitlistEntry.status == WaitStatus.WAITING,
        WaitlistEntry.joined_at < entry.joined_at))
