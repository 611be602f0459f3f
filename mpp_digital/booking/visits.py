"""Visits: one trip for several services at one hall.

`plan_visit` reads the free seats of the chosen offerings over their booking horizons and asks
the pure planner (planner.py) for plans. `book_visit` takes every step's seat in one
transaction (a savepoint) with the same guarded UPDATE as a single booking: if any step's seat
is gone, none is taken and the citizen is told which. A visit counts as one booking against
the NIK's limit of active bookings: its steps share one seat number, held in the unique index
by its last active step (operations.cancel_appointment hands it over when that step goes).
"""
import hashlib
import json
from collections import defaultdict
from datetime import timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..catalogue import life_events
from ..catalogue.models import Offering, Service
from ..clock import to_local, utc
from ..errors import DomainError
from . import operations as ops
from . import slots
from .availability import bookable
from .models import Appointment, AppointmentStatus, Slot, Visit, VisitStatus
from .planner import Need, Opening, plan

MAX_STEPS = 6
WALK = timedelta(minutes=10)


class VisitRefused(DomainError):
    status = 422


def needs(services):
    """The planner's needs: each service after those of the visit whose result it needs."""
    keys = {service.id for service in services}
    return [Need(service.id, frozenset(n.id for n in service.needs if n.id in keys))
            for service in services]


def openings(session, offerings, now):
    """{local day: {service id: [Opening]}}: the bookable free slots of these offerings."""
    by_id = {offering.id: offering for offering in offerings}
    if not by_id:
        return {}
    horizon = max(offering.horizon_days for offering in offerings)
    rows = session.execute(
        select(Slot.id, Slot.offering_id, Slot.starts_at, Slot.ends_at)
        .where(Slot.offering_id.in_(by_id), Slot.retired.is_(False),
               Slot.booked < Slot.capacity, Slot.starts_at > utc(now),
               Slot.starts_at <= utc(now) + timedelta(days=horizon + 1))
        .order_by(Slot.starts_at))
    days = defaultdict(lambda: defaultdict(list))
    for slot_id, offering_id, starts_at, ends_at in rows:
        offering = by_id[offering_id]
        aware = starts_at.replace(tzinfo=timezone.utc)
        if not bookable(aware, now, offering.cutoff_minutes) or \
                aware > now + timedelta(days=offering.horizon_days + 1):
            continue
        local = to_local(offering.mpp, starts_at)
        days[local.date()][offering.service_id].append(
            Opening(aware, ends_at.replace(tzinfo=timezone.utc), slot_id))
    return days


def plan_visit(session, offerings, now, limit=3):
    """The plans for these offerings (planner.Planning; keys are service ids)."""
    return plan(needs([offering.service for offering in offerings]),
                openings(session, offerings, now), WALK, limit)


def check_steps(mpp, steps):
    """Steps: [(offering, slot)] at this hall, distinct services, in time order, not
    overlapping, each after the services it needs."""
    if not 2 <= len(steps) <= MAX_STEPS:
        raise VisitRefused(_l("Sebuah kunjungan berisi 2 sampai %(max)d layanan.",
                              max=MAX_STEPS))
    services = [offering.service_id for offering, _ in steps]
    if len(set(services)) != len(services):
        raise VisitRefused(_l("Setiap layanan hanya sekali dalam satu kunjungan."))
    for offering, slot in steps:
        if offering.mpp_id != mpp.id:
            raise VisitRefused(_l("Semua layanan kunjungan harus di MPP yang sama."))
    ordered = sorted(steps, key=lambda step: step[1].starts_at if step[1] else 0)
    for (_, one), (_, two) in zip(ordered, ordered[1:]):
        if one is not None and two is not None and one.ends_at > two.starts_at:
            raise VisitRefused(_l("Jadwal langkah-langkah kunjungan tidak boleh bertumpuk."))
    seen = set()
    for offering, _ in ordered:
        missing = {n.id for n in offering.service.needs} & set(services) - seen
        if missing:
            raise VisitRefused(_l("%(service)s memerlukan hasil layanan lain dari kunjungan ini "
                                  "lebih dulu.", service=offering.service.name))
        seen.add(offering.service_id)
    return ordered


def _earlier(session, api_client_id, idempotency_key):
    if not idempotency_key:
        return None
    return session.scalar(select(Visit).where(Visit.api_client_id == api_client_id,
                                              Visit.idempotency_key == idempotency_key))


def request_fingerprint(mpp, steps, citizen, nik_key):
    """What a partner's Idempotency-Key promises: the same visit for the same request."""
    payload = json.dumps([mpp.id, sorted((offering.id, slot.id) for offering, slot in steps),
                          citizen.name, citizen.nik.keyed_hash(nik_key), citizen.phone,
                          citizen.email])
    return hashlib.sha256(payload.encode()).hexdigest()


def book_visit(session, mpp, steps, citizen, now, nik_key, max_active, api_client_id=None,
               idempotency_key=None, fingerprint=None):
    """Book every step of a visit, or none. `steps`: [(offering, slot)]. Returns (visit,
    created): a partner's retry with the same Idempotency-Key gets the visit it made
    (IdempotencyMismatch when the request differs)."""
    if idempotency_key and api_client_id is None:
        raise ValueError("an Idempotency-Key belongs to an API client")
    earlier = _earlier(session, api_client_id, idempotency_key)
    if earlier is not None:
        return ops.replay(earlier, fingerprint), False
    ordered = check_steps(mpp, steps)
    for offering, slot in ordered:
        ops.check_slot(offering, slot, now)
    nik_hmac = citizen.nik.keyed_hash(nik_key)
    services = {offering.service_id for offering, _ in ordered}
    for _ in range(3):      # a lost race for the same NIK seat number is tried again
        seat = ops.free_seat(session, nik_hmac, services, max_active, now)
        try:
            with session.begin_nested():
                for offering, slot in ordered:
                    if not ops.take_seat(session, slot.id):
                        raise ops.SlotFull(_l(
                            "Maaf, jadwal %(service)s baru saja penuh. Tidak ada yang dipesan; "
                            "pilih rencana lain.", service=offering.service.name))
                visit = Visit(code=ops.new_code(), mpp=mpp, status=VisitStatus.ACTIVE,
                              name=citizen.name, nik_hmac=nik_hmac,
                              nik_last4=citizen.nik.last4, phone=citizen.phone,
                              email=citizen.email, language=citizen.language,
                              phone_channel=citizen.phone_channel,
                              api_client_id=api_client_id, idempotency_key=idempotency_key,
                              request_hash=fingerprint, created_at=utc(now))
                session.add(visit)
                for n, (offering, slot) in enumerate(ordered):
                    session.add(Appointment(
                        code=ops.new_code(), slot=slot, offering=offering,
                        service=offering.service, status=AppointmentStatus.ACTIVE,
                        name=citizen.name, nik_hmac=nik_hmac, nik_last4=citizen.nik.last4,
                        nik_seat=seat, holds_seat=n == len(ordered) - 1, visit=visit,
                        phone=citizen.phone, email=citizen.email, language=citizen.language,
                        phone_channel=citizen.phone_channel, created_at=utc(now)))
                session.flush()
            for _, slot in ordered:
                session.expire(slot, ["booked"])
            return visit, True
        except IntegrityError:
            earlier = _earlier(session, api_client_id, idempotency_key)
            if earlier is not None:
                return ops.replay(earlier, fingerprint), False
    raise ops.LimitReached(_l("Permintaan yang sama sedang diproses. Coba lagi sebentar lagi."))


def move_visit(session, visit, steps, now, max_active):
    """Move the visit's steps still to come to a new plan of the same services, all or none:
    the old seats are let go (to the waitlist, or back on sale) and the new ones taken in one
    savepoint; the visit keeps its code."""
    active = upcoming(visit)
    ordered = check_steps(visit.mpp, steps)
    if {step.service_id for step in active} != {o.service_id for o, _ in ordered}:
        raise VisitRefused(_l("Rencana baru harus berisi layanan yang sama dengan kunjungan "
                              "ini."))
    for offering, slot in ordered:
        ops.check_slot(offering, slot, now)
    first = active[0]
    with session.begin_nested():
        for step in active:
            ops.cancel_appointment(session, step, now, via="moved")
        seat = ops.free_seat(session, visit.nik_hmac, {o.service_id for o, _ in ordered},
                             max_active, now)
        for n, (offering, slot) in enumerate(ordered):
            if not ops.take_seat(session, slot.id):
                raise ops.SlotFull(_l(
                    "Maaf, jadwal %(service)s baru saja penuh. Kunjungan tidak dipindah; "
                    "pilih rencana lain.", service=offering.service.name))
            session.add(Appointment(
                code=ops.new_code(), slot=slot, offering=offering, service=offering.service,
                status=AppointmentStatus.ACTIVE, name=visit.name, nik_hmac=visit.nik_hmac,
                nik_last4=visit.nik_last4, nik_seat=seat, holds_seat=n == len(ordered) - 1,
                visit=visit, phone=first.phone, email=visit.email, language=visit.language,
                phone_channel=visit.phone_channel, created_at=utc(now)))
        session.flush()
        # Letting go of the last old step marked the visit cancelled (in SQL): it is not.
        session.execute(update(Visit).where(Visit.id == visit.id)
                        .values(status=VisitStatus.ACTIVE, cancelled_at=None)
                        .execution_options(synchronize_session=False))
    session.refresh(visit)
    return visit


def step_choices(session, visit, step, now):
    """The free slots one step of a visit can move to: its offering's, the same day, between
    the steps before and after it (with the walk), so the order and the trip stay."""
    ordered = [s for s in steps_in_order(visit) if s.status == AppointmentStatus.ACTIVE]
    if step not in ordered:
        return []
    index = ordered.index(step)
    after = ordered[index - 1].slot.ends_at + WALK if index else None
    before = ordered[index + 1].slot.starts_at - WALK if index + 1 < len(ordered) else None
    day = to_local(visit.mpp, step.slot.starts_at).date()
    return [slot for slot in slots.free_slots(session, step.offering, day, now)
            if slot.id != step.slot_id and (after is None or slot.starts_at >= after)
            and (before is None or slot.ends_at <= before)]


def move_step(session, visit, step, slot, now):
    """Move one step to another of its `step_choices`; the rest stays."""
    if slot is None or slot.id not in {s.id for s in step_choices(session, visit, step, now)}:
        raise VisitRefused(_l("Pilih salah satu jam dari daftar."))
    ops.move_step_seat(session, step, slot, now)


def confirm_visit(session, visit, now):
    """The citizen says they will come: every step still to come is confirmed."""
    active = upcoming(visit)
    if not active:
        raise VisitRefused(_l("Kunjungan ini sudah tidak aktif."))
    for step in active:
        ops.confirm_appointment(session, step, now)


def cancel_visit(session, visit, now, via="citizen"):
    """Cancel every step still active; the seats go to the waitlist or back on sale."""
    active = [step for step in visit.steps if step.status == AppointmentStatus.ACTIVE]
    if not active:
        raise ops.BookingRefused(_l("Kunjungan ini sudah tidak aktif."))
    for step in active:
        ops.cancel_appointment(session, step, now, via=via)
    session.refresh(visit)


def find_visit(session, code, last4):
    """The visit for a code and the NIK's last 4 digits; the same answer for any mismatch."""
    visit = session.scalar(select(Visit).where(Visit.code == ops.normalise_code(code)).options(
        selectinload(Visit.steps).selectinload(Appointment.slot),
        selectinload(Visit.steps).selectinload(Appointment.service)
        .selectinload(Service.agency)))
    if visit is None or not ops.same_last4(visit.nik_last4, last4):
        raise ops.AppointmentNotFound(_l("Kode atau 4 angka terakhir NIK tidak cocok."))
    return visit


def offerings_at(session, mpp, service_slugs):
    """The bookable offerings of these services at `mpp`, in the order asked (unknown or not
    bookable ones left out)."""
    found = {offering.service.slug: offering for offering in session.scalars(
        select(Offering).join(Offering.service)
        .where(Offering.mpp_id == mpp.id, Offering.bookable.is_(True),
               Service.slug.in_(service_slugs))
        .options(selectinload(Offering.service).selectinload(Service.needs)))}
    return [found[slug] for slug in dict.fromkeys(service_slugs) if slug in found]


def merged_checklist(services):
    """[(document, [services that ask for it])]: a document several services ask for once."""
    return life_events.merged([(service, service.requirements) for service in services])


def upcoming(visit):
    """The steps still to come (active), in time order."""
    return [step for step in steps_in_order(visit) if step.status == AppointmentStatus.ACTIVE]


def steps_in_order(visit):
    return sorted(visit.steps, key=lambda step: step.slot.starts_at)
