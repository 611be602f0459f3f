"""Writing messages into the outbox, and claiming and settling them for the worker.

A message is claimed by a guarded UPDATE (status and lease in its WHERE clause), so two
workers never hold the same row; PostgreSQL first picks candidates with FOR UPDATE SKIP
LOCKED so that workers do not queue behind each other, and SQLite's write transactions are
serialised (BEGIN IMMEDIATE). A claim is a lease: a worker killed after claiming leaves the
row in `sending`, and it is claimed again when the lease runs out, so no message is lost. A
worker killed after sending but before recording it (a batch is recorded at its end, in one
commit) sends those messages again when the lease runs out: e-mail has no idempotency key, so
each message carries a stable Message-ID that mail clients use to drop the copy.
"""
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update

from ..clock import utc
from .channels import names
from .models import Message, MessageStatus

LEASE = timedelta(minutes=5)      # a claim older than this is a worker that died
MAX_ATTEMPTS = 6                  # then the message is failed and its error kept for staff


def available(config=None):
    """The names of the channels this site can send on ("email", "whatsapp", "sms")."""
    return set(names(config or current_app.config))


def enqueue(session, *, kind, channel, recipient, subject, body, due_at, now, about=None,
            attachment=None, expires_at=None, language="id"):
    """Queue one message, in the caller's transaction (flushes only); one not sent by
    `expires_at` is voided."""
    message = Message(kind=kind, channel=channel, recipient=recipient, subject=subject[:200],
                      body=body, attachment=attachment, about=about, due_at=utc(due_at),
                      language=language,
                      expires_at=utc(expires_at) if expires_at else None,
                      created_at=utc(now))
    session.add(message)
    session.flush()
    return message


def void(session, about, kinds=None):
    """Void the messages about `about` that are still waiting (of `kinds`, when given)."""
    conditions = [Message.about == about, Message.status == MessageStatus.PENDING]
    if kinds:
        conditions.append(Message.kind.in_(kinds))
    return session.execute(update(Message).where(*conditions)
                           .values(status=MessageStatus.VOID)
                           .execution_options(synchronize_session=False)).rowcount


def _claimable(now):
    return and_(or_(and_(Message.status == MessageStatus.PENDING, Message.due_at <= utc(now)),
                    and_(Message.status == MessageStatus.SENDING,
                         Message.claimed_at < utc(now) - LEASE)),
                or_(Message.expires_at.is_(None), Message.expires_at > utc(now)))


def claim(session, now, limit=20):
    """Claim up to `limit` due messages (and those whose worker's lease ran out) for this
    worker; returns (claim token, [Message]). Runs in the caller's write transaction, which the
    caller commits before sending."""
    session.execute(update(Message).where(         # too late to be of use: never sent
        Message.status.in_([MessageStatus.PENDING, MessageStatus.SENDING]),
        Message.expires_at <= utc(now)).values(status=MessageStatus.VOID)
        .execution_options(synchronize_session=False))
    candidates = (select(Message.id).where(_claimable(now))
                  .order_by(Message.due_at, Message.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = session.scalars(candidates).all()
    if not ids:
        return None, []
    token = secrets.token_hex(16)
    session.execute(update(Message).where(Message.id.in_(ids), _claimable(now))
                    .values(status=MessageStatus.SENDING, claim=token, claimed_at=utc(now),
                            attempts=Message.attempts + 1)
                    .execution_options(synchronize_session=False))
    return token, session.scalars(select(Message).where(Message.claim == token)
                                  .order_by(Message.id)).all()


def sent(session, message_ids, token, now):
    """Record messages as sent, those this worker's claim still holds; returns how many."""
    return session.execute(update(Message).where(Message.id.in_(message_ids),
                                                 Message.claim == token,
                                                 Message.status == MessageStatus.SENDING)
                           .values(status=MessageStatus.SENT, sent_at=utc(now), last_error="")
                           .execution_options(synchronize_session=False)).rowcount


def backoff(attempts):
    """Wait before another try: 1, 4, 16, 64 … minutes."""
    return timedelta(minutes=4 ** (attempts - 1))


def failed(session, message, token, error, now, permanent=False):
    """Record a failed try: again after a backoff, or failed for good after MAX_ATTEMPTS (or
    at once, when the channel refused the request itself)."""
    final = permanent or message.attempts >= MAX_ATTEMPTS
    values = {"status": MessageStatus.FAILED if final else MessageStatus.PENDING,
              "last_error": str(error)[:2000]}
    if not final:
        values["due_at"] = utc(now + backoff(message.attempts))
    return session.execute(update(Message).where(Message.id == message.id,
                                                 Message.claim == token,
                                                 Message.status == MessageStatus.SENDING)
                           .values(**values)
                           .execution_options(synchronize_session=False)).rowcount == 1


KEEP_OUTCOMES = timedelta(days=400)   # a message's bare outcome, for a year of reports


def purge(session, before):
    """Erase what the messages settled (sent, failed, void) or expired before `before` say and
    to whom (address, subject, text, calendar); keep their kind, subject (`about`), status and
    times, which say nothing of the citizen, for the reports (reminders sent, no-shows with and
    without one), and delete those too after KEEP_OUTCOMES. Returns how many were erased."""
    settled = [MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.VOID]
    old = or_(and_(Message.status.in_(settled), Message.created_at < utc(before)),
              Message.expires_at < utc(before))
    erased = session.execute(
        update(Message).where(old, Message.recipient != "")
        .values(recipient="", subject="", body="", attachment=None)
        .execution_options(synchronize_session=False)).rowcount
    session.execute(delete(Message).where(Message.created_at < utc(before - KEEP_OUTCOMES))
                    .execution_options(synchronize_session=False))
    return erased
