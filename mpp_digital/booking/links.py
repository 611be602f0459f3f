"""Signed links to one booking, for the messages: "Saya datang" and "Batalkan" open a page
about that booking without its code or NIK. The link names the booking's id and code, signed
with the site's secret; it works until the booked slot ends (read from the booking, so a
moved booking's link follows it), and never for another booking."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..clock import utc


def _signer(salt):
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _read(salt, token):
    """What a token signed with `salt` holds, or None for a token this site did not sign."""
    try:
        return _signer(salt).loads(token)
    except BadSignature:
        return None


def token_for(appointment):
    return _signer("booking-link").dumps([appointment.id, appointment.code])


def read_token(token):
    """(booking id, code) that a token names, or None for a token this site did not sign."""
    found = _read("booking-link", token)
    if not (isinstance(found, list) and len(found) == 2 and isinstance(found[0], int)
            and isinstance(found[1], str)):
        return None
    return tuple(found)


def still_valid(appointment, code, now):
    """The token's code is this booking's, and its slot has not ended."""
    return appointment.code == code and utc(now) < appointment.slot.ends_at


def waitlist_token(entry):
    """The link to one waitlist entry's page (its place, its offer, leaving)."""
    return _signer("waitlist").dumps(entry.id)


def read_waitlist_token(token):
    found = _read("waitlist", token)
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def visit_token(visit):
    """The link to one visit's page, named by its id and code."""
    return _signer("visit-link").dumps([visit.id, visit.code])


def read_visit_token(token):
    """(visit id, code) that a token names, or None for a token this site did not sign."""
    found = _read("visit-link", token)
    if not (isinstance(found, list) and len(found) == 2 and isinstance(found[0], int)
            and not isinstance(found[0], bool) and isinstance(found[1], str)):
        return None
    return tuple(found)
