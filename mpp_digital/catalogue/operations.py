"""What the catalogue does: load regions, read what pages show, and make the changes the back
office asks for (import and export: import_export.py). Every function takes the session."""
import csv
import re
from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo

import holidays

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..errors import DomainError, NotFound
from ..extensions import kept_objects, remembered
from .models import (Agency, Closure, DurationUnit, Mpp, Offering, OnlineMode, OpeningHours,
                     Province, Queue, Region, RegionKind, Service, closure_open_mpp)
from .schedule import DayStatus, Interval, day_status, effective_hours, group_by_hours

REGION_DATA = files(__package__) / "data" / "regions"

_TIMEZONE_BY_PROVINCE = {
    **{code: "Asia/Jakarta" for code in (*range(11, 20), 21, *range(31, 37), 61, 62)},
    **{code: "Asia/Makassar" for code in (51, 52, 53, 63, 64, 65, *range(71, 77))},
    **{code: "Asia/Jayapura" for code in (81, 82, *range(91, 97))},
}


def slugify(name):
    """"Kabupaten Toli-Toli" → "kabupaten-toli-toli"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def province_timezone(code):
    """The IANA zone of a province by its Kemendagri code: WIB, WITA or WIT."""
    return _TIMEZONE_BY_PROVINCE[int(code)]


def load_regions(session):
    """Add the 38 provinces and 514 kabupaten/kota shipped with the package; skip known ones."""
    known = set(session.scalars(select(Province.code)))
    with (REGION_DATA / "provinces.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code"] not in known:
                session.add(Province(code=row["code"], name=row["name"],
                                     slug=slugify(row["name"]),
                                     timezone=province_timezone(row["code"])))
    session.flush()
    known = set(session.scalars(select(Region.code)))
    added = 0
    with (REGION_DATA / "regencies.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in known:
                continue
            kind = RegionKind.KOTA if row["name"].startswith("Kota ") else RegionKind.KABUPATEN
            session.add(Region(code=row["code"], province_code=row["province_code"],
                               name=row["name"], slug=slugify(row["name"]), kind=kind))
            added += 1
    session.flush()
    return added


# --- reading -------------------------------------------------------------------------------

def list_provinces(session):
    """Provinces with the number of MPPs in each, in official code order."""
    counts = dict(session.execute(
        select(Region.province_code, func.count(Mpp.id)).join(Mpp.region)
        .group_by(Region.province_code)).all())
    provinces = session.scalars(select(Province).order_by(Province.code)).all()
    return [(p, counts.get(p.code, 0)) for p in provinces]


def list_provinces_only(session):
    return session.scalars(select(Province).order_by(Province.name)).all()


def list_mpps(session, province_code=None):
    query = (select(Mpp).join(Mpp.region).options(selectinload(Mpp.region)
                                                   .selectinload(Region.province))
             .order_by(Region.code))
    if province_code:
        query = query.where(Region.province_code == province_code)
    return session.scalars(query).all()


def kept_provinces(version):
    """list_provinces(), read once per catalogue `version` (extensions.kept_objects)."""
    return kept_objects("provinces", version, list_provinces)


def kept_mpps(version, province_code=None):
    """list_mpps(), read once per catalogue `version` and province."""
    return kept_objects("listed-halls", (version, province_code),
                        lambda session: list_mpps(session, province_code))


def get_province(session, slug):
    province = session.scalar(select(Province).where(Province.slug == slug)
                              .options(selectinload(Province.regions)
                                       .selectinload(Region.mpp)))
    if province is None:
        raise NotFound(_l("Provinsi tidak ditemukan."))
    return province


def get_region(session, slug):
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        raise NotFound(_l("Kabupaten/kota tidak ditemukan."))
    return region


def find_regions(session, text, limit=20):
    """Kabupaten/kota whose name contains every word typed, e.g. "kediri" or "kab bantul"."""
    words = [w for w in re.split(r"\W+", text.lower()) if w][:5]
    if not words:
        return []
    words = ["kabupaten" if w == "kab" else w for w in words]
    query = select(Region).options(selectinload(Region.mpp), selectinload(Region.province))
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Region.name).like(f"%{escaped}%", escape="\\"))
    return session.scalars(query.order_by(Region.name).limit(limit)).all()


def get_mpp(session, slug):
    mpp = session.scalar(
        select(Mpp).where(Mpp.slug == slug)
        .options(selectinload(Mpp.region).selectinload(Region.province),
                 selectinload(Mpp.hours),
                 selectinload(Mpp.offerings).selectinload(Offering.service)
                 .selectinload(Service.agency),
                 selectinload(Mpp.offerings).selectinload(Offering.hours)))
    if mpp is None:
        raise NotFound(_l("MPP tidak ditemukan."))
    return mpp


def hall_listing(session, mpp, version):
    """What a hall's page lists, read as plain rows (no catalogue objects) once per catalogue
    `version`: [(agency, its week of hours grouped, its services by name)], by agency name. An
    agency row has slug, short_name and name; a service row slug, name, name_en, fee and
    online_mode."""
    return remembered("hall-listings", (version, mpp.id), lambda: _hall_listing(session, mpp))


def _hall_listing(session, mpp):
    rows = session.execute(
        select(Offering.id, Service.slug, Service.name, Service.name_en, Service.fee,
               Service.online_mode, Agency.slug.label("agency_slug"),
               Agency.short_name.label("agency_short_name"),
               Agency.name.label("agency_name"))
        .join(Offering.service).join(Service.agency).where(Offering.mpp_id == mpp.id)).all()
    own_hours = {}
    for row in session.execute(
            select(OpeningHours.offering_id, OpeningHours.weekday, OpeningHours.opens_at,
                   OpeningHours.closes_at)
            .join(Offering, Offering.id == OpeningHours.offering_id)
            .where(Offering.mpp_id == mpp.id)):
        own_hours.setdefault(row.offering_id, []).append(Interval(*row[1:]))
    hall_hours = intervals(mpp.hours)
    by_agency = {}
    for row in rows:
        agency = Listed(row.agency_slug, row.agency_short_name, row.agency_name)
        hours, services = by_agency.setdefault(agency, (set(), []))
        hours.update(effective_hours(hall_hours, own_hours.get(row.id, [])))
        services.append(row)
    return [(agency, group_by_hours(hours), sorted(services, key=lambda s: s.name))
            for agency, (hours, services) in sorted(by_agency.items(),
                                                    key=lambda item: item[0].short_name)]


@dataclass(frozen=True)
class Listed:
    """An agency as a hall's page lists it."""
    slug: str
    short_name: str
    name: str


def get_hall(session, slug, hours=False):
    """The hall alone, with its region and province (its time zone), and with `hours` its
    opening hours: for pages that show its name and hours, not its catalogue."""
    options = [joinedload(Mpp.region).joinedload(Region.province)]     # one statement
    if hours:
        options.append(joinedload(Mpp.hours))                          # still one
    mpp = session.scalars(select(Mpp).where(Mpp.slug == slug).options(*options)).unique().first()
    if mpp is None:
        raise NotFound(_l("MPP tidak ditemukan."))
    return mpp


def kept_hall(slug, version):
    """get_hall(…, hours=True), read once per catalogue `version` (extensions.kept_objects):
    the hall's page, whose hours and region it reads."""
    return kept_objects("halls", (version, slug),
                        lambda session: get_hall(session, slug, hours=True))


def kept_offering(mpp_slug, service_slug, version):
    """get_offering(), read once per catalogue `version`: the pages of a service at a hall."""
    return kept_objects("offerings", (version, mpp_slug, service_slug),
                        lambda session: get_offering(session, mpp_slug, service_slug))


def get_offering(session, mpp_slug, service_slug):
    hall = contains_eager(Offering.mpp)
    service = contains_eager(Offering.service)
    # One statement: a week of the hall's hours times a week of the offering's own is a few
    # dozen rows at most.
    offering = session.scalars(
        select(Offering).join(Offering.mpp).join(Offering.service)
        .where(Mpp.slug == mpp_slug, Service.slug == service_slug)
        .options(hall.joinedload(Mpp.region).joinedload(Region.province),
                 hall.joinedload(Mpp.hours), service.joinedload(Service.agency),
                 joinedload(Offering.hours))).unique().first()
    if offering is None:
        raise NotFound(_l("Layanan ini tidak tersedia di MPP tersebut."))
    return offering


def get_service(session, slug):
    service = session.scalar(
        select(Service).where(Service.slug == slug)
        .options(selectinload(Service.agency)))
    if service is None:
        raise NotFound(_l("Layanan tidak ditemukan."))
    return service


def kept_service(slug, version):
    """get_service(), read once per catalogue `version`: the national page of a service."""
    return kept_objects("services", (version, slug), lambda session: get_service(session, slug))


def list_services(session, agency=None, category=None):
    """National services by agency and name, optionally of one agency slug or category."""
    query = (select(Service).join(Service.agency).options(selectinload(Service.agency))
             .order_by(Agency.short_name, Service.name))
    if agency:
        query = query.where(Agency.slug == agency)
    if category:
        query = query.where(Service.category == category)
    return session.scalars(query).all()


def list_agencies(session):
    return session.scalars(select(Agency).order_by(Agency.short_name)).all()


def offering_counts(session, service_ids):
    """{service id: number of MPPs offering it}."""
    if not service_ids:
        return {}
    return dict(session.execute(
        select(Offering.service_id, func.count(Offering.id))
        .where(Offering.service_id.in_(service_ids)).group_by(Offering.service_id)).all())


HallLink = namedtuple("HallLink", "id slug name")


def halls_offering(session, service_id, version):
    """[HallLink] of the halls offering a service, in region code order: what every hall's
    page of that service links to as "elsewhere", read once per catalogue `version`."""
    return remembered("halls-offering", (version, service_id), lambda: [
        HallLink(*row) for row in session.execute(
            select(Mpp.id, Mpp.slug, Mpp.name).join(Mpp.offerings).join(Mpp.region)
            .where(Offering.service_id == service_id).order_by(Region.code))])


# A hall as a page names it: clock.local_day() and clock.to_local() take it as an Mpp.
HallHeader = namedtuple("HallHeader", "id slug name timezone region_name")
# Its columns, for a statement that joins the hall to its region and province (with_header).
HALL_HEADER = (Mpp.id, Mpp.slug, Mpp.name, Province.timezone, Region.name)
# A line as a page names it.
QueueRow = namedtuple("QueueRow", "id letter name")


def with_header(query):
    """`query`, which reads a hall (Mpp), joined to what HALL_HEADER names."""
    return query.join(Region, Region.code == Mpp.region_code).join(
        Province, Province.code == Region.province_code)


def hall_header(session, slug, version):
    """The hall's HallHeader, read once per catalogue `version`: for pages that name a hall
    and count its days, without its catalogue. NotFound as get_hall()."""
    def read():                   # a slug no hall has raises: made-up URLs are not kept
        row = session.execute(with_header(select(*HALL_HEADER)).where(Mpp.slug == slug)).first()
        if row is None:
            raise NotFound(_l("MPP tidak ditemukan."))
        return HallHeader(*row)
    return remembered("hall-headers", (version, slug), read)


def closures_for(session, mpp, first_day, last_day):
    """(start, end, reason) of the closures of this MPP and of every MPP that touch the days,
    less the national ones this MPP stays open on."""
    stays_open = select(closure_open_mpp.c.closure_id).where(
        closure_open_mpp.c.mpp_id == mpp.id)
    rows = session.execute(
        select(Closure.starts_on, Closure.ends_on, Closure.reason)
        .where((Closure.mpp_id == mpp.id) | Closure.mpp_id.is_(None),
               Closure.id.not_in(stays_open),
               Closure.starts_on <= last_day, Closure.ends_on >= first_day)).all()
    return [tuple(r) for r in rows]


def kept_closures(session, mpp, first_day, last_day, version):
    """closures_for(), read once per catalogue `version`, of which closures are part."""
    return remembered("closures", (version, mpp.id, first_day, last_day),
                      lambda: closures_for(session, mpp, first_day, last_day))


def opening_hours(intervals):
    """Rows for parsed intervals, to assign to an MPP's or an offering's `hours`."""
    return [OpeningHours(weekday=iv.weekday, opens_at=iv.opens_at, closes_at=iv.closes_at)
            for iv in intervals]


def intervals(hours_rows):
    return [Interval(h.weekday, h.opens_at, h.closes_at) for h in hours_rows]


@lru_cache(maxsize=32)
def _holiday_calendar(year, language):
    return holidays.Indonesia(years=year, language="id" if language == "id" else "en_US")


def public_holiday(day, language="id"):
    """The name of the national public holiday on `day`, or None."""
    return _holiday_calendar(day.year, language).get(day)


@dataclass(frozen=True)
class HallDay:
    """A hall's day seen from `now`: the local clock, the day's hours and whether it is open."""
    local_now: datetime
    status: DayStatus
    open_now: bool


def _closures(session, mpp, first_day, last_day, version):
    if version is None:
        return closures_for(session, mpp, first_day, last_day)
    return kept_closures(session, mpp, first_day, last_day, version)


def hall_day(session, mpp, now, language, hours=None, version=None):
    """Today at `mpp` in its own time zone; `hours` (an offering's) replace the hall's. With
    the catalogue's `version`, its closures are read once per version and day."""
    local = now.astimezone(ZoneInfo(mpp.timezone))
    today = local.date()
    status = day_status(today, hours if hours is not None else intervals(mpp.hours),
                        _closures(session, mpp, today, today, version),
                        public_holiday(today, language))
    clock = local.time().replace(tzinfo=None)
    return HallDay(local, status, any(o <= clock < c for o, c in status.spans))


def next_days(session, mpp, now, language, count=7, hours=None, version=None):
    """DayStatus for `count` days from today, in the hall's time zone (`version` as
    hall_day)."""
    first = now.astimezone(ZoneInfo(mpp.timezone)).date()
    last = first + timedelta(days=count - 1)
    closures = _closures(session, mpp, first, last, version)
    week = hours if hours is not None else intervals(mpp.hours)
    return [day_status(day, week, closures, public_holiday(day, language))
            for day in (first + timedelta(days=n) for n in range(count))]


def agencies_at(mpp):
    """[(agency, its week of hours grouped, its offerings)] at one hall, by agency name."""
    hall_hours = intervals(mpp.hours)
    by_agency = {}
    for offering in mpp.offerings:
        by_agency.setdefault(offering.service.agency, []).append(offering)
    overview = []
    for agency, offerings in sorted(by_agency.items(), key=lambda item: item[0].short_name):
        hours = set()
        for offering in offerings:
            hours.update(effective_hours(hall_hours, intervals(offering.hours)))
        overview.append((agency, group_by_hours(hours),
                         sorted(offerings, key=lambda o: o.service.name)))
    return overview


def offering_hours(offering):
    return effective_hours(intervals(offering.mpp.hours), intervals(offering.hours))


_ACRONYM = re.compile(r"(?<!\d )\b([A-Z][A-Z0-9]{1,7}(?:-[A-Za-z0-9]{1,4})?(?: [A-Z])?)(?![a-z])")
_DOING = re.compile(r"^(Penerbitan|Pendaftaran|Perpanjangan|Penggantian|Pembayaran|Pengecekan|"
                    r"Pencatatan|Legalisasi|Layanan|Perubahan|Bantuan|Aktivasi|Pasang baru)"
                    r"( dan \w+)? ",
                    re.IGNORECASE)


def short_label(name):
    """What people call a service, for the kiosk's buttons: its acronym in brackets ("Kartu
    Keluarga (KK) baru" → "KK"), else its first acronym ("Perpanjangan SIM A" → "SIM A"), else
    its name without the leading act ("Penerbitan Akta Kelahiran" → "Akta Kelahiran")."""
    bracketed = re.search(r"\(([A-Z][A-Z0-9-]{1,9})\)", name)
    if bracketed:
        return bracketed[1]
    acronym = _ACRONYM.search(name)
    if acronym:
        return acronym[1]
    shorter = _DOING.sub("", name).split(" (")[0]
    return shorter[:1].upper() + shorter[1:]


@dataclass(frozen=True)
class LineToday:
    """A hall's line (queue) today, for the kiosk: what it serves and whether it is open."""
    queue: object
    services: list          # what people call the services it serves here (short_label)
    open_now: bool
    opens_at: object        # a later opening today (time), or None


def lines_today(session, mpp, now, language):
    """[LineToday] for each line of the hall, by letter: a line is open while any service it
    serves is (by the offering's own hours, else the hall's); a line serving nothing follows
    the hall."""
    local = now.astimezone(ZoneInfo(mpp.timezone))
    today, clock = local.date(), local.time().replace(tzinfo=None)
    closures = closures_for(session, mpp, today, today)
    holiday = public_holiday(today, language)
    served = {}
    for offering in mpp.offerings:
        served.setdefault(offering.queue_id, []).append(offering)
    hall = day_status(today, intervals(mpp.hours), closures, holiday).spans
    lines = []
    for queue in mpp.queues:                                      # by letter
        offerings = served.get(queue.id, [])
        spans = sorted({span for o in offerings for span in day_status(
            today, offering_hours(o), closures, holiday).spans}) if offerings else list(hall)
        lines.append(LineToday(
            queue=queue, services=list(dict.fromkeys(
                short_label(o.service.name) for o in sorted(offerings,
                                                            key=lambda o: o.service_id))),
            open_now=any(o <= clock < c for o, c in spans),
            opens_at=next((o for o, _ in spans if o > clock), None)))
    return lines


# --- what the back office changes -----------------------------------------------------------

class CatalogueRefused(DomainError):
    """A change the catalogue's rules refuse; `field` names the form field it is about."""
    status = 422

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def add_queue(session, mpp, letter, name):
    if any(q.letter == letter for q in mpp.queues):
        raise CatalogueRefused(_l("Huruf ini sudah dipakai antrean lain."), "letter")
    queue = Queue(mpp_id=mpp.id, letter=letter, name=name.strip())
    session.add(queue)
    session.flush()
    return queue


def set_counter(session, mpp, counter, number, name, queue_ids):
    """Number, name and lines of a counter of `mpp` (a new one, not yet added, or existing)."""
    if any(c.number == number and c is not counter for c in mpp.counters):
        raise CatalogueRefused(_l("Nomor loket ini sudah dipakai."), "number")
    counter.mpp_id = mpp.id
    counter.number = number
    counter.name = (name or "").strip()
    counter.queues = [q for q in mpp.queues if q.id in set(queue_ids)]
    session.add(counter)
    session.flush()
    return counter


def add_offering(session, mpp, service):
    """Offer a national service at `mpp`, in the line its agency already has there (if any)."""
    line = next((o.queue for o in mpp.offerings
                 if o.service.agency_id == service.agency_id and o.queue), None)
    offering = Offering(mpp_id=mpp.id, service_id=service.id, queue=line, bookable=False,
                        notes="")
    session.add(offering)
    session.flush()
    return offering


def add_agency(session, name, short_name, website=None):
    slug = slugify(short_name)
    if not slug or session.scalar(select(Agency.id).where(Agency.slug == slug)):
        raise CatalogueRefused(_l("Sudah ada instansi dengan nama singkat ini."), "short_name")
    agency = Agency(slug=slug, name=name.strip(), short_name=short_name.strip(),
                    website=website or None)
    session.add(agency)
    session.flush()
    return agency


def set_service(service, values):
    """The public components of a service standard from `values` (lists as lists)."""
    for name, value in values.items():
        setattr(service, name, value.strip() if isinstance(value, str) else value)
    service.duration_unit = DurationUnit(service.duration_unit)
    service.online_mode = OnlineMode(service.online_mode)
    service.name_en = service.name_en or None
    service.online_url = service.online_url or None


def add_service(session, agency_id, values):
    slug = slugify(values["name"])[:80]
    if not slug or session.scalar(select(Service.id).where(Service.slug == slug)):
        raise CatalogueRefused(_l("Sudah ada layanan dengan nama ini."), "name")
    service = Service(slug=slug, agency_id=agency_id)
    set_service(service, values)
    session.add(service)
    session.flush()
    return service
