"""What the back office does: each operation makes one change across the domains it touches
(the hall's hours → its schedule → the bookings that no longer fit), writes its audit row with
the values before and after, and flushes. The caller commits.

Operations take the session, the acting user and `now`; they read no request and show nothing.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts import operations as accounts
from ..booking import slots
from ..accounts.models import Role
from ..booking import notices
from ..booking import operations as booking
from ..catalogue import life_events
from ..catalogue import operations as catalogue
from ..catalogue.models import Closure, LifeEvent, LifeEventStep, Mpp, Service
from ..catalogue.schedule import format_hours
from ..queue import operations as queues

DETAIL_FIELDS = ("name", "address", "phone", "email")
CLOSURE_FIELDS = ("starts_on", "ends_on", "reason")
OFFERING_FIELDS = ("bookable", "queue_id", "slot_minutes", "seats_per_slot", "daily_quota",
                   "walkin_share", "horizon_days", "cutoff_minutes", "release_hour", "notes")
AGENCY_FIELDS = ("name", "short_name", "website")
SERVICE_FIELDS = ("name", "name_en", "category", "summary", "requirements", "procedure",
                  "duration_value", "duration_unit", "fee", "fee_note", "product",
                  "legal_basis", "online_mode", "online_url", "keywords")


def snapshot(obj, fields):
    """The fields' values as the audit log keeps them (enums by value, dates as ISO text)."""
    values = {}
    for name in fields:
        value = getattr(obj, name)
        values[name] = value.value if hasattr(value, "value") else (
            value.isoformat() if hasattr(value, "isoformat") else value)
    return values


def _hours(rows):
    return format_hours(catalogue.intervals(rows))


def _set_fields(session, obj, fields, values, actor, now, action, key, mpp_id=None,
                optional=()):
    """Set the fields from `values` (an empty optional one as NULL) and audit the change."""
    before = snapshot(obj, fields)
    for name in fields:
        setattr(obj, name, (values[name] or None) if name in optional else values[name])
    session.flush()
    accounts.audit(session, actor, now, action, key, before, snapshot(obj, fields), mpp_id)


# --- a hall ------------------------------------------------------------------------------------

def change_details(session, mpp, values, actor, now):
    _set_fields(session, mpp, DETAIL_FIELDS, values, actor, now, "mpp.details", mpp.slug,
                mpp.id, optional={"email"})


def change_hours(session, mpp, intervals, actor, now):
    """The hall's new opening hours, its schedule refreshed; returns the bookings that no
    longer fit."""
    before = _hours(mpp.hours)
    mpp.hours = catalogue.opening_hours(intervals)
    session.flush()
    accounts.audit(session, actor, now, "mpp.hours", mpp.slug, {"hours": before},
                   {"hours": _hours(mpp.hours)}, mpp.id)
    slots.refresh_schedule(session, mpp, now)
    return slots.misfits(session, mpp.id)


def _refresh(session, mpp, now):
    halls = [mpp] if mpp is not None else session.scalars(select(Mpp)).all()
    for hall in halls:
        slots.refresh_schedule(session, hall, now)


def add_closure(session, mpp, starts_on, ends_on, reason, actor, now):
    """A day or days the hall closes; with `mpp` None, a national closure (cuti bersama)
    for every hall."""
    closure = Closure(mpp_id=mpp.id if mpp else None, starts_on=starts_on, ends_on=ends_on,
                      reason=reason.strip())
    session.add(closure)
    session.flush()
    accounts.audit(session, actor, now, "closure.add", closure.id, None,
                   snapshot(closure, CLOSURE_FIELDS), closure.mpp_id)
    _refresh(session, mpp, now)
    return closure


def remove_closure(session, closure, actor, now):
    mpp = session.get(Mpp, closure.mpp_id) if closure.mpp_id else None
    accounts.audit(session, actor, now, "closure.remove", closure.id,
                   snapshot(closure, CLOSURE_FIELDS), None, closure.mpp_id)
    session.delete(closure)
    session.flush()
    _refresh(session, mpp, now)


def keep_open_on(session, mpp, closure, stay_open, actor, now):
    """This hall stays open on a national closure, or closes with every MPP."""
    before = mpp in closure.open_mpps
    if stay_open and not before:
        closure.open_mpps.append(mpp)
    elif not stay_open and before:
        closure.open_mpps.remove(mpp)
    session.flush()
    accounts.audit(session, actor, now, "closure.open" if stay_open else "closure.close",
                   closure.id, {"open": before}, {"open": stay_open}, mpp.id)
    slots.refresh_schedule(session, mpp, now)


# --- offerings, queues and counters ------------------------------------------------------------

def _offering_snapshot(offering):
    return {**snapshot(offering, OFFERING_FIELDS), "hours": _hours(offering.hours)}


def change_offering(session, mpp, offering, values, intervals, actor, now):
    """An offering's booking rules and its own hours (empty: the hall's)."""
    before = _offering_snapshot(offering)
    for name in OFFERING_FIELDS:
        setattr(offering, name, values[name])
    offering.notes = (offering.notes or "").strip()
    offering.hours = catalogue.opening_hours(intervals)
    session.flush()
    accounts.audit(session, actor, now, "offering.update", offering.id, before,
                   _offering_snapshot(offering), mpp.id)
    slots.refresh_schedule(session, mpp, now)


def change_agency_days(session, mpp, offerings, intervals, actor, now):
    """The hours of every offering of one agency at the hall; returns the bookings that no
    longer fit."""
    before = {o.service.slug: _hours(o.hours) for o in offerings}
    for offering in offerings:
        offering.hours = catalogue.opening_hours(intervals)
    session.flush()
    accounts.audit(session, actor, now, "agency.days", offerings[0].service.agency_id, before,
                   {o.service.slug: _hours(o.hours) for o in offerings}, mpp.id)
    slots.refresh_schedule(session, mpp, now)
    return slots.misfits(session, mpp.id)


def add_offering(session, mpp, service, actor, now):
    offering = catalogue.add_offering(session, mpp, service)
    accounts.audit(session, actor, now, "offering.add", offering.id, None,
                   {"service": service.slug,
                    "queue": offering.queue.letter if offering.queue else None}, mpp.id)
    return offering


def add_queue(session, mpp, letter, name, actor, now):
    queue = catalogue.add_queue(session, mpp, letter, name)
    queues.bump_hall(session, mpp_id=mpp.id)            # the board lists every line
    accounts.audit(session, actor, now, "queue.add", queue.id, None,
                   snapshot(queue, ("letter", "name")), mpp.id)
    return queue


def _counter_snapshot(counter):
    return {"number": counter.number, "name": counter.name,
            "queues": sorted(q.letter for q in counter.queues)}


def save_counter(session, mpp, counter, number, name, queue_ids, actor, now):
    """A new counter (`counter` not yet saved) or an existing one, with the queues it calls."""
    before = _counter_snapshot(counter) if counter.id else None
    catalogue.set_counter(session, mpp, counter, number, name, queue_ids)
    queues.bump_hall(session, mpp_id=mpp.id)            # the board names counters by number
    accounts.audit(session, actor, now, "counter.update" if before else "counter.add",
                   counter.id, before, _counter_snapshot(counter), mpp.id)
    return counter


# --- staff -------------------------------------------------------------------------------------

def add_staff(session, role, email, name, password, actor, now, mpp_id, agency_id=None,
              counters=()):
    """A clerk of a hall (with an agency and counters) or a hall's manager."""
    user = accounts.create_user(session, email, name.strip(), password, role, now,
                                mpp_id=mpp_id, agency_id=agency_id, counters=counters)
    after = {"email": user.email, "role": user.role.value}
    if role == Role.CLERK:
        after.update(agency_id=user.agency_id, counters=sorted(c.number for c in user.counters))
    else:
        after.update(mpp_id=user.mpp_id)
    accounts.audit(session, actor, now, "user.add", user.id, None, after, mpp_id)
    return user


# --- bookings the schedule no longer fits ------------------------------------------------------

def move_misfit(session, appointment, slot, message, actor, now):
    before = {"slot": appointment.slot.starts_at.isoformat(), "status": appointment.status.value}
    booking.move_by_staff(session, appointment, slot, message.strip(), now)
    notices.moved(session, appointment, now, reason=appointment.staff_message)
    accounts.audit(session, actor, now, "appointment.move", appointment.id, before,
                   {"slot": appointment.slot.starts_at.isoformat(),
                    "message": appointment.staff_message}, appointment.offering.mpp_id)


def cancel_misfit(session, appointment, message, actor, now):
    booking.cancel_by_staff(session, appointment, message.strip(), now)
    notices.cancelled(session, appointment, now, reason=appointment.staff_message)
    accounts.audit(session, actor, now, "appointment.cancel", appointment.id,
                   {"status": "active"}, {"status": appointment.status.value,
                                          "message": appointment.staff_message},
                   appointment.offering.mpp_id)


# --- national: halls, agencies, services ---------------------------------------------------------

def open_mpp(session, region, values, intervals, actor, now):
    """A new hall in a kabupaten/kota that has none."""
    mpp = Mpp(region=region, slug=region.slug, name=values["name"].strip(),
              address=values["address"].strip(), phone=values["phone"].strip(),
              email=values["email"] or None)
    mpp.hours = catalogue.opening_hours(intervals)
    session.add(mpp)
    session.flush()
    accounts.audit(session, actor, now, "mpp.add", mpp.slug, None,
                   {**snapshot(mpp, DETAIL_FIELDS), "region": region.code,
                    "hours": _hours(mpp.hours)}, mpp.id)
    return mpp


def add_agency(session, name, short_name, website, actor, now):
    agency = catalogue.add_agency(session, name, short_name, website)
    accounts.audit(session, actor, now, "agency.add", agency.slug, None,
                   snapshot(agency, AGENCY_FIELDS))
    return agency


def change_agency(session, agency, values, actor, now):
    _set_fields(session, agency, AGENCY_FIELDS, values, actor, now, "agency.update",
                agency.slug, optional={"website"})


def add_service(session, agency_id, values, actor, now):
    service = catalogue.add_service(session, agency_id, values)
    accounts.audit(session, actor, now, "service.add", service.slug, None,
                   snapshot(service, SERVICE_FIELDS))
    return service


def change_service(session, service, values, actor, now):
    before = snapshot(service, SERVICE_FIELDS)
    catalogue.set_service(service, values)
    session.flush()
    accounts.audit(session, actor, now, "service.update", service.slug, before,
                   snapshot(service, SERVICE_FIELDS))


# --- life events and what a service needs -------------------------------------------------------

def _needs_graph(session, service, slugs):
    """Every service's needs, with `service`'s replaced by `slugs`."""
    graph = {s.slug: [n.slug for n in s.needs] for s in session.scalars(
        select(Service).options(selectinload(Service.needs)))}
    graph[service.slug] = list(slugs)
    return graph


def set_needs(session, service, slugs, actor, now):
    """The services whose result `service` needs; refused (field "needs") when one is unknown,
    is itself, or closes a circle."""
    services = {s.slug: s for s in session.scalars(select(Service))}
    found = life_events.problems({"needs": _needs_graph(session, service, slugs)},
                                 set(services))
    if found:
        raise catalogue.CatalogueRefused(found[0].removeprefix("needs: "), field="needs")
    before = [n.slug for n in service.needs]
    service.needs = [services[slug] for slug in slugs]
    session.flush()
    if before != list(slugs):
        accounts.audit(session, actor, now, "service.needs", service.slug, {"needs": before},
                       {"needs": list(slugs)})


def parse_steps(text):
    """"akta-kelahiran | catatan" per line → [{"service", "note"}]."""
    steps = []
    for line in (text or "").splitlines():
        service, _, note = line.partition("|")
        if service.strip():
            steps.append({"service": service.strip(), "note": note.strip()})
    return steps


def _event_values(event):
    return {"slug": event.slug, "name": event.name, "name_en": event.name_en,
            "summary": event.summary,
            "steps": [step.service.slug for step in event.steps]}


def save_life_event(session, event, values, steps, actor, now):
    """A new (event None) or changed life event; its steps replace the old ones."""
    services = {s.slug: s for s in session.scalars(select(Service))}
    item = {"slug": values["slug"] if event is None else event.slug, "name": values["name"],
            "steps": steps}
    if event is None and session.scalar(select(LifeEvent.id).where(
            LifeEvent.slug == values["slug"])):
        raise catalogue.CatalogueRefused(_l("Slug ini sudah dipakai."), field="slug")
    # The form checked the slug's shape and the name: what is left is about the steps.
    found = life_events.problems({"life_events": [item]}, set(services))
    if found:
        raise catalogue.CatalogueRefused(found[0].split(": ", 1)[-1], field="steps")
    before = None
    if event is None:
        event = LifeEvent(slug=values["slug"], position=len(life_events.all_events(session)))
        session.add(event)
    else:
        before = _event_values(event)
    event.name, event.name_en = values["name"].strip(), (values.get("name_en") or "").strip() \
        or None
    event.summary = (values.get("summary") or "").strip()
    event.steps = []
    session.flush()                     # the old steps go before the new are written
    event.steps = [LifeEventStep(service=services[step["service"]], position=n,
                                 note=step["note"]) for n, step in enumerate(steps)]
    session.flush()
    accounts.audit(session, actor, now, "life_event.save", event.slug, before,
                   _event_values(event))
    return event


def remove_life_event(session, event, actor, now):
    before = _event_values(event)
    session.delete(event)
    session.flush()
    accounts.audit(session, actor, now, "life_event.remove", before["slug"], before, None)
