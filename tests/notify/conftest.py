import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What a real SMTP server (aiosmtpd, in this process) received."""

    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    """An SMTP server on 127.0.0.1, and the app configured to send through it."""
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(NOTIFY_SMTP_HOST="127.0.0.1", NOTIFY_SMTP_PORT=controller.port,
                      NOTIFY_SMTP_SECURITY="none", NOTIFY_SENDER="MPP Digital <janji@mpp.test>")
    yield received
    controller.stop()
