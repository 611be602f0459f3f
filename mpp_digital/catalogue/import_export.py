"""Import and export of the catalogue: rows of (MPP, agency, service standard, offering), as
CSV or JSON files read by `flask catalogue import` and written by `flask catalogue export`.

An import is all or nothing: every row is checked against the schema and the database first
(`validate_rows`), and a file with any bad row changes nothing.
"""
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import DomainError, NotFound
from .models import Agency, Mpp, Offering, Queue, Service
from .operations import intervals, opening_hours
from .schedule import format_hours, parse_hours
from .schemas import OFFERING_FIELDS, SERVICE_FIELDS, OfferingRowSchema


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    services_created: int = 0
    services_updated: int = 0
    agencies_created: int = 0

    @property
    def changed(self):
        return bool(self.created or self.updated or self.services_created
                    or self.services_updated or self.agencies_created)


class ImportRejected(DomainError):
    """A file with bad rows: nothing of it is imported."""
    status = 422

    def __init__(self, errors):
        self.errors = errors                      # [(row label, message), …]
        super().__init__("; ".join(f"{where}: {msg}" for where, msg in errors))


def _flatten(messages, prefix=""):
    """marshmallow's nested error dict as "field: message" lines."""
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        else:
            yield f"{name}: {' '.join(str(v) for v in value)}"


def validate_rows(session, numbered_rows):
    """Check every (label, raw row) against the schema and the database; raise on any error."""
    schema = OfferingRowSchema()
    errors, rows = [], []
    mpps = {m.slug: m for m in session.scalars(select(Mpp))}
    agencies = set(session.scalars(select(Agency.slug)))
    seen_offerings, service_text = {}, {}
    for label, raw in numbered_rows:
        try:
            row = schema.load(raw)
        except ValidationError as exc:
            errors.extend((label, line) for line in _flatten(exc.messages))
            continue
        problems = []
        if row["mpp"] not in mpps:
            problems.append(f"mpp: MPP '{row['mpp']}' tidak dikenal.")
        if row["agency"] not in agencies and not (row["agency_name"]
                                                  and row["agency_short_name"]):
            problems.append(f"agency: instansi '{row['agency']}' belum ada; isi agency_name "
                            "dan agency_short_name untuk menambahkannya.")
        key = (row["mpp"], row["service"])
        if key in seen_offerings:
            problems.append(f"service: '{row['service']}' untuk MPP ini sudah ada di "
                            f"{seen_offerings[key]}.")
        national = (row["agency"], *(row[f] for f in SERVICE_FIELDS))
        first = service_text.setdefault(row["service"], (label, national))
        if first[1] != national:
            problems.append(f"service: '{row['service']}' dijelaskan berbeda dengan {first[0]}; "
                            "standar layanan nasional harus sama di setiap baris.")
        seen_offerings.setdefault(key, label)
        errors.extend((label, p) for p in problems)
        rows.append(row)
    if errors:
        raise ImportRejected(errors)
    return rows


def import_rows(session, numbered_rows):
    """Validate all rows, then add or update agencies, services and offerings. Flushes only."""
    rows = validate_rows(session, numbered_rows)
    result = ImportResult()
    mpps = {m.slug: m for m in session.scalars(select(Mpp))}
    for row in rows:
        agency = _upsert_agency(session, row, result)
        service = _upsert_service(session, row, agency, result)
        _upsert_offering(session, row, mpps[row["mpp"]], service, result)
    session.flush()
    return result


def _upsert_agency(session, row, result):
    agency = session.scalar(select(Agency).where(Agency.slug == row["agency"]))
    if agency is None:
        agency = Agency(slug=row["agency"], name=row["agency_name"],
                        short_name=row["agency_short_name"])
        session.add(agency)
        result.agencies_created += 1
    return agency


def _assign(obj, values):
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert_service(session, row, agency, result):
    values = {f: row[f] for f in SERVICE_FIELDS}
    service = session.scalar(select(Service).where(Service.slug == row["service"]))
    if service is None:
        service = Service(slug=row["service"], agency=agency, **values)
        session.add(service)
        session.flush()
        result.services_created += 1
    elif _assign(service, {"agency": agency, **values}):
        result.services_updated += 1
    return service


def _queue(session, mpp, letter, agency):
    if letter is None:
        return None
    queue = session.scalar(select(Queue).where(Queue.mpp_id == mpp.id, Queue.letter == letter))
    if queue is None:
        queue = Queue(mpp=mpp, letter=letter, name=agency.short_name)
        session.add(queue)
        session.flush()
    return queue


def _upsert_offering(session, row, mpp, service, result):
    values = {f: row[f] for f in OFFERING_FIELDS}
    values["queue"] = _queue(session, mpp, row["queue"], service.agency)
    offering = session.scalar(select(Offering).where(Offering.mpp_id == mpp.id,
                                                     Offering.service_id == service.id))
    wanted_hours = parse_hours(row["hours"])
    if offering is None:
        offering = Offering(mpp=mpp, service=service, **values)
        offering.hours = opening_hours(wanted_hours)
        session.add(offering)
        result.created += 1
        return
    changed = _assign(offering, values)
    if sorted(intervals(offering.hours)) != wanted_hours:
        offering.hours = opening_hours(wanted_hours)
        changed = True
    if changed:
        result.updated += 1
    else:
        result.unchanged += 1


def export_rows(session, mpp_slug=None):
    """Every offering (of one MPP, or all) as catalogue rows, the format import reads."""
    query = (select(Offering).join(Offering.mpp).join(Offering.service)
             .options(selectinload(Offering.mpp), selectinload(Offering.queue),
                      selectinload(Offering.hours),
                      selectinload(Offering.service).selectinload(Service.agency))
             .order_by(Mpp.slug, Service.slug))
    if mpp_slug:
        if session.scalar(select(Mpp.id).where(Mpp.slug == mpp_slug)) is None:
            raise NotFound(f"MPP '{mpp_slug}' tidak dikenal.")
        query = query.where(Mpp.slug == mpp_slug)
    for offering in session.scalars(query):
        service = offering.service
        yield {
            "mpp": offering.mpp.slug,
            "agency": service.agency.slug,
            "agency_name": service.agency.name,
            "agency_short_name": service.agency.short_name,
            "service": service.slug,
            **{f: getattr(service, f) for f in SERVICE_FIELDS},
            "duration_unit": service.duration_unit.value,
            "online_mode": service.online_mode.value,
            "queue": offering.queue.letter if offering.queue else None,
            **{f: getattr(offering, f) for f in OFFERING_FIELDS},
            "hours": format_hours(intervals(offering.hours)),
        }
