"""Life events and which service needs the result of which: the national list kept by the
national admins (and loaded with the demo), read by the life-event pages and the visit
planner."""
import re
from collections import namedtuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import NotFound
from ..extensions import remembered
from .models import LifeEvent, LifeEventStep, Offering, Service


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def problems(data, known):
    """What is wrong with life-event data (the format of data/demo_life_events.json), as
    readable lines; [] when it can be loaded. `known`: the service slugs that exist."""
    found = []
    if not isinstance(data, dict):
        return ["life events: an object with 'needs' and 'life_events'"]
    needs = data.get("needs", {})
    if not isinstance(needs, dict) or not all(
            isinstance(v, list) and all(isinstance(n, str) for n in v) for v in needs.values()):
        return ["needs: {service: [services it needs]}"]
    for slug, needed in needs.items():
        for name in [slug, *needed]:
            if name not in known:
                found.append(f"needs: service '{name}' is not in the catalogue")
        if slug in needed:
            found.append(f"needs: '{slug}' cannot need itself")
    if not found and _cycle(needs):
        found.append("needs: the services need each other in a circle: "
                     + " → ".join(_cycle(needs)))
    events = data.get("life_events", [])
    if not isinstance(events, list):
        return found + ["life_events: a list"]
    slugs = set()
    for n, event in enumerate(events, 1):
        where = f"life_events {n}"
        if not isinstance(event, dict):
            found.append(f"{where}: an object")
            continue
        slug = event.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 60:
            found.append(f"{where}: slug in lower-case letters, digits and hyphens")
        elif slug in slugs:
            found.append(f"{where}: slug '{slug}' twice")
        slugs.add(slug)
        if not isinstance(event.get("name"), str) or not 2 <= len(event["name"]) <= 120:
            found.append(f"{where}: name of 2 to 120 characters")
        steps = event.get("steps")
        if not isinstance(steps, list) or not 1 <= len(steps) <= 12:
            found.append(f"{where}: 1 to 12 steps")
            continue
        seen = set()
        for step in steps:
            service = step.get("service") if isinstance(step, dict) else None
            if service not in known:
                found.append(f"{where}: service '{service}' is not in the catalogue")
            elif service in seen:
                found.append(f"{where}: service '{service}' twice")
            seen.add(service)
    return found


def _cycle(needs):
    """A circle of needs ([a, b, a]), or None."""
    state = {}

    def visit(slug, path):
        if state.get(slug) == "done":
            return None
        if slug in path:
            return path[path.index(slug):] + [slug]
        for other in needs.get(slug, []):
            circle = visit(other, path + [slug])
            if circle:
                return circle
        state[slug] = "done"
        return None
    for slug in needs:
        circle = visit(slug, [])
        if circle:
            return circle
    return None


def load(session, data):
    """Add or replace the life events and the services' needs from `data` (the format of
    data/demo_life_events.json); ValueError listing the problems, and nothing changed."""
    services = {s.slug: s for s in session.scalars(select(Service))}
    found = problems(data, set(services))
    if found:
        raise ValueError("; ".join(found))
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


ListedEvent = namedtuple("ListedEvent", "slug name name_en")


def listed(session, version):
    """The life events as a hall page links them, read once per catalogue `version`."""
    return remembered("life-events", version, lambda: [
        ListedEvent(e.slug, e.name, e.name_en) for e in all_events(session)])


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


def dump(session):
    """The life events and the services' needs, in the format `load` reads."""
    needs = {service.slug: [n.slug for n in service.needs] for service in session.scalars(
        select(Service).options(selectinload(Service.needs)).order_by(Service.slug))
        if service.needs}
    events = session.scalars(select(LifeEvent).order_by(LifeEvent.position).options(
        selectinload(LifeEvent.steps).selectinload(LifeEventStep.service))).all()
    return {"needs": needs, "life_events": [
        {"slug": e.slug, "name": e.name, **({"name_en": e.name_en} if e.name_en else {}),
         "summary": e.summary,
         "steps": [{"service": step.service.slug, **({"note": step.note} if step.note else {})}
                   for step in e.steps]} for e in events]}
