"""Staff accounts: create, authenticate, end sessions, and record what staff change."""
import re
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import utc
from ..errors import DomainError
from ..validation import parse_id
from .models import AuditLog, Role, User

MIN_PASSWORD = 12


class AccountRefused(DomainError):
    status = 422


def _hash(password):
    """A scrypt hash with werkzeug's parameters, or the cheaper ones of PASSWORD_HASH_METHOD
    (the tests' configuration: every login there would otherwise pay for full scrypt)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method):
    """A hash of no one's password, so that an unknown e-mail costs as much as a wrong one."""
    return generate_password_hash("not a password of anyone", method=method)


def normalise_email(email):
    return (email or "").strip().lower()


def create_user(session, email, name, password, role, now, mpp_id=None, agency_id=None,
                counters=(), password_hash=None):
    """A new staff account; the password is stored as a scrypt hash (or given hashed)."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountRefused(_l("Alamat email tidak valid."))
    if password_hash is None and len(password or "") < MIN_PASSWORD:
        raise AccountRefused(_l("Kata sandi paling sedikit %(count)d karakter.", count=MIN_PASSWORD))
    if session.scalar(select(User.id).where(User.email == email)):
        raise AccountRefused(_l("Email ini sudah dipakai akun lain."))
    user = User(email=email, name=name,
                password_hash=password_hash or _hash(password),
                role=Role(role), mpp_id=mpp_id, agency_id=agency_id, created_at=now,
                counters=list(counters))
    session.add(user)
    session.flush()
    return user


def hash_password(password):
    if len(password or "") < MIN_PASSWORD:
        raise AccountRefused(_l("Kata sandi paling sedikit %(count)d karakter.", count=MIN_PASSWORD))
    return _hash(password)


def set_password(user, password=None, password_hash=None):
    user.password_hash = password_hash or hash_password(password)
    user.session_version += 1


def authenticate(session, email, password):
    """The active account with this e-mail and password, or None (same time either way)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]),
                            password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def load_user(session, cookie_id):
    """The user behind a login cookie, if that session has not been ended since."""
    user_id, _, version = (cookie_id or "").partition(":")
    if parse_id(user_id) is None or parse_id(version) is None:
        return None
    user = session.get(User, parse_id(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions(user):
    """Logging out or deactivating ends every session of the account, on every device."""
    user.session_version += 1


def deactivate(session, user, actor, now):
    before = {"active": user.active}
    user.active = False
    end_sessions(user)
    audit(session, actor, now, "user.deactivate", user.id, before, {"active": False},
          mpp_id=user.mpp_id)


AUDIT_ACTION = re.compile(r"[a-z_]+\.[a-z_]+")


def audit(session, actor, now, action, key, before=None, after=None, mpp_id=None):
    """Record a staff write; flushed with the change it describes.

    Every action is named `<kind>.<verb>` (`mpp.hours`, `ticket.call`, `device.revoke`), and
    its target is `<kind>:<key>`, the key being the row's slug or id: one scheme across the
    back office, the counters and the accounts.
    """
    if not AUDIT_ACTION.fullmatch(action):
        raise ValueError(f"audit action {action!r} is not <kind>.<verb>")
    session.add(AuditLog(at=utc(now), user_id=actor.id if actor else None,
                         mpp_id=mpp_id if mpp_id is not None else getattr(actor, "mpp_id", None),
                         action=action, target=f"{action.partition('.')[0]}:{key}",
                         before=before, after=after))


def can_use_counter(user, counter):
    """A clerk acts only at the counters assigned to them; managers at any of their MPP's."""
    if user.is_national_admin:
        return False
    if counter.mpp_id != user.mpp_id:
        return False
    return user.is_manager or counter in user.counters


def can_see_mpp(user, mpp_id):
    return user.is_national_admin or user.mpp_id == mpp_id
