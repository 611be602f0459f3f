"""The outbox's worker: a message is claimed by one worker, sent once, retried with backoff,
given up with its error kept, and never lost when a worker dies after claiming it."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from mpp_digital.extensions import begin_write, db
from mpp_digital.notify import operations as ops
from mpp_digital.notify.models import Message, MessageStatus
from mpp_digital.notify.worker import drain_once

from ..races import restored

NOW = datetime(2027, 1, 4, 1, 0, tzinfo=timezone.utc)


def _queue(app, count=1, due=NOW):
    with app.app_context():
        begin_write(db.session)
        for n in range(count):
            ops.enqueue(db.session, kind="test", channel="email", recipient=f"w{n}@example.test",
                        subject=f"Pesan {n}", body="Isi pesan.\n", due_at=due, now=NOW)
        db.session.commit()


def _rows(app):
    with app.app_context():
        rows = db.session.scalars(select(Message).order_by(Message.id)).all()
        db.session.expunge_all()
        return rows


def _drain(app, at):
    app.config["CLOCK"] = at
    with app.app_context():
        return drain_once(app.config)


def test_nothing_is_sent_before_it_is_due(app, inbox):
    _queue(app, due=NOW + timedelta(hours=1))
    assert _drain(app, NOW) == 0 and inbox.mails == []
    assert _drain(app, NOW + timedelta(hours=1)) == 1 and len(inbox.mails) == 1


def test_a_worker_killed_after_claiming_loses_nothing_and_sends_once(app, inbox):
    _queue(app)
    app.config["CLOCK"] = NOW
    with app.app_context():                     # a worker claims, commits and dies
        begin_write(db.session)
        token, claimed = ops.claim(db.session, NOW)
        claimed = [m.id for m in claimed]
        db.session.commit()
    assert len(claimed) == 1 and _rows(app)[0].status == MessageStatus.SENDING
    assert _drain(app, NOW + timedelta(minutes=1)) == 0          # its lease still holds
    assert _drain(app, NOW + ops.LEASE + timedelta(seconds=1)) == 1
    assert _drain(app, NOW + ops.LEASE * 3) == 0
    assert len(inbox.mails) == 1 and _rows(app)[0].status == MessageStatus.SENT
    with app.app_context():                     # the dead worker's late record changes nothing
        begin_write(db.session)
        assert ops.sent(db.session, claimed, token, NOW) == 0
        db.session.rollback()


def test_a_failing_server_is_tried_again_later_then_given_up_with_its_error(app, inbox):
    _queue(app)
    app.config["NOTIFY_SMTP_PORT"] = 1                      # nothing listens there
    at = NOW
    for attempt in range(1, ops.MAX_ATTEMPTS + 1):
        assert _drain(app, at) == 1
        row = _rows(app)[0]
        assert row.attempts == attempt and row.last_error
        if attempt < ops.MAX_ATTEMPTS:
            assert row.status == MessageStatus.PENDING
            assert row.due_at == (at + ops.backoff(attempt)).replace(tzinfo=None)
            assert _drain(app, at + ops.backoff(attempt) - timedelta(seconds=1)) == 0
            at += ops.backoff(attempt)
    assert row.status == MessageStatus.FAILED and "ConnectionRefused" in row.last_error
    assert _drain(app, at + timedelta(days=30)) == 0 and inbox.mails == []


def test_voided_messages_are_not_sent(app, inbox):
    with app.app_context():
        begin_write(db.session)
        ops.enqueue(db.session, kind="booking.reminder", channel="email",
                    recipient="a@example.test", subject="Pengingat", body=".", due_at=NOW,
                    now=NOW, about="appointment:1")
        assert ops.void(db.session, "appointment:1", ["booking.reminder"]) == 1
        db.session.commit()
    assert _drain(app, NOW) == 0 and inbox.mails == []


@pytest.mark.slow
def test_workers_racing_never_claim_one_message_twice(app, inbox):
    """Threads claiming at once: every message claimed by exactly one of them; the control
    without the claim's guard (a message being sent is claimable again) hands them out
    twice."""
    def race(workers=8, messages=40):
        _queue(app, messages)
        app.config["CLOCK"] = NOW
        barrier, claims, lock = threading.Barrier(workers), [], threading.Lock()

        def worker():
            with app.app_context():
                barrier.wait()
                for _ in range(messages):
                    begin_write(db.session)
                    _, claimed = ops.claim(db.session, NOW, limit=2)
                    ids = [m.id for m in claimed]
                    db.session.commit()
                    with lock:
                        claims.extend(ids)
                db.session.remove()
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return claims

    claims = race()
    assert len(claims) == len(set(claims)) == 40
    with app.app_context():
        begin_write(db.session)
        db.session.query(Message).delete()
        db.session.commit()
    with restored(ops, "_claimable"):
        ops._claimable = lambda now: Message.status.in_(       # the lease and status guard
            [MessageStatus.PENDING, MessageStatus.SENDING])    # dropped: claims overlap
        claims = race()
    assert len(claims) > len(set(claims))


def test_a_worker_killed_before_recording_sends_again_with_the_same_message_id(
        app, inbox, monkeypatch):
    """SMTP takes no idempotency key: what a dead worker sent but did not record is sent again
    after its lease, as the same message (Message-ID), which mail clients keep once."""
    _queue(app)

    def dies(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(ops, "sent", dies)
    with pytest.raises(KeyboardInterrupt):
        _drain(app, NOW)
    monkeypatch.undo()
    assert _drain(app, NOW + ops.LEASE + timedelta(seconds=1)) == 1
    assert len(inbox.mails) == 2 and inbox.mails[0]["Message-ID"] == inbox.mails[1]["Message-ID"]
    assert _rows(app)[0].status == MessageStatus.SENT


def test_a_message_past_its_use_is_voided_not_sent(app, inbox):
    """A worker down overnight must not send yesterday's reminders when it comes back."""
    with app.app_context():
        begin_write(db.session)
        ops.enqueue(db.session, kind="booking.reminder", channel="email",
                    recipient="a@example.test", subject="Pengingat", body=".", due_at=NOW,
                    now=NOW, expires_at=NOW + timedelta(hours=2))
        db.session.commit()
    assert _drain(app, NOW + timedelta(hours=2)) == 0 and inbox.mails == []
    assert _rows(app)[0].status == MessageStatus.VOID
