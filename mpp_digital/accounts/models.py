"""Staff accounts, their scope, and the audit log of what they changed."""
import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db, enum_column


class Role(enum.StrEnum):
    NATIONAL_ADMIN = "national_admin"
    MPP_MANAGER = "mpp_manager"
    CLERK = "clerk"


user_counter = Table(
    "user_counter", db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("counter_id", ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """A member of staff: national admin, MPP manager, or a clerk of one agency at one MPP."""
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)      # stored lower-case
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    mpp_id: Mapped[int | None] = mapped_column(ForeignKey("mpp.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie: raising it ends every session of this account, server-side.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]

    mpp = relationship("Mpp")
    agency = relationship("Agency")
    counters = relationship("Counter", secondary=user_counter, order_by="Counter.number")

    __table_args__ = (
        CheckConstraint("role <> 'national_admin' OR mpp_id IS NULL", name="admin_national"),
        CheckConstraint("role = 'national_admin' OR mpp_id IS NOT NULL", name="staff_have_mpp"),
        CheckConstraint("role <> 'clerk' OR agency_id IS NOT NULL", name="clerk_has_agency"),
        CheckConstraint("session_version >= 1", name="session_version_positive"),
    )

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_clerk(self):
        return self.role == Role.CLERK

    @property
    def is_manager(self):
        """An MPP manager (pengelola), who runs one hall."""
        return self.role == Role.MPP_MANAGER

    @property
    def is_national_admin(self):
        return self.role == Role.NATIONAL_ADMIN

    @property
    def is_active(self):
        return self.active


class DeviceKind(enum.StrEnum):
    KIOSK = "kiosk"          # issues tickets in the hall


class Device(db.Model):
    """A hall's machine a manager enrolled (a kiosk): it holds a secret cookie, we its hash.

    Enrolment is a one-time code shown to the manager and typed on the device within
    ENROLMENT_MINUTES; revoking ends the device's powers at its next request.
    """
    id: Mapped[int] = mapped_column(primary_key=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), index=True)
    kind: Mapped[DeviceKind] = mapped_column(enum_column(DeviceKind, "device_kind"))
    name: Mapped[str] = mapped_column(String(80))
    enrol_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    enrolled_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    mpp = relationship("Mpp")

    __table_args__ = (
        CheckConstraint("enrol_code_hash IS NULL OR token_hash IS NULL",
                        name="enrolled_once"),
    )

    @property
    def is_active(self):
        return self.token_hash is not None and self.revoked_at is None

    def state(self, now_utc):
        """'revoked', 'enrolled', 'waiting' (for its code) or 'expired' at naive-UTC `now_utc`."""
        if self.revoked_at is not None:
            return "revoked"
        if self.enrolled_at is not None:
            return "enrolled"
        return "waiting" if self.enrol_expires_at and self.enrol_expires_at > now_utc \
            else "expired"


api_client_mpp = Table(
    "api_client_mpp", db.metadata,
    Column("api_client_id", ForeignKey("api_client.id", ondelete="CASCADE"), primary_key=True),
    Column("mpp_id", ForeignKey("mpp.id", ondelete="CASCADE"), primary_key=True),
)


class ApiClient(db.Model):
    """A partner allowed to book through the API (national portal, call centre): its key is
    kept as a SHA-256 hash behind a public prefix; it books at its halls under its own limit."""
    __tablename__ = "api_client"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    all_mpps: Mapped[bool] = mapped_column(default=False)
    rate_limit: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None]

    mpps = relationship("Mpp", secondary=api_client_mpp, order_by="Mpp.name")

    @property
    def is_active(self):
        return self.revoked_at is None

    def halls_allowed(self):
        """None when the client may book at every hall, else the ids of its halls (none once
        revoked)."""
        if not self.is_active:
            return set()
        return None if self.all_mpps else {m.id for m in self.mpps}


class AuditLog(db.Model):
    """One staff write: who, where, what, and the values before and after."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    mpp_id: Mapped[int | None] = mapped_column(ForeignKey("mpp.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(120))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
