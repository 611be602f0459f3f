"""Enrolled devices: a hall's kiosk gets its powers from a manager, never from being a browser.

A manager names a device in the back office and gets a one-time code; typed on the device
within ENROLMENT_MINUTES it becomes a long-lived cookie holding the device's id and a secret
(the database keeps only the secret's SHA-256). Revoking ends the device's powers at its next
request. Enrolment, claiming and revoking are audited.

The operations take the session and `now`; `current_device()` and `remember()` are the
request-side loader and cookie writer, like Flask-Login's user loader.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..clock import utc
from ..errors import DomainError
from ..validation import CODE_ALPHABET, parse_id
from .models import Device, DeviceKind
from .operations import audit

COOKIE = "mpp_perangkat"
CODE_LENGTH = 8
ENROLMENT_MINUTES = 30
COOKIE_YEARS = 5


class DeviceRefused(DomainError):
    status = 409


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(text):
    return "".join(ch for ch in (text or "").upper() if ch in CODE_ALPHABET)


def add_device(session, mpp, name, kind, actor, now):
    """A new device of `mpp` and its one-time enrolment code (shown once, kept hashed)."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    device = Device(mpp_id=mpp.id, kind=DeviceKind(kind), name=name.strip(),
                    enrol_code_hash=_digest(code),
                    enrol_expires_at=utc(now + timedelta(minutes=ENROLMENT_MINUTES)),
                    created_at=utc(now), created_by_id=actor.id if actor else None)
    session.add(device)
    session.flush()
    audit(session, actor, now, "device.add", device.id,
          after={"name": device.name, "kind": device.kind.value}, mpp_id=mpp.id)
    return device, code


def claim_enrolment(session, code, now):
    """The device whose unexpired code this is, now enrolled; returns (device, cookie value).

    The code works once: the guarded update that swaps it for the token decides.
    """
    refused = DeviceRefused(_l("Kode pendaftaran tidak berlaku. Minta kode baru kepada "
                               "pengelola MPP."))
    code = normalise_code(code)
    digest = _digest(code) if len(code) == CODE_LENGTH else None
    device = session.scalar(select(Device).where(Device.enrol_code_hash == digest)) \
        if digest else None
    if device is None or device.revoked_at is not None \
            or device.enrol_expires_at < utc(now):
        raise refused
    secret = secrets.token_urlsafe(32)
    claimed = session.execute(
        update(Device).where(Device.id == device.id, Device.enrol_code_hash == digest)
        .values(enrol_code_hash=None, enrol_expires_at=None, token_hash=_digest(secret),
                enrolled_at=utc(now)).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise refused
    session.refresh(device)
    audit(session, None, now, "device.enrol", device.id,
          after={"name": device.name}, mpp_id=device.mpp_id)
    return device, f"{device.id}.{secret}"


def revoke_device(session, device, actor, now):
    """The device loses its powers at its next request; its row stays for the audit log."""
    if device.revoked_at is not None:
        return
    device.revoked_at = utc(now)
    device.enrol_code_hash = None
    audit(session, actor, now, "device.revoke", device.id,
          before={"name": device.name}, after={"revoked": True}, mpp_id=device.mpp_id)


def device_for(session, cookie_value):
    """The active device a cookie value names, or None."""
    device_id, _, secret = (cookie_value or "").partition(".")
    device = session.get(Device, parse_id(device_id)) if parse_id(device_id) and secret else None
    if device is None or not device.is_active \
            or not hmac.compare_digest(device.token_hash, _digest(secret)):
        return None
    return device


# --- request side ---------------------------------------------------------------------------

def current_device(session):
    """The enrolled device this request comes from, or None (read once per request)."""
    if "device" not in g:
        g.device = device_for(session, request.cookies.get(COOKIE))
    return g.device


def remember(response, cookie_value):
    response.set_cookie(COOKIE, cookie_value, max_age=COOKIE_YEARS * 365 * 24 * 3600,
                        httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
