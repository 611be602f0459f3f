import email
import json
import socket
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class Gateway:
    """A local HTTP server standing in for the WhatsApp Cloud API and an SMS gateway: it keeps
    every request (method, path, headers, body) and answers with the next of `statuses`
    (200 when they run out)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with gateway.lock:
                    gateway.requests.append({"method": "POST", "path": self.path,
                                             "headers": dict(self.headers), "body": body})
                    status = gateway.statuses.pop(0) if gateway.statuses else 200
                answer = json.dumps({"messages": [{"id": "wamid.test"}]} if status == 200
                                    else {"error": {"message": "refused"}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def json(self, index=-1):
        return json.loads(self.requests[index]["body"])


@pytest.fixture
def gateway(app):
    """The stand-in server, with the app's WhatsApp and SMS channels pointed at it."""
    server = Gateway()
    server.thread.start()
    app.config.update(NOTIFY_WHATSAPP_URL=server.url + "/v21.0", NOTIFY_WHATSAPP_TOKEN="wa-token",
                      NOTIFY_WHATSAPP_PHONE_NUMBER_ID="1055551234",
                      NOTIFY_WHATSAPP_TEMPLATE="mpp_kabar", NOTIFY_SMS_URL=server.url + "/sms",
                      NOTIFY_SMS_TOKEN="sms-token")
    yield server
    server.server.shutdown()
    server.server.server_close()
