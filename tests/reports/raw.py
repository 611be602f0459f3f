"""The reference the reports are checked against: statistics of the raw times, computed the
plain way (sort, take the nearest rank), and the whole minute a report shows for a time."""
import math


def percentile(values, p):
    """The nearest-rank percentile: the smallest value with at least p % at or below it; None
    for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def to_minute(seconds):
    """What a report shows for a time: rounded up to its whole minute (reports/stats.py)."""
    return None if seconds is None else 60 * math.ceil(seconds / 60)
