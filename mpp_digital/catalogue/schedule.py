"""Opening hours as plain data: parse, print, group by week and decide a day. No database."""
import re
from dataclasses import dataclass
from datetime import date, time

_DAY_RANGE = re.compile(r"^([1-7])(?:-([1-7]))?$")
_INTERVAL = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])"
                       r"-([01]?[0-9]|2[0-4])[:.]([0-5][0-9])$")


@dataclass(frozen=True, order=True)
class Interval:
    """One opening interval on one ISO weekday (1 = Monday)."""
    weekday: int
    opens_at: time
    closes_at: time


class HoursSyntaxError(ValueError):
    pass


def parse_hours(text):
    """Read "1-4 08:00-15:00; 5 08:00-11:30" (ISO weekdays) into sorted Intervals.

    Several intervals for one day may be given ("1 08:00-12:00; 1 13:00-15:00");
    an empty text means no hours of its own.
    """
    intervals = set()
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        pieces = part.split()
        if len(pieces) != 2:
            raise HoursSyntaxError(part)
        days, span = pieces
        day_match, span_match = _DAY_RANGE.match(days), _INTERVAL.match(span)
        if not day_match or not span_match:
            raise HoursSyntaxError(part)
        first = int(day_match.group(1))
        last = int(day_match.group(2) or first)
        h1, m1, h2, m2 = (int(g) for g in span_match.groups())
        if (h2, m2) > (24, 0) or (h2 == 24 and m2):
            raise HoursSyntaxError(part)
        opens_at = time(h1, m1)
        closes_at = time(23, 59) if h2 == 24 else time(h2, m2)
        if first > last or opens_at >= closes_at:
            raise HoursSyntaxError(part)
        intervals.update(Interval(day, opens_at, closes_at) for day in range(first, last + 1))
    return sorted(intervals)


def format_hours(intervals):
    """The inverse of parse_hours: consecutive days with the same hours become one range."""
    parts = []
    for days, spans in group_week(intervals):
        label = str(days[0]) if len(days) == 1 else f"{days[0]}-{days[-1]}"
        parts.extend(f"{label} {o:%H:%M}-{c:%H:%M}" for o, c in spans)
    return "; ".join(parts)


def _spans_by_day(intervals):
    by_day = {}
    for iv in sorted(intervals):
        by_day.setdefault(iv.weekday, []).append((iv.opens_at, iv.closes_at))
    return by_day


def group_week(intervals):
    """[(consecutive ISO weekdays, [(opens, closes), …]), …] merging days with equal hours."""
    by_day = _spans_by_day(intervals)
    groups = []
    for day in sorted(by_day):
        if groups and groups[-1][0][-1] == day - 1 and groups[-1][1] == by_day[day]:
            groups[-1][0].append(day)
        else:
            groups.append(([day], by_day[day]))
    return groups


def group_by_hours(intervals):
    """[(ISO weekdays, [(opens, closes), …]), …]: days with identical hours together, for people.

    Unlike group_week the days need not be consecutive: Monday and Wednesday mornings read as
    one line.
    """
    groups = {}
    for day, spans in _spans_by_day(intervals).items():
        groups.setdefault(tuple(spans), []).append(day)
    return sorted(((days, list(spans)) for spans, days in groups.items()),
                  key=lambda group: group[0][0])


def effective_hours(mpp_intervals, offering_intervals):
    """An offering's own hours replace the MPP's; without its own it follows the MPP."""
    return list(offering_intervals) or list(mpp_intervals)


@dataclass(frozen=True)
class DayStatus:
    """What one calendar day looks like at a hall: its intervals, or why it is closed."""
    day: date
    spans: tuple
    closed_because: str | None = None

    @property
    def is_open(self):
        return bool(self.spans)


def day_status(day, intervals, closures=(), holiday_name=None):
    """Open intervals of `day`, unless a holiday or a closure (start, end, reason) shuts it."""
    if holiday_name:
        return DayStatus(day, (), holiday_name)
    for starts_on, ends_on, reason in closures:
        if starts_on <= day <= ends_on:
            return DayStatus(day, (), reason)
    spans = tuple((iv.opens_at, iv.closes_at) for iv in sorted(intervals)
                  if iv.weekday == day.isoweekday())
    return DayStatus(day, spans)
