"""The one clock: what time it is, stored as UTC and shown in the hall's own zone.

Views and commands take "now" from `now()`; operations receive it as an argument. A test sets
the time for the whole app with `app.config["CLOCK"]` (an aware datetime, or a function that
returns one).
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def now():
    """The current time, timezone-aware in UTC."""
    fixed = current_app.config.get("CLOCK") if has_app_context() else None
    if fixed is None:
        return datetime.now(timezone.utc)
    return fixed() if callable(fixed) else fixed


def utc(dt):
    """A naive UTC datetime, as the database keeps them."""
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


def zone(mpp):
    return ZoneInfo(mpp.timezone)


def local_day(mpp, moment):
    """The calendar day at the hall at `moment`."""
    return moment.astimezone(zone(mpp)).date()


def to_local(mpp, naive_utc):
    """A stored (naive UTC) datetime in the hall's zone."""
    return naive_utc.replace(tzinfo=timezone.utc).astimezone(zone(mpp))
