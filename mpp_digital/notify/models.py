"""The outbox: one row per message to one recipient on one channel."""
import enum
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db, enum_column


class MessageStatus(enum.StrEnum):
    PENDING = "pending"      # waiting for its due time (or for another try)
    SENDING = "sending"      # claimed by a worker; reclaimed if its lease runs out
    SENT = "sent"
    FAILED = "failed"        # given up after the last try; the error is kept for staff
    VOID = "void"            # no longer wanted (the booking it reminds of changed)


class Message(db.Model):
    __tablename__ = "message"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))         # "booking.proof", "booking.reminder"…
    # What the message is about ("appointment:42"), so that a change can void what is queued.
    about: Mapped[str | None] = mapped_column(String(60), index=True)
    channel: Mapped[str] = mapped_column(String(12))      # "email", "whatsapp", "sms"
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attachment: Mapped[str | None] = mapped_column(Text)  # an .ics calendar, for e-mail
    # The citizen's language: a WhatsApp template is chosen in it.
    language: Mapped[str] = mapped_column(String(5), default="id", server_default="id")
    due_at: Mapped[datetime]                              # UTC
    # Not worth sending after this (a reminder, once the slot has begun): voided instead.
    expires_at: Mapped[datetime | None]
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    claim: Mapped[str | None] = mapped_column(String(40))   # the claiming worker's token
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_message_status_due", "status", "due_at"),)
