"""Slots as plain data: a day's schedule cut into slots, with the online share of the seats.

Times here are wall-clock times in the MPP's own zone; the caller turns them into UTC.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: datetime          # local, naive
    ends_at: datetime
    seats: int                   # all seats of the slot
    online: int                  # the seats offered for online booking


def day_plan(day, spans, slot_minutes, seats_per_slot, daily_quota=None, walkin_share=0):
    """Cut the day's opening spans into slots and decide how many seats go online.

    The day's seats are capped by the daily quota; `walkin_share` percent of them is held back
    for walk-ins and priority visitors, spread evenly over the day so that every hour keeps
    some room at the counter.
    """
    length = timedelta(minutes=slot_minutes)
    starts = []
    for opens, closes in spans:
        start, end = datetime.combine(day, opens), datetime.combine(day, closes)
        while start + length <= end:
            starts.append(start)
            start += length
    if not starts:
        return []
    seats = [seats_per_slot] * len(starts)
    total = len(starts) * seats_per_slot
    if daily_quota is not None and daily_quota < total:
        _hold_back_evenly(seats, total - daily_quota)
        total = daily_quota
    online = list(seats)
    _hold_back_evenly(online, total - (total * (100 - walkin_share)) // 100)
    return [PlannedSlot(start, start + length, s, o)
            for start, s, o in zip(starts, seats, online)]


def _hold_back_evenly(seats, count):
    """Take `count` seats away, spread over the slots (never below zero)."""
    n = len(seats)
    taken = 0
    for i in range(n):
        due = (i + 1) * count // n
        take = min(due - taken, seats[i])
        seats[i] -= take
        taken += take
    for i in range(n):                     # what rounding left over, from the end
        if taken >= count:
            break
        take = min(count - taken, seats[n - 1 - i])
        seats[n - 1 - i] -= take
        taken += take


def bookable(slot_start_utc, now_utc, cutoff_minutes):
    """A slot can still be booked until `cutoff_minutes` before it starts."""
    return slot_start_utc - timedelta(minutes=cutoff_minutes) > now_utc
