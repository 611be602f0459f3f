"""Workers in a process of their own, killed with SIGKILL at a chosen point: no `finally`, no
cleanup, as when a machine loses power or the OOM killer strikes."""
import os
import signal

from mpp_digital import create_app
from mpp_digital.extensions import begin_write, db
from mpp_digital.notify import channels
from mpp_digital.notify import operations as ops
from mpp_digital.notify.worker import drain_once

from ..conftest import BASE_CONFIG


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def _app(url, config, now):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config, "CLOCK": now})


def after_claim(url, config, now):
    """Claim what is due, commit the claim, and die before sending anything."""
    app = _app(url, config, now)
    with app.app_context():
        begin_write(db.session)
        ops.claim(db.session, now)
        db.session.commit()
    _die()


def after_first_send(url, config, now, adapter):
    """Drain a batch, and die just before the second message is handed to its channel."""
    app = _app(url, config, now)
    adapter = getattr(channels, adapter)
    send, handed = adapter.send, []

    def send_or_die(self, message):
        if handed:
            _die()
        handed.append(message.id)
        send(self, message)

    adapter.send = send_or_die
    with app.app_context():
        drain_once(app.config)
