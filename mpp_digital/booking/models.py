"""Bookable time: slots materialised from schedules, and the appointments citizens make."""
import enum
from datetime import date, datetime

from sqlalchemy import (CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text,
                        true)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import Mpp, Offering, Service
from ..extensions import db, enum_column


class AppointmentStatus(enum.StrEnum):
    ACTIVE = "active"
    CHECKED_IN = "checked_in"    # turned into a ticket at the kiosk
    CANCELLED = "cancelled"
    EXPIRED = "expired"          # its slot passed without a check-in


class Slot(db.Model):
    """A bookable period of one offering; `booked` only changes through a guarded update."""
    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id"), index=True)
    starts_at: Mapped[datetime]              # UTC
    ends_at: Mapped[datetime]
    capacity: Mapped[int]                    # seats offered online
    booked: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)   # no longer in the schedule

    offering: Mapped[Offering] = relationship()

    __table_args__ = (
        UniqueConstraint("offering_id", "starts_at"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
    )

    @property
    def free(self):
        return self.capacity - self.booked


class SlotDay(db.Model):
    """A day of an offering whose slots have been generated (possibly none: a holiday)."""
    __tablename__ = "slot_day"
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)     # in the MPP's time zone


class VisitStatus(enum.StrEnum):
    ACTIVE = "active"            # some step is still to come
    CANCELLED = "cancelled"      # every step cancelled


class Visit(db.Model):
    """One trip for several services at one hall: its steps are appointments, booked together
    (all or none), under one code. Against the NIK's limit of active bookings it counts as
    one: its steps share one `nik_seat`, held (in the unique index) by its last active step."""
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), index=True)
    status: Mapped[VisitStatus] = mapped_column(enum_column(VisitStatus, "visit_status"),
                                                default=VisitStatus.ACTIVE)
    name: Mapped[str] = mapped_column(String(120))
    nik_hmac: Mapped[str] = mapped_column(String(64), index=True)
    nik_last4: Mapped[str] = mapped_column(String(4))
    phone: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="id")
    phone_channel: Mapped[str | None] = mapped_column(String(12))
    api_client_id: Mapped[int | None] = mapped_column(ForeignKey("api_client.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]

    mpp: Mapped[Mpp] = relationship()
    steps: Mapped[list["Appointment"]] = relationship(back_populates="visit",
                                                      order_by="Appointment.id")

    __table_args__ = (
        UniqueConstraint("api_client_id", "idempotency_key"),
        CheckConstraint("length(nik_last4) = 4", name="nik_last4_length"),
    )


class Appointment(db.Model):
    """A booked seat. The citizen's NIK is kept only as a keyed hash and its last 4 digits."""
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id"))
    # The service again, so that the database can hold one active booking per NIK per service.
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status"), default=AppointmentStatus.ACTIVE)
    name: Mapped[str] = mapped_column(String(120))
    nik_hmac: Mapped[str] = mapped_column(String(64))
    nik_last4: Mapped[str] = mapped_column(String(4))
    # Which of the NIK's few allowed active bookings this is: unique among its active ones.
    nik_seat: Mapped[int]
    phone: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    # Booked through the API by this partner; its Idempotency-Keys are its own.
    api_client_id: Mapped[int | None] = mapped_column(ForeignKey("api_client.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    reschedules: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    # What the hall told the citizen when it moved or cancelled the booking.
    staff_message: Mapped[str] = mapped_column(String(300), default="")
    # The language the citizen booked in: messages about the booking are written in it.
    language: Mapped[str] = mapped_column(String(5), default="id", server_default="id")
    # When the citizen answered a reminder with "Saya datang".
    confirmed_at: Mapped[datetime | None]
    # The citizen's choice of "whatsapp" or "sms" for messages to their phone (None: none).
    phone_channel: Mapped[str | None] = mapped_column(String(12))
    # Who cancelled: "citizen" (the booking's page), "link" (a reminder's link), "staff",
    # "release" (unconfirmed the day before), "api".
    cancelled_via: Mapped[str | None] = mapped_column(String(12))
    # A step of a visit (None: a booking on its own).
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    # Whether this booking holds its `nik_seat` in the unique index: always on its own; for a
    # visit, only its last active step (the steps share the seat).
    holds_seat: Mapped[bool] = mapped_column(default=True, server_default=true())

    slot: Mapped[Slot] = relationship()
    offering: Mapped[Offering] = relationship()
    service: Mapped[Service] = relationship()
    visit: Mapped[Visit | None] = relationship(back_populates="steps")

    __table_args__ = (
        Index("uq_appointment_active_nik_service", "nik_hmac", "service_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
        Index("uq_appointment_active_nik_seat", "nik_hmac", "nik_seat", unique=True,
              sqlite_where=text("status = 'active' AND holds_seat"),
              postgresql_where=text("status = 'active' AND holds_seat")),
        UniqueConstraint("api_client_id", "idempotency_key"),
        CheckConstraint("idempotency_key IS NULL OR api_client_id IS NOT NULL",
                        name="idempotency_key_has_client"),
        CheckConstraint("nik_seat >= 1", name="nik_seat_positive"),
        CheckConstraint("reschedules BETWEEN 0 AND 1", name="reschedule_once"),
        CheckConstraint("length(nik_last4) = 4", name="nik_last4_length"),
    )


class WaitStatus(enum.StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"      # holds an open offer of a seat
    BOOKED = "booked"        # accepted an offer
    LEFT = "left"            # left the waitlist
    LAPSED = "lapsed"        # let an offer lapse: the seat went to the next


class WaitlistEntry(db.Model):
    """A citizen waiting for a seat of one offering on a day, or on any day of a window."""
    __tablename__ = "waitlist_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    first_day: Mapped[date]                  # local days, inclusive
    last_day: Mapped[date]
    status: Mapped[WaitStatus] = mapped_column(enum_column(WaitStatus, "wait_status"),
                                               default=WaitStatus.WAITING)
    name: Mapped[str] = mapped_column(String(120))
    nik_hmac: Mapped[str] = mapped_column(String(64))
    nik_last4: Mapped[str] = mapped_column(String(4))
    phone: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="id")
    phone_channel: Mapped[str | None] = mapped_column(String(12))
    joined_at: Mapped[datetime]              # UTC: offers go in joining order

    offering: Mapped[Offering] = relationship()
    service: Mapped[Service] = relationship()

    __table_args__ = (
        # One place per NIK per service and first day, while it waits or holds an offer.
        Index("uq_waitlist_nik_service_day", "nik_hmac", "service_id", "first_day",
              unique=True, sqlite_where=text("status IN ('waiting', 'offered')"),
              postgresql_where=text("status IN ('waiting', 'offered')")),
        Index("ix_waitlist_offering_status", "offering_id", "status", "joined_at"),
        CheckConstraint("last_day >= first_day", name="window_in_order"),
    )


class OfferStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"  # the citizen left the waitlist


class SeatOffer(db.Model):
    """A freed seat held for one waiting citizen until `expires_at`. The seat stays counted in
    the slot's `booked` while the offer is open, so nobody else can take it."""
    __tablename__ = "seat_offer"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entry.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id"), index=True)
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus, "offer_status"),
                                                default=OfferStatus.OPEN)
    offered_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))

    entry: Mapped[WaitlistEntry] = relationship()
    slot: Mapped[Slot] = relationship()

    __table_args__ = (
        # One open offer per waiting citizen.
        Index("uq_seat_offer_open_entry", "entry_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_seat_offer_open_expiry", "status", "expires_at"),
    )
