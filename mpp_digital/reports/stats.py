"""Pure statistics over visits: percentiles and the summaries a report shows."""
import math
from dataclasses import dataclass


def percentile(values, p):
    """The nearest-rank percentile (the smallest value with at least p % at or below it).

    Always one of the observed values, so "90 % waited at most 23 minutes" is literally true.
    None for no values.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


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


def summarise(visits):
    """A Summary of `visits`, each with .booked, .no_show, .wait and .service (or None)."""
    waits = [v.wait for v in visits if v.wait is not None]
    services = [v.service for v in visits if v.service is not None]
    return Summary(
        visits=len(visits), booked=sum(v.booked for v in visits),
        no_shows=sum(v.no_show for v in visits),
        wait_p50=percentile(waits, 50), wait_p90=percentile(waits, 90),
        service_p50=percentile(services, 50), service_p90=percentile(services, 90))


def grouped(visits, key):
    """{key: Summary} over the visits, keys in order."""
    groups = {}
    for visit in visits:
        groups.setdefault(key(visit), []).append(visit)
    return {k: summarise(groups[k]) for k in sorted(groups)}
