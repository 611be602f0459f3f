"""Life events and which service needs the result of which: the national list kept by the
national admins (and loaded with the demo), read by the life-event pages and the visit
planner."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import NotFound
from .models import LifeEvent, LifeEventStep, Offering, Service


def load(session, data):
    """Add or replace the life events and the services' needs from `data` (the format of
    data/demo_life_events.json); unknown services are refused with their slugs."""
    services = {s.slug: s for s in session.scalars(select(Service))}
    named = set(data.get("needs", {})) | {n for ns in data.get("needs", {}).values() for n in ns}
    named |= {step["service"] for event in data.get("life_events", []) for step in event["steps"]}
    unknown = sorted(named - set(services))
    if unknown:
        raise ValueError(f"unknown services: {', '.join(unknown)}")
    for slug, needed in data.get("needs", {}).items():
        services[slug].needs = [services[n] for n in needed]
    for position, item in enumerate(data.get("life_events", [])):
        event = session.scalar(select(LifeEvent).where(LifeEvent.slug == item["slug"]))
        if event is None:
            event = LifeEvent(slug=item["slug"])
            session.add(event)
        event.name, event.name_en = item["name"], item.get("name_en")
        event.summary, event.position = item.get("summary", ""), position
        event.steps = []
        session.flush()                     # the old steps go before the new are written
        event.steps = [LifeEventStep(service=services[step["service"]], position=n,
                                     note=step.get("note", ""))
                       for n, step in enumerate(item["steps"])]
    session.flush()


def all_events(session):
    return session.scalars(select(LifeEvent).order_by(LifeEvent.position)).all()


def get_event(session, slug):
    """The event with its steps' services and agencies, or None."""
    service = selectinload(LifeEvent.steps).selectinload(LifeEventStep.service)
    return session.scalar(select(LifeEvent).where(LifeEvent.slug == slug).options(
        service.selectinload(Service.agency), service.selectinload(Service.needs)))


def event_or_404(session, slug):
    event = get_event(session, slug)
    if event is None:
        raise NotFound(_l("Peristiwa tidak ditemukan."))
    return event


def at_hall(session, event, mpp):
    """{service id: Offering} of the event's services that this hall offers."""
    ids = [step.service_id for step in event.steps]
    return {offering.service_id: offering for offering in session.scalars(
        select(Offering).where(Offering.mpp_id == mpp.id, Offering.service_id.in_(ids)))}


def merged(asked):
    """[(document, [services that ask for it])] from [(service, [document])]: a document
    several services ask for once (the same text, ignoring case, spacing and a final stop),
    in the order first asked."""
    items = {}
    for service, documents in asked:
        for text in documents:
            key = " ".join(text.casefold().split()).rstrip(".")
            items.setdefault(key, (text, []))[1].append(service)
    return list(items.values())


def what_to_bring(steps):
    """The merged documents of every step of an event."""
    return merged([(step.service, step.service.requirements) for step in steps])
