"""API clients: the partners (national portal, call centre) allowed to book through the API.

A key is shown once when the client is made: "mpp_<prefix>_<secret>". The database keeps the
prefix, to find the client, and the SHA-256 of the whole key, to check it (a key is 32 random
bytes, so a fast hash is enough). A client books only at its halls, under its own rate limit,
and its Idempotency-Keys are its own. Creating and revoking are audited.
"""
import hashlib
import hmac
import secrets

from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy import select

from ..clock import utc
from ..errors import DomainError
from .models import ApiClient
from .operations import audit

KEY_PREFIX = "mpp_"


class ApiClientRefused(DomainError):
    status = 422


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_client(session, name, mpps, all_mpps, rate_limit, actor, now):
    """A new client and its key (returned once, never stored)."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ApiClientRefused(_l("Tulis nama mitra (paling banyak 120 karakter)."))
    try:
        parse_many(rate_limit)
    except ValueError:
        raise ApiClientRefused(_l("Tulis batas seperti 60 per minute;2000 per hour.")) from None
    if not all_mpps and not mpps:
        raise ApiClientRefused(_l("Pilih MPP, atau centang Semua MPP."))
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    client = ApiClient(name=name, key_prefix=prefix, key_hash=_digest(key), all_mpps=all_mpps,
                       rate_limit=rate_limit, mpps=[] if all_mpps else list(mpps),
                       created_at=utc(now), created_by_id=actor.id if actor else None)
    session.add(client)
    session.flush()
    audit(session, actor, now, "api_client.add", client.id,
          after={"name": name, "all_mpps": all_mpps, "rate_limit": rate_limit,
                 "mpps": [m.slug for m in client.mpps]}, mpp_id=None)
    return client, key


def revoke_api_client(session, client, actor, now):
    if client.revoked_at is not None:
        return
    client.revoked_at = utc(now)
    audit(session, actor, now, "api_client.revoke", client.id,
          before={"name": client.name}, after={"revoked": True}, mpp_id=None)


def client_for_key(session, key):
    """The active client whose key this is, or None (the same for every kind of mismatch)."""
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    prefix, _, secret = key[len(KEY_PREFIX):].partition("_")
    if not prefix or not secret:
        return None
    client = session.scalar(select(ApiClient).where(ApiClient.key_prefix == prefix))
    if client is None or not client.is_active \
            or not hmac.compare_digest(client.key_hash, _digest(key)):
        return None
    return client
