"""The daily rollup: each line's day of visits as one row of tallies (reports/models.LineDay).

A day is rolled up once it is over at the hall: by `flask reports rollup` (nightly, and to
backfill or rebuild), and by the report pages themselves when they find a hall behind (one
indexed read when it is not). Reports read rolled days from line_day and count every later
day, today included, live from the ticket events, so a report is complete whether or not the
nightly command has run.
"""
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, case, delete, func, select, true

from ..catalogue.models import Mpp, Province, Queue, Region
from ..extensions import begin_write, upsert
from ..queue.models import EventKind, Ticket, TicketEvent, TicketStatus
from .models import LineDay, RolledUp
from .stats import Tally

# The days one query of raw events covers while rolling up (bounds the memory of a backfill).
CHUNK_DAYS = 31


@dataclass(frozen=True)
class Visit:
    """One ticket as the statistics see it; times in seconds."""
    mpp_id: int
    queue_id: int           # the line that gave the number
    day: date
    weekday: int            # ISO: 1 is Monday
    hour: int               # local hour of arrival
    booked: bool            # came with a booking (checked in at the kiosk)
    no_show: bool
    wait: float | None      # arrival → first call
    service: float | None   # start of service (or the call, if never started) → finished


def visits(session, start, end, mpp_ids=None):
    """Every ticket of the period (local days, inclusive), at the given halls or at all,
    straight from the ticket events; yields Visits."""
    called = func.min(case((TicketEvent.kind == EventKind.CALLED, TicketEvent.at)))
    started = func.min(case((TicketEvent.kind == EventKind.STARTED, TicketEvent.at)))
    finished = func.max(case((TicketEvent.kind == EventKind.FINISHED, TicketEvent.at)))
    halls = (select(Queue.id, Queue.mpp_id, Province.timezone).join(Queue.mpp)
             .join(Mpp.region).join(Region.province))
    if mpp_ids is not None:
        halls = halls.where(Queue.mpp_id.in_(mpp_ids))
    line_of = {queue_id: (mpp_id, ZoneInfo(tz)) for queue_id, mpp_id, tz in session.execute(halls)}
    if not line_of:
        return
    query = (select(Ticket.issued_queue_id, Ticket.day, Ticket.arrived_at,
                    Ticket.due_at.is_not(None), Ticket.status, called, started, finished)
             .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
             .where(Ticket.day.between(start, end))
             .group_by(Ticket.id))
    if mpp_ids is not None:
        query = query.where(Ticket.issued_queue_id.in_(list(line_of)))
    for queue_id, day, arrived, booked, status, called_at, started_at, finished_at in \
            session.execute(query).yield_per(20_000):
        mpp_id, zone = line_of[queue_id]
        local = arrived.replace(tzinfo=timezone.utc).astimezone(zone)
        began = started_at or called_at
        yield Visit(
            mpp_id, queue_id, day, day.isoweekday(), local.hour, bool(booked),
            status == TicketStatus.NO_SHOW,
            (called_at - arrived).total_seconds() if called_at else None,
            (finished_at - began).total_seconds() if finished_at and began else None)


# One line's day: its Tally, and {local hour: the hour's Tally in its stored form} when
# asked for (a report adds those up with Tally.add_stored).
LineTally = namedtuple("LineTally", "mpp_id queue_id day tally hours")


def tally(seen):
    """{(mpp_id, queue_id, day): LineTally} of an iterable of Visits."""
    lines = {}
    for v in seen:
        key = (v.mpp_id, v.queue_id, v.day)
        if key not in lines:
            lines[key] = LineTally(v.mpp_id, v.queue_id, v.day, Tally(), defaultdict(Tally))
        lines[key].tally.count(v.booked, v.no_show, v.wait, v.service)
        lines[key].hours[v.hour].count(v.booked, v.no_show, v.wait, v.service)
    return lines


def _through(session, mpp_ids):
    query = select(RolledUp.mpp_id, RolledUp.through)
    if mpp_ids is not None:
        query = query.where(RolledUp.mpp_id.in_(mpp_ids))
    return dict(session.execute(query).all())


def _rolled(query, start, end, mpp_ids):
    query = (query.join(RolledUp, RolledUp.mpp_id == LineDay.mpp_id)
             .where(LineDay.day.between(start, end), LineDay.day <= RolledUp.through))
    return query if mpp_ids is None else query.where(LineDay.mpp_id.in_(mpp_ids))


def _live(session, start, end, mpp_ids, through):
    """LineTallies of the days after each hall's rolled-up ones, from the events."""
    scope = mpp_ids if mpp_ids is not None else session.scalars(select(Mpp.id)).all()
    first = max(start, min((start if through.get(m) is None else through[m] + timedelta(days=1)
                            for m in scope), default=end + timedelta(days=1)))
    if first > end:
        return []
    live = (v for v in visits(session, first, end, mpp_ids)
            if through.get(v.mpp_id) is None or v.day > through[v.mpp_id])
    return list(tally(live).values())


def line_days(session, start, end, mpp_ids=None, hours=False):
    """[LineTally] of every line-day with visits in [start, end] at the halls (all by
    default): rolled-up days from line_day, later days counted live from the events.
    `hours`: also each day's figures per hour of arrival (otherwise `hours` is None)."""
    through = _through(session, mpp_ids)
    query = _rolled(select(LineDay.mpp_id, LineDay.queue_id, LineDay.day, LineDay.visits,
                           LineDay.booked, LineDay.no_shows, LineDay.waits, LineDay.services,
                           *([LineDay.hours] if hours else [])), start, end, mpp_ids)
    result = []
    for row in session.execute(query).yield_per(20_000):
        mpp_id, queue_id, day, count, booked, no_shows, waits, services = row[:8]
        result.append(LineTally(
            mpp_id, queue_id, day,
            Tally(count, booked, no_shows, dict(map(tuple, waits)), dict(map(tuple, services))),
            {int(h): stored for h, stored in row[8].items()} if hours else None))
    for line in _live(session, start, end, mpp_ids, through):
        result.append(line._replace(hours={h: t.as_json() for h, t in line.hours.items()}
                                    if hours else None))
    return result


def hour_waits(session, start, end, mpp_id):
    """{(queue_id, ISO weekday, local hour): {minutes: visits}}: the wait histograms of one
    hall's lines by weekday and hour of arrival over [start, end]. Reads only the rolled-up
    days' hour column (not the day's own histograms) and counts later days live."""
    waits = defaultdict(dict)
    rows = session.execute(_rolled(select(LineDay.queue_id, LineDay.day, LineDay.hours),
                                   start, end, [mpp_id])).all()
    live = [(line.queue_id, line.day, {h: t.as_json() for h, t in line.hours.items()})
            for line in _live(session, start, end, [mpp_id], _through(session, [mpp_id]))]
    for queue_id, day, hours in rows + live:
        weekday = day.isoweekday()
        for hour, stored in hours.items():
            histogram = waits[(queue_id, weekday, int(hour))]
            for minutes, count in stored["w"]:
                histogram[minutes] = histogram.get(minutes, 0) + count
    return waits


def hall_tallies(session, start, end):
    """{mpp_id: Tally} of every hall over [start, end]. The database adds up the rolled-up
    days, histograms included (unnesting each day's [minutes, visits] pairs), so a year of
    every hall comes back as a few rows per hall; later days are counted live."""
    through = _through(session, None)
    halls = defaultdict(Tally)
    counts = _rolled(select(LineDay.mpp_id, func.sum(LineDay.visits), func.sum(LineDay.booked),
                            func.sum(LineDay.no_shows)), start, end, None)
    for mpp_id, count, booked, no_shows in session.execute(counts.group_by(LineDay.mpp_id)):
        halls[mpp_id].add(Tally(int(count), int(booked), int(no_shows)))
    for column, attribute in ((LineDay.waits, "waits"), (LineDay.services, "services")):
        for mpp_id, minutes, count in session.execute(_unnested(session, column, start, end)):
            histogram = getattr(halls[mpp_id], attribute)
            histogram[int(minutes)] = histogram.get(int(minutes), 0) + int(count)
    for line in _live(session, start, end, None, through):
        halls[line.mpp_id].add(line.tally)
    return halls


def _unnested(session, column, start, end):
    """(mpp_id, minutes, visits) summed over the rolled-up days of [start, end], from the
    JSON pairs in `column`, by the database's own JSON functions."""
    if session.get_bind().dialect.name == "postgresql":
        pairs = func.json_array_elements(column).table_valued("value").alias("pair")
        minutes = pairs.c.value.op("->>")(0).cast(Integer)
        count = pairs.c.value.op("->>")(1).cast(Integer)
    else:
        pairs = func.json_each(column).table_valued("value").alias("pair")
        minutes = func.json_extract(pairs.c.value, "$[0]")
        count = func.json_extract(pairs.c.value, "$[1]")
    query = _rolled(select(LineDay.mpp_id, minutes, func.sum(count)), start, end, None)
    return query.join(pairs, true()).group_by(LineDay.mpp_id, minutes)


# --- writing ----------------------------------------------------------------------------------

def roll_up(session, first, last, mpp_ids):
    """Write line_day for the halls' days in [first, last] from the events (replacing what
    was there) and mark the halls rolled up through `last`. Flushes only; the caller began
    a write (extensions.begin_write)."""
    session.execute(delete(LineDay).where(LineDay.mpp_id.in_(mpp_ids),
                                          LineDay.day.between(first, last)))
    written = 0
    chunk = first
    while chunk <= last:
        until = min(last, chunk + timedelta(days=CHUNK_DAYS - 1))
        rows = [_row(line) for line in tally(visits(session, chunk, until, mpp_ids)).values()]
        if rows:
            # An upsert: two processes catching up the same hall at once write the same rows.
            statement = upsert(session, LineDay)
            session.execute(statement.on_conflict_do_update(
                index_elements=[LineDay.queue_id, LineDay.day],
                set_={c: statement.excluded[c] for c in
                      ("visits", "booked", "no_shows", "waits", "services", "hours")}), rows)
        written += len(rows)
        chunk = until + timedelta(days=1)
    mark(session, mpp_ids, last)
    return written


def _row(line):
    stored = line.tally.as_json()
    return {"queue_id": line.queue_id, "day": line.day, "mpp_id": line.mpp_id,
            "visits": line.tally.visits, "booked": line.tally.booked,
            "no_shows": line.tally.no_shows, "waits": stored["w"], "services": stored["s"],
            "hours": {str(h): t.as_json() for h, t in sorted(line.hours.items())}}


def mark(session, mpp_ids, through):
    statement = upsert(session, RolledUp)
    session.execute(statement.on_conflict_do_update(
        index_elements=[RolledUp.mpp_id], set_={"through": statement.excluded.through},
        where=RolledUp.through < statement.excluded.through),
        [{"mpp_id": m, "through": through} for m in mpp_ids])


def forget(session, mpp_id, since):
    """Days from `since` on at the hall are to be counted again (history written into them)."""
    session.execute(delete(RolledUp).where(RolledUp.mpp_id == mpp_id,
                                           RolledUp.through >= since))


def behind(session, now, mpp_ids=None):
    """{(first, last): [mpp ids]}: the complete days (up to yesterday at each hall) not rolled
    up yet. A hall never rolled up starts at its first ticket; with none, it has nothing to
    roll up and is only marked."""
    halls = (select(Mpp.id, Province.timezone, RolledUp.through).join(Mpp.region)
             .join(Region.province).outerjoin(RolledUp, RolledUp.mpp_id == Mpp.id))
    if mpp_ids is not None:
        halls = halls.where(Mpp.id.in_(mpp_ids))
    due, new = {}, {}
    for mpp_id, zone, through in session.execute(halls):
        yesterday = now.astimezone(ZoneInfo(zone)).date() - timedelta(days=1)
        if through is None:
            new[mpp_id] = yesterday
        elif through < yesterday:
            due.setdefault((through + timedelta(days=1), yesterday), []).append(mpp_id)
    if new:
        firsts = dict(session.execute(
            select(Queue.mpp_id, func.min(Ticket.day))
            .join(Ticket, Ticket.issued_queue_id == Queue.id)
            .where(Queue.mpp_id.in_(list(new))).group_by(Queue.mpp_id)).all())
        for mpp_id, yesterday in new.items():
            first = min(firsts.get(mpp_id) or yesterday + timedelta(days=1),
                        yesterday + timedelta(days=1))
            due.setdefault((first, yesterday), []).append(mpp_id)
    return due


def catch_up(session, now, mpp_ids=None):
    """Roll up every complete day not rolled up yet at the halls (all by default). One read
    when nothing is due; otherwise begins a write and returns the line-days written (the
    caller commits)."""
    due = behind(session, now, mpp_ids)
    if not due:
        return None
    begin_write(session)
    written = 0
    for (first, last), halls in sorted(due.items()):
        if first <= last:
            written += roll_up(session, first, last, halls)
        else:
            mark(session, halls, last)
    return written
