"""When a login may be tried: failures slow down the address and the account that failed,
never the right person elsewhere.

- Per address, failures only (LOGIN_RATE_LIMIT, on the view): an address that keeps failing is
  turned away, whatever account it names.
- Per account and address (LOGIN_PAIR_LIMIT): one address cannot keep guessing one account.
- Per account (LOGIN_ACCOUNT_ALERT): once an account has failed that often from anywhere, an
  address that has failed for it even once must wait out the window; an address that has not
  failed for it still gets its try, so the owner with the right password gets in.

A correct password from an address that has not failed always succeeds.
"""
from flask import current_app

from .. import throttle

RECENT = "1 per hour"       # "this address failed for this account within the hour"


def _config(name):
    return current_app.config[name]


def _on():
    return current_app.config.get("RATELIMIT_ENABLED", True)


def wait_seconds(email, address):
    """0 when this address may try this account now; otherwise how long it must wait."""
    if not _on():
        return 0
    pair = _config("LOGIN_PAIR_LIMIT")
    if not throttle.allows(pair, "login-pair", email, address):
        return throttle.seconds_left(pair, "login-pair", email, address)
    under_attack = not throttle.allows(_config("LOGIN_ACCOUNT_ALERT"), "login-account", email)
    if under_attack and not throttle.allows(RECENT, "login-recent", email, address):
        return throttle.seconds_left(RECENT, "login-recent", email, address)
    return 0


def failed(email, address):
    if not _on():
        return
    throttle.hit(_config("LOGIN_PAIR_LIMIT"), "login-pair", email, address)
    throttle.hit(_config("LOGIN_ACCOUNT_ALERT"), "login-account", email)
    throttle.hit(RECENT, "login-recent", email, address)
