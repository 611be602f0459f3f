"""The worker: claims due messages, sends each on its channel and records the outcome.

Several may run, on several machines (`flask notify work` each); see operations.py for how a
message is sent once.
"""
import logging
import time

from .. import clock
from ..extensions import begin_write, db
from . import operations as ops
from .channels import ChannelError, configured

log = logging.getLogger(__name__)


def drain_once(config, batch=20):
    """Claim one batch and send it; returns the number of messages claimed."""
    channels = configured(config)
    begin_write(db.session)
    token, messages = ops.claim(db.session, clock.now(), batch)
    db.session.expunge_all()                # kept as read: the commit would expire them
    db.session.commit()                     # the claim holds before anything is sent
    wanted = {message.channel for message in messages}
    for name in wanted & set(channels):
        channels[name].open()
    done = []
    try:
        for message in messages:
            channel = channels.get(message.channel)
            if not _send(channel, message, token):
                continue
            if channel.deduplicated:
                done.append(message.id)
            else:         # a copy sent again would reach the citizen twice: record it now
                _record(token, [message.id])
    finally:
        for channel in channels.values():
            channel.close()
        if done:          # recorded once for the batch: one commit, not one a message
            _record(token, done)
    db.session.remove()
    return len(messages)


def _record(token, message_ids):
    begin_write(db.session)
    ops.sent(db.session, message_ids, token, clock.now())
    db.session.commit()


def _send(channel, message, token):
    """True when sent; a failure is recorded at once (its retry time depends on it)."""
    try:
        if channel is None:
            raise ChannelError(f"channel {message.channel!r} is not configured")
        channel.send(message)
    except ChannelError as exc:
        log.warning("message %s not sent (try %s): %s", message.id, message.attempts, exc)
        begin_write(db.session)
        ops.failed(db.session, message, token, exc, clock.now(), permanent=exc.permanent)
        db.session.commit()
        return False
    return True


def work(config, batch=20, idle=2.0, once=False):
    """Drain the outbox; with `once`, until nothing is due, else for ever, pausing `idle`
    seconds when nothing is due."""
    while True:
        claimed = drain_once(config, batch)
        if not claimed:
            if once:
                return
            time.sleep(idle)
