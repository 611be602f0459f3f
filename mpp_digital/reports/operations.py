"""A hall's month (or any period) from its ticket events; the public "best time to come"."""
from dataclasses import dataclass, field
from datetime import date, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from ..catalogue.models import Mpp, Province, Queue, Region
from ..catalogue.operations import offering_hours
from ..queue.models import EventKind, Ticket, TicketEvent, TicketStatus
from ..survey import operations as survey
from .stats import Summary, grouped, summarise


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
    """Every ticket of the period (local days, inclusive), at the given halls or at all."""
    called = func.min(case((TicketEvent.kind == EventKind.CALLED, TicketEvent.at)))
    started = func.min(case((TicketEvent.kind == EventKind.STARTED, TicketEvent.at)))
    finished = func.max(case((TicketEvent.kind == EventKind.FINISHED, TicketEvent.at)))
    halls = (select(Queue.id, Queue.mpp_id, Province.timezone).join(Queue.mpp)
             .join(Mpp.region).join(Region.province))
    if mpp_ids is not None:
        halls = halls.where(Queue.mpp_id.in_(mpp_ids))
    line_of = {queue_id: (mpp_id, ZoneInfo(tz)) for queue_id, mpp_id, tz in session.execute(halls)}
    if not line_of:
        return []
    query = (select(Ticket.issued_queue_id, Ticket.day, Ticket.arrived_at,
                    Ticket.due_at.is_not(None), Ticket.status, called, started, finished)
             .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
             .where(Ticket.day.between(start, end))
             .group_by(Ticket.id))
    if mpp_ids is not None:
        query = query.where(Ticket.issued_queue_id.in_(list(line_of)))
    result = []
    for queue_id, day, arrived, booked, status, called_at, started_at, finished_at in \
            session.execute(query).yield_per(20_000):
        mpp_id, zone = line_of[queue_id]
        local = arrived.replace(tzinfo=timezone.utc).astimezone(zone)
        began = started_at or called_at
        result.append(Visit(
            mpp_id, queue_id, day, day.isoweekday(), local.hour, bool(booked),
            status == TicketStatus.NO_SHOW,
            (called_at - arrived).total_seconds() if called_at else None,
            (finished_at - began).total_seconds() if finished_at and began else None))
    return result


@dataclass
class Report:
    mpp: Mpp
    start: date
    end: date
    total: Summary
    by_day: dict                   # date → Summary (days with visits)
    by_queue: list                 # [(Queue, Summary)]
    by_hour: dict                  # local hour → Summary
    ikm: object = None             # survey.ikm.Ikm or None
    comments: list = field(default_factory=list)  # the latest survey comments, newest first
    days: list = field(default_factory=list)     # every day of the period, for the chart

    def day_rows(self):
        return [(day, self.by_day.get(day, Summary())) for day in self.days]


def hall_report(session, mpp, start, end):
    seen = visits(session, start, end, [mpp.id])
    queues = {q.id: q for q in mpp.queues}
    by_queue = grouped(seen, lambda v: v.queue_id)
    return Report(
        mpp=mpp, start=start, end=end, total=summarise(seen),
        by_day=grouped(seen, lambda v: v.day),
        by_queue=[(queues[qid], summary) for qid, summary in by_queue.items()],
        by_hour=grouped(seen, lambda v: v.hour),
        ikm=survey.index_of(session, mpp_id=mpp.id, start=start, end=end),
        comments=survey.comments(session, limit=30, mpp_id=mpp.id, start=start, end=end),
        days=[start + timedelta(days=n) for n in range((end - start).days + 1)])


def national_report(session, start, end):
    """{mpp_id: Summary} for every hall with visits in the period."""
    return grouped(visits(session, start, end), lambda v: v.mpp_id)


# --- the public "best time to come" ----------------------------------------------------------

@dataclass
class LineTimes:
    queue: Queue
    median_wait: dict          # (weekday, hour) → median wait in seconds
    best: tuple | None         # (weekday, hour) with the shortest median wait
    weekdays: list             # the days of the week with visits (ISO numbers), in order
    hours: list                # the hours of the day with visits, in order
    served: int = 0            # (weekday, hour) cells in which the line is served
    thin: bool = False         # fewer than half of those have enough visits to tell


def served_cells(mpp, queue):
    """(ISO weekday, hour) cells when `queue` is served: some offering of the line is open at
    the start of that hour under today's schedule (an agency's own days and hours count)."""
    cells = set()
    for offering in mpp.offerings:
        if offering.queue_id != queue.id:
            continue
        for interval in offering_hours(offering):
            cells.update((interval.weekday, hour) for hour in range(24)
                         if interval.opens_at <= time(hour) < interval.closes_at)
    return cells


def best_times(session, mpp, today, weeks=8, minimum=5):
    """Typical waiting per weekday and hour for each line, over the last `weeks` weeks.

    Only hours when the line is served now and that had at least `minimum` visits are shown:
    a median of two is not "typical", and an hour the agency has left is no advice.
    """
    start = today - timedelta(weeks=weeks)
    seen = [v for v in visits(session, start, today - timedelta(days=1), [mpp.id])
            if v.wait is not None]
    lines = []
    for queue in mpp.queues:
        cells = grouped([v for v in seen if v.queue_id == queue.id],
                        lambda v: (v.weekday, v.hour))
        served = served_cells(mpp, queue)
        median = {key: s.wait_p50 for key, s in cells.items()
                  if s.visits >= minimum and key in served}
        if not median:
            continue
        best = min(median, key=lambda key: (median[key], key))
        lines.append(LineTimes(queue, median, best, sorted({d for d, _ in median}),
                               sorted({h for _, h in median}), served=len(served),
                               thin=len(median) * 2 < len(served)))
    return lines, start
