"""The demo: the 12 MPPs inaugurated on 26 September 2023, with real national services."""
import json
from datetime import date
from importlib.resources import files

import holidays
from sqlalchemy import select

from ..extensions import db
from .models import Closure, Counter, Mpp, Region
from . import life_events
from .import_export import import_rows
from .operations import load_regions, opening_hours
from .schedule import parse_hours

DATA = files(__package__) / "data"
INAUGURATED_ON = date(2023, 9, 26)

# How agencies usually run booked slots at a hall: (minutes a slot, seats in it).
SLOT_SHAPE = {"disdukcapil": (10, 2), "imigrasi": (15, 1), "polres": (15, 2)}


def _read(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def demo_rows():
    """The demo catalogue as import rows: every MPP × agency present × that agency's services."""
    catalogue = _read("demo_services.json")
    agencies = {a["slug"]: a for a in catalogue["agencies"]}
    by_agency = {}
    for service in catalogue["services"]:
        by_agency.setdefault(service["agency"], []).append(service)
    rows = []
    for hall in _read("demo_mpps.json")["mpps"]:
        mpp_slug = _region_slug(hall["region"])
        for letter, (agency_slug, local) in zip(_letters(), hall["agencies"].items()):
            agency = agencies[agency_slug]
            minutes, seats = SLOT_SHAPE.get(agency_slug, (15, 1))
            for service in by_agency[agency_slug]:
                if service["service"] in local.get("without", ()):
                    continue
                rows.append({
                    **service, "mpp": mpp_slug,
                    "agency_name": agency["name"], "agency_short_name": agency["short_name"],
                    "queue": letter, "bookable": service["online_mode"] == "book_then_visit",
                    "slot_minutes": minutes, "seats_per_slot": seats,
                    "daily_quota": local.get("quota"), "hours": local.get("hours", ""),
                })
    return rows


def _letters():
    return (chr(c) for c in range(ord("A"), ord("Z") + 1))


def _region_slug(code):
    return db.session.scalar(select(Region.slug).where(Region.code == code))


def load_demo(today):
    """Regions, the 12 demo MPPs, their catalogue, counters and this year's cuti bersama."""
    load_regions(db.session)
    for hall in _read("demo_mpps.json")["mpps"]:
        region = db.session.get(Region, hall["region"])
        if db.session.scalar(select(Mpp.id).where(Mpp.region_code == region.code)):
            continue
        mpp = Mpp(region=region, slug=region.slug, name=f"Mal Pelayanan Publik {region.name}",
                  address=hall["address"], phone=hall["phone"], email=hall["email"],
                  opened_on=INAUGURATED_ON)
        mpp.hours = opening_hours(parse_hours(hall["hours"]))
        db.session.add(mpp)
    db.session.flush()
    rows = demo_rows()
    result = import_rows(db.session, [(f"demo {i}", row) for i, row in enumerate(rows, 1)])
    life_events.load(db.session, _read("demo_life_events.json"))
    _add_counters()
    _add_cuti_bersama(today.year, today.year + 1)
    db.session.flush()
    return result


def _add_counters():
    """One counter a queue (two for Disdukcapil), for halls that have none yet."""
    for mpp in db.session.scalars(select(Mpp)):
        if mpp.counters:
            continue
        number = 0
        for queue in mpp.queues:
            for _ in range(2 if queue.name == "Disdukcapil" else 1):
                number += 1
                db.session.add(Counter(mpp=mpp, number=number, name=f"Loket {number}",
                                       queues=[queue]))


def _add_cuti_bersama(*years):
    """Collective leave days (cuti bersama) close every MPP; admins can add SKB revisions."""
    leave = holidays.country_holidays("ID", years=years, categories=("government",),
                                      language="id")
    known = set(db.session.scalars(select(Closure.starts_on).where(Closure.mpp_id.is_(None))))
    for day, name in sorted(leave.items()):
        if day not in known:
            db.session.add(Closure(mpp_id=None, starts_on=day, ends_on=day, reason=name))
