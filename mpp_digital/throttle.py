"""Counters that expire, kept where the rate limits are (RATELIMIT_STORAGE_URI): in memory for
one process, in Redis for every worker and machine at once.

Flask-Limiter caps requests per route; these count what a route cannot see on its own — a
login that failed for one account from one address, a search already counted today.
"""
import time

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "mpp_throttle"


def init_app(app):
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[EXTENSION] = MovingWindowRateLimiter(storage)


def _limiter():
    return current_app.extensions[EXTENSION]


def _keyed(identifiers):
    """Under RATELIMIT_KEY_PREFIX, like Flask-Limiter's own keys: sites (or test runs) sharing
    one Redis do not share counts."""
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "mpp", *identifiers)


def hit(limit, *identifiers):
    """Count one more; False when `limit` ("5 per 15 minutes") was already used up."""
    return _limiter().hit(parse(limit), *_keyed(identifiers))


def allows(limit, *identifiers):
    """True while `limit` is not used up; counts nothing."""
    return _limiter().test(parse(limit), *_keyed(identifiers))


def seconds_left(limit, *identifiers):
    """How long until `limit` allows one more (0 when it does now).

    Measured on the limits library's own clock (epoch seconds, as in its window stats), not
    the app's: the windows live in Redis and expire by real time."""
    stats = _limiter().get_window_stats(parse(limit), *_keyed(identifiers))
    if stats.remaining > 0:
        return 0
    return max(1, int(stats.reset_time - time.time()))


def clear(limit, *identifiers):
    _limiter().clear(parse(limit), *_keyed(identifiers))
