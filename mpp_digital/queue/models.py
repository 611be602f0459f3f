"""The hall's lines: tickets, their numbering per queue and day, and every transition."""
import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import Counter, Queue
from ..extensions import db, enum_column


class TicketStatus(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"


class EventKind(enum.StrEnum):
    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    STARTED = "started"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"


# Why a visitor goes ahead (chosen at the kiosk), shown to the clerk.
PRIORITY_REASONS = {
    "lansia": _l("Lansia"),
    "disabilitas": _l("Penyandang disabilitas"),
    "hamil": _l("Ibu hamil"),
    "anak": _l("Membawa balita"),
}


class TicketNumber(db.Model):
    """The last number given out in one queue on one (local) day."""
    __tablename__ = "ticket_number"
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int]


class HallQueueVersion(db.Model):
    """How many times anything the board or a ticket page shows has changed at one hall: bumped
    in the same transaction as every ticket event and every change to its lines and counters,
    so that a poll with a current ETag is answered after one indexed read. `ratings` counts the
    hall's ratings alone (bumped with their version): its IKM page changes only with them."""
    __tablename__ = "hall_queue_version"
    mpp_id: Mapped[int] = mapped_column(ForeignKey("mpp.id"), primary_key=True)
    version: Mapped[int]
    ratings: Mapped[int] = mapped_column(default=0, server_default="0")


class Ticket(db.Model):
    """One visitor's place in a line, from the kiosk or from a checked-in booking."""
    id: Mapped[int] = mapped_column(primary_key=True)
    # The queue that gave the number ("A-015" stays A-015 after a transfer) …
    issued_queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))
    # … and the queue it waits in now.
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), index=True)
    day: Mapped[date]
    number: Mapped[int]
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus, "ticket_status"),
                                                 default=TicketStatus.WAITING)
    priority: Mapped[bool] = mapped_column(default=False)   # lansia, disabilitas, hamil, anak
    priority_reason: Mapped[str | None] = mapped_column(String(16))   # PRIORITY_REASONS
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"),
                                                       unique=True)
    due_at: Mapped[datetime | None]       # the booked slot's start (UTC), for checked-in visits
    arrived_at: Mapped[datetime]          # UTC; kept across transfers
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    recalls: Mapped[int] = mapped_column(default=0)
    token: Mapped[str] = mapped_column(String(32), unique=True)   # the status page's address
    # The citizen has rated this visit (the response itself does not name the ticket).
    surveyed: Mapped[bool] = mapped_column(default=False)
    # A walk-in's phone, given at the kiosk (optional), for "3 lagi" and "Dipanggil ke loket";
    # erased when the day's line closes (queue.operations.forget_phones).
    phone: Mapped[str | None] = mapped_column(String(16))
    phone_channel: Mapped[str | None] = mapped_column(String(12))
    nudged: Mapped[bool] = mapped_column(default=False, server_default=false())  # "3 lagi" sent
    language: Mapped[str] = mapped_column(String(5), default="id", server_default="id")

    issued_queue: Mapped[Queue] = relationship(foreign_keys=[issued_queue_id])
    queue: Mapped[Queue] = relationship(foreign_keys=[queue_id])
    counter: Mapped[Counter | None] = relationship()
    appointment: Mapped["Appointment | None"] = relationship("Appointment")  # noqa: F821
    events: Mapped[list["TicketEvent"]] = relationship(back_populates="ticket",
                                                       order_by="TicketEvent.id")

    __table_args__ = (
        UniqueConstraint("issued_queue_id", "day", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("recalls >= 0", name="recalls_not_negative"),
        CheckConstraint("status = 'waiting' OR counter_id IS NOT NULL OR status = 'no_show'",
                        name="called_at_a_counter"),
        Index("ix_ticket_queue_waiting", "queue_id", "day", "status"),
        Index("ix_ticket_counter_status", "counter_id", "status"),
        # A counter handles one visitor at a time.
        Index("uq_ticket_counter_busy", "counter_id", unique=True,
              sqlite_where=text("status IN ('called', 'serving')"),
              postgresql_where=text("status IN ('called', 'serving')")),
    )

    @property
    def display(self):
        return f"{self.issued_queue.letter}-{self.number:03d}"


class TicketEvent(db.Model):
    """A transition of a ticket: the source of every wait, service time and no-show figure."""
    __tablename__ = "ticket_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event_kind"))
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Indexed: a console finds its counter's last event (what "Urungkan" would undo).
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"), index=True)
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue.id"))   # transfer target
    note: Mapped[str | None] = mapped_column(String(200))   # a transfer's, for the next clerk

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    counter: Mapped[Counter | None] = relationship()     # where a call sent the citizen
    target: Mapped[Queue | None] = relationship(foreign_keys=[queue_id])
