"""A hall's month (or any period), every hall's year, and the public "best time to come",
all added up from the daily rollup (reports/rollup.py)."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Mpp, Offering
from ..catalogue.operations import QueueRow, offering_hours
from ..survey import operations as survey
from .rollup import hall_tallies, hour_waits, line_days
from .stats import Summary, Tally, histogram_percentile, summaries


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
    total = Tally()
    by_day, by_queue, by_hour = defaultdict(Tally), defaultdict(Tally), defaultdict(Tally)
    for line in line_days(session, start, end, [mpp.id], hours=True):
        total.add(line.tally)
        by_day[line.day].add(line.tally)
        by_queue[line.queue_id].add(line.tally)
        for hour, stored in line.hours.items():
            by_hour[hour].add_stored(stored)
    queues = {q.id: q for q in mpp.queues}
    return Report(
        mpp=mpp, start=start, end=end, total=total.summary(), by_day=summaries(by_day),
        by_queue=[(queues[qid], summary) for qid, summary in summaries(by_queue).items()],
        by_hour=summaries(by_hour),
        ikm=survey.index_of(session, mpp_id=mpp.id, start=start, end=end),
        comments=survey.comments(session, limit=30, mpp_id=mpp.id, start=start, end=end),
        days=[start + timedelta(days=n) for n in range((end - start).days + 1)])


def national_report(session, start, end):
    """{mpp_id: Summary} for every hall with visits in the period."""
    return summaries(hall_tallies(session, start, end))


# --- the public "best time to come" ----------------------------------------------------------

@dataclass
class LineTimes:
    queue: QueueRow
    median_wait: dict          # (weekday, hour) → median wait in seconds
    best: tuple | None         # (weekday, hour) with the shortest median wait
    weekdays: list             # the days of the week with visits (ISO numbers), in order
    hours: list                # the hours of the day with visits, in order
    served: int = 0            # (weekday, hour) cells in which the line is served
    thin: bool = False         # fewer than half of those have enough visits to tell

    def minutes_by_day(self):
        """[(weekday, [its median wait in minutes at each of `hours`, or None])]: the table a
        page shows, read here rather than cell by cell in the template."""
        return [(day, [minutes(self.median_wait.get((day, hour))) for hour in self.hours])
                for day in self.weekdays]


def minutes(seconds):
    """Seconds as the reports show them: minutes to one decimal (None stays None)."""
    return None if seconds is None else round(seconds / 60, 1)


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


def served_lines(session, mpp_id):
    """[(QueueRow, frozenset of served_cells())] of a hall's lines, in letter order: what the
    catalogue says of "when to come", read in a few statements (the hall's hours, lines,
    offerings and their own hours; no services), as plain data a process may keep per
    catalogue version."""
    hall = session.scalars(select(Mpp).where(Mpp.id == mpp_id).options(
        selectinload(Mpp.hours), selectinload(Mpp.queues),
        selectinload(Mpp.offerings).selectinload(Offering.hours))).one()
    return [(QueueRow(q.id, q.letter, q.name), frozenset(served_cells(hall, q)))
            for q in hall.queues]


def wait_medians(session, mpp_id, today, weeks=8):
    """{queue id: {(weekday, hour): (median wait in seconds, visits)}} of the `weeks` weeks
    up to yesterday at a hall: complete days only, so the same all day (a process may keep
    it for the day, whatever the catalogue does meanwhile)."""
    medians = defaultdict(dict)
    for (queue_id, weekday, hour), histogram in hour_waits(
            session, today - timedelta(weeks=weeks), today - timedelta(days=1), mpp_id).items():
        medians[queue_id][(weekday, hour)] = (histogram_percentile(histogram, 50),
                                              sum(histogram.values()))
    return dict(medians)


def best_times(session, mpp, today, weeks=8, minimum=5, lines=None, medians=None):
    """Typical waiting per weekday and hour for each line, over the last `weeks` weeks.

    Only hours when the line is served now and that had at least `minimum` visits are shown:
    a median of two is not "typical", and an hour the agency has left is no advice. `lines`:
    served_lines() of the hall, and `medians`: its wait_medians(), when the caller keeps them.
    """
    if medians is None:
        medians = wait_medians(session, mpp.id, today, weeks)
    found = []
    for queue, served in served_lines(session, mpp.id) if lines is None else lines:
        median = {key: wait for key, (wait, visits) in medians.get(queue.id, {}).items()
                  if visits >= minimum and key in served}
        if not median:
            continue
        best = min(median, key=lambda key: (median[key], key))
        found.append(LineTimes(queue, median, best, sorted({d for d, _ in median}),
                               sorted({h for _, h in median}), served=len(served),
                               thin=len(median) * 2 < len(served)))
    return found, today - timedelta(weeks=weeks)
