"""Past traffic for a hall: a realistic month (or year) of tickets and their events.

For the demo (so that reports and "best time to come" have something to show on first
start), for the report tests (which compare the report against the ledger returned here) and
for bench/reports.py. Everything is drawn from the `rng` given, so a seed gives the same month.

The demand mix follows Kota Kediri's first weeks and MPP Pandeglang's first month
(reference/domain.md): Disdukcapil by far the largest, then DPMPTSP, Samsat, Imigrasi, banks.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from ..catalogue.models import Agency, Offering, Service
from ..catalogue.operations import closures_for, intervals, public_holiday
from ..catalogue.schedule import day_status
from ..queue.models import EventKind, Ticket, TicketEvent, TicketNumber, TicketStatus
from . import rollup

# Share of visitors by agency (slug) and typical minutes at the counter.
DEMAND = {"disdukcapil": 36, "dpmptsp": 18, "samsat": 14, "imigrasi": 10, "bank-daerah": 7}
OTHER_DEMAND = 3
SERVICE_MINUTES = {"disdukcapil": 7, "dpmptsp": 12, "samsat": 6, "imigrasi": 15,
                   "bank-daerah": 5}
OTHER_MINUTES = 10
# Arrivals by hour after opening: the morning rush, a lull at midday.
RUSH = (5, 6, 4, 3, 2, 2, 1, 1, 1)


@dataclass(frozen=True)
class Generated:
    """What the generator decided for one visit: the answer a report must find."""
    queue_id: int
    day: object
    arrived: datetime            # naive UTC
    hour: int                    # local hour of arrival
    booked: bool
    no_show: bool
    wait: int                    # seconds to the first call
    service: int | None          # seconds at the counter, None for a no-show


def _agency_of_queue(session, mpp):
    rows = session.execute(
        select(Offering.queue_id, Agency.slug).join(Offering.service).join(Service.agency)
        .where(Offering.mpp_id == mpp.id, Offering.queue_id.is_not(None))).all()
    return dict(rows)


def plan(session, mpp, first_day, last_day, rng, per_day=150, booked_share=0.25,
         no_show_share=0.08):
    """The visits of each open day in [first_day, last_day], not yet written."""
    zone = ZoneInfo(mpp.timezone)
    agency = _agency_of_queue(session, mpp)
    queues = [q for q in mpp.queues if q.id in agency]
    weights = [DEMAND.get(agency[q.id], OTHER_DEMAND) for q in queues]
    week = intervals(mpp.hours)
    closures = closures_for(session, mpp, first_day, last_day)
    visits = []
    day = first_day
    while day <= last_day:
        status = day_status(day, week, closures, public_holiday(day))
        if status.spans:
            visits += _day(day, status.spans, zone, queues, weights, agency, rng,
                           per_day, booked_share, no_show_share)
        day += timedelta(days=1)
    return visits


def _day(day, spans, zone, queues, weights, agency, rng, per_day, booked_share,
         no_show_share):
    opens = min(o for o, _ in spans)
    closes = max(c for _, c in spans)
    hours = list(range(opens.hour, closes.hour + (1 if closes.minute else 0)))
    rush = [RUSH[min(i, len(RUSH) - 1)] for i in range(len(hours))]
    count = max(1, round(per_day * rng.uniform(0.8, 1.2)))
    visits = []
    for queue in rng.choices(queues, weights, k=count):
        hour = rng.choices(hours, rush)[0]
        start = max(datetime.combine(day, time(hour)), datetime.combine(day, opens))
        end = min(datetime.combine(day, time(hour)) + timedelta(hours=1),
                  datetime.combine(day, closes))
        if end <= start:
            continue
        local = start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))
        arrived = local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        busy = rush[hours.index(hour)] / max(rush)
        minutes = SERVICE_MINUTES.get(agency[queue.id], OTHER_MINUTES)
        wait = int(60 * minutes * (1 + 4 * busy) * rng.uniform(0.4, 1.6))
        no_show = rng.random() < no_show_share
        service = None if no_show else int(60 * minutes * rng.uniform(0.5, 1.8))
        visits.append(Generated(queue.id, day, arrived, local.hour,
                                rng.random() < booked_share, no_show, wait, service))
    return visits


def write(session, mpp, visits, rng):
    """Write the planned visits as tickets, numbers and events (one bulk insert each);
    returns [(ticket id, visit)].

    The days must have no tickets yet: history is written before the hall opens, not into it.
    """
    counters = {}
    for counter in mpp.counters:
        for queue in counter.queues:
            counters.setdefault(queue.id, counter.id)
    ordered = sorted(visits, key=lambda v: (v.queue_id, v.day, v.arrived))
    numbers, rows = {}, []
    for visit in ordered:
        key = (visit.queue_id, visit.day)
        numbers[key] = numbers.get(key, 0) + 1
        rows.append({
            "issued_queue_id": visit.queue_id, "queue_id": visit.queue_id, "day": visit.day,
            "number": numbers[key], "priority": False,
            "status": TicketStatus.NO_SHOW if visit.no_show else TicketStatus.DONE,
            "due_at": visit.arrived + timedelta(minutes=10) if visit.booked else None,
            "arrived_at": visit.arrived, "counter_id": counters.get(visit.queue_id),
            "recalls": 0, "token": f"{rng.getrandbits(128):032x}", "surveyed": False})
    if not rows:
        return []
    # Read the ids back by (queue, day, number) rather than RETURNING them in parameter order:
    # SQLAlchemy splices each batch's RETURNING rows onto all the earlier ones, which grows as
    # the square of the rows (24 million rows fetched for 40,000 tickets). render_nulls keeps
    # one column list for every row, so that rows with and without a due time stay one batch
    # (without it every change between them starts a new INSERT).
    session.execute(insert(Ticket).execution_options(render_nulls=True), rows)
    days = {visit.day for visit in ordered}
    numbered = {(q, d, n): ticket_id for ticket_id, q, d, n in session.execute(
        select(Ticket.id, Ticket.issued_queue_id, Ticket.day, Ticket.number)
        .where(Ticket.issued_queue_id.in_({queue for queue, _ in numbers}),
               Ticket.day >= min(days), Ticket.day <= max(days)))}
    ids = [numbered[(row["issued_queue_id"], row["day"], row["number"])] for row in rows]
    events = []
    for ticket_id, visit, row in zip(ids, ordered, rows):
        called = visit.arrived + timedelta(seconds=visit.wait)
        counter = row["counter_id"]
        events.append({"ticket_id": ticket_id, "kind": EventKind.ISSUED, "at": visit.arrived,
                       "counter_id": None})
        events.append({"ticket_id": ticket_id, "kind": EventKind.CALLED, "at": called,
                       "counter_id": counter})
        if visit.no_show:
            events.append({"ticket_id": ticket_id, "kind": EventKind.NO_SHOW,
                           "at": called + timedelta(minutes=3), "counter_id": counter})
        else:
            started = called + timedelta(seconds=60)
            events.append({"ticket_id": ticket_id, "kind": EventKind.STARTED, "at": started,
                           "counter_id": counter})
            events.append({"ticket_id": ticket_id, "kind": EventKind.FINISHED,
                           "at": started + timedelta(seconds=visit.service),
                           "counter_id": counter})
    session.execute(insert(TicketEvent).execution_options(render_nulls=True), events)
    session.execute(insert(TicketNumber), [
        {"queue_id": q, "day": d, "last": last} for (q, d), last in numbers.items()])
    rollup.forget(session, mpp.id, min(days))     # those days are to be rolled up again
    return list(zip(ids, ordered))


def generate(session, mpp, first_day, last_day, rng, **options):
    """Plan and write; returns the plan (the known answers)."""
    visits = plan(session, mpp, first_day, last_day, rng, **options)
    write(session, mpp, visits, rng)
    return visits

