"""Pure statistics over visits: tallies in whole-minute buckets, percentiles, summaries.

A report never needs the single visits, only how many waited each whole number of minutes:
a `Tally` keeps the counts and the wait and service-time histograms of a group of visits (a
line's day, an hour …), adds up with other tallies, and is what the daily rollup stores.

The histograms' bucket is one minute, each time rounded *up* to its whole minute (5 min 01 s
counts as 6). Rounding up is monotone, so the nearest-rank percentile of the tally is exactly
the raw percentile rounded up to the minute: a report from tallies is never more than a minute
above one from the raw times, never below it, and "90 % waited at most 23 minutes" stays true.
"""
import math
from dataclasses import dataclass, field

BUCKET_SECONDS = 60


def rank(p, count):
    """The nearest rank of the p-th percentile among `count` ordered values (1-based)."""
    return max(1, -(-p * count // 100))


def bucket(seconds):
    """The whole minutes that cover `seconds` (rounded up; never below zero)."""
    return max(0, math.ceil(seconds / BUCKET_SECONDS))


def histogram_percentile(histogram, p):
    """The nearest-rank percentile, in seconds, of a {minutes: count} histogram, or None."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted, seen = rank(p, total), 0
    for minutes in sorted(histogram):
        seen += histogram[minutes]
        if seen >= wanted:
            return minutes * BUCKET_SECONDS
    raise AssertionError("unreachable: the counts add up to the total")


@dataclass
class Summary:
    """Counts and times of a group of visits (a day, a line, an hour …); times in seconds."""
    visits: int = 0
    booked: int = 0
    no_shows: int = 0
    wait_p50: float | None = None
    wait_p90: float | None = None
    service_p50: float | None = None
    service_p90: float | None = None

    @property
    def walk_ins(self):
        return self.visits - self.booked

    @property
    def no_show_rate(self):
        """The share of visitors called who did not come to the counter."""
        return self.no_shows / self.visits if self.visits else None


@dataclass
class Tally:
    """Visits, bookings, no-shows and the minute histograms of waits and service times."""
    visits: int = 0
    booked: int = 0
    no_shows: int = 0
    waits: dict = field(default_factory=dict)       # whole minutes → visits
    services: dict = field(default_factory=dict)

    def count(self, booked, no_show, wait, service):
        """Add one visit (times in seconds, None when it has none)."""
        self.visits += 1
        self.booked += bool(booked)
        self.no_shows += bool(no_show)
        if wait is not None:
            minutes = bucket(wait)
            self.waits[minutes] = self.waits.get(minutes, 0) + 1
        if service is not None:
            minutes = bucket(service)
            self.services[minutes] = self.services.get(minutes, 0) + 1
        return self

    def add(self, other):
        self.visits += other.visits
        self.booked += other.booked
        self.no_shows += other.no_shows
        _merge(self.waits, other.waits.items())
        _merge(self.services, other.services.items())
        return self

    def add_stored(self, stored):
        """Add a tally in its stored form (as_json), without building it first."""
        self.visits += stored["v"]
        self.booked += stored["b"]
        self.no_shows += stored["n"]
        _merge(self.waits, stored["w"])
        _merge(self.services, stored["s"])
        return self

    def summary(self):
        return Summary(
            visits=self.visits, booked=self.booked, no_shows=self.no_shows,
            wait_p50=histogram_percentile(self.waits, 50),
            wait_p90=histogram_percentile(self.waits, 90),
            service_p50=histogram_percentile(self.services, 50),
            service_p90=histogram_percentile(self.services, 90))

    def as_json(self):
        """The stored form: counts, and each histogram as [[minutes, visits], …] in order."""
        return {"v": self.visits, "b": self.booked, "n": self.no_shows,
                "w": pairs(self.waits), "s": pairs(self.services)}


def pairs(histogram):
    return [[minutes, histogram[minutes]] for minutes in sorted(histogram)]


def _merge(histogram, items):
    for minutes, count in items:
        histogram[minutes] = histogram.get(minutes, 0) + count


def summaries(tallies):
    """{key: Summary} of a {key: Tally}, keys in order."""
    return {key: tallies[key].summary() for key in sorted(tallies)}
