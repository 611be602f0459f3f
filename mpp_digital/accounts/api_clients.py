"""API clients: the partners (national portal, call centre) allowed to book through the API.

A key is shown once when the client is made: "mpp_<prefix>_<secret>". The database keeps the
prefix, to find the client, and the SHA-256 of the whole key, to check it (a key is 32 random
bytes, so a fast hash is enough). A client books only at its halls, under its own rate limit,
and its Idempotency-Keys are its own. Creating and revoking are audited.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy import bindparam, exists, select

from ..clock import utc
from ..errors import DomainError
from ..extensions import committed_connection, remember_all, remembered_memo
from .models import ApiClient, api_client_mpp
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


@dataclass(frozen=True)
class Partner:
    """An active API client as a request sees it."""
    id: int
    rate_limit: str
    halls: frozenset | None             # the ids of its halls; None: every hall
    digest: str = field(repr=False)     # of its key: what this process keeps it by

    def halls_allowed(self):
        return None if self.halls is None else set(self.halls)


_BY_PREFIX = select(ApiClient.id, ApiClient.key_hash, ApiClient.all_mpps, ApiClient.rate_limit,
                    ApiClient.revoked_at).where(ApiClient.key_prefix == bindparam("prefix"))
_HALLS = select(api_client_mpp.c.mpp_id).where(
    api_client_mpp.c.api_client_id == bindparam("client"))

# True while the client bound as "client" is not revoked: a column of the statements that a
# partner's booking reads in its own transaction (slots.booking_target), or a query of its own.
ACTIVE = exists().where(ApiClient.id == bindparam("client"), ApiClient.revoked_at.is_(None))
_IS_ACTIVE = select(ACTIVE)

_MEMO = "api-partners"


def partner_for_key(key):
    """The client whose key this is, as a Partner, or None (the same for every kind of
    mismatch).

    An active client is read once per process, on a connection of its own
    (extensions.committed_connection, no transaction of the request's to end first), and kept
    by its key's digest: a client's id, halls and rate limit never change (clients are made
    and revoked, never edited), so the copy is never stale. Whether it is still active is not
    kept: a partner's write checks ACTIVE in its own transaction (refused(), and
    slots.booking_target), so a revoked key books nothing from the moment the revocation
    commits, in every process; the process that finds it revoked forgets its copy."""
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    prefix, _, secret = key[len(KEY_PREFIX):].partition("_")
    if not prefix or not secret:
        return None
    digest = _digest(key)
    partner = remembered_memo(_MEMO).get(digest)
    if partner is None:
        partner = _read_partner(prefix, digest)
        if partner is not None:                  # unknown and revoked keys are not kept
            remember_all(_MEMO, [(digest, partner)], 1024)
    return partner


def _read_partner(prefix, digest):
    with committed_connection() as connection:
        client = connection.execute(_BY_PREFIX, {"prefix": prefix}).first()
        if client is None or client.revoked_at is not None \
                or not hmac.compare_digest(client.key_hash, digest):
            return None
        halls = None if client.all_mpps else frozenset(
            connection.execute(_HALLS, {"client": client.id}).scalars())
    return Partner(client.id, client.rate_limit, halls, digest)


def revoked(partner, active):
    """Whether `partner` was found revoked (`active`: ACTIVE as read in the write's own
    transaction); if so this process forgets its copy, and the next request with its key is
    refused before anything else is read."""
    if active:
        return False
    remembered_memo(_MEMO).pop(partner.digest, None)
    return True


def refused(session, partner):
    """revoked(), reading ACTIVE in the session's transaction (one statement)."""
    return revoked(partner, session.connection().execute(
        _IS_ACTIVE, {"client": partner.id}).scalar())
