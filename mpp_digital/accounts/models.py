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
    def is_active(self):
        return self.active


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
