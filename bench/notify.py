"""The outbox drained: 10,000 due reminders sent by 1 and by 2 workers to a local server.

The server runs in this process and counts every message it receives (e-mail: aiosmtpd, by
Message-ID; WhatsApp and SMS: an HTTP server standing in for the Cloud API and the gateway, by
the message's text, unique per reminder). Each worker is a process of its own running the worker
loop (`flask notify work --once`) on the same database. Printed per run: messages per second,
duplicates (a message received more than once), lost (rows never recorded sent, or never
received). The baseline, measured in the same run against the same server: the standard
library sending as many messages (smtplib on one connection, or urllib one POST each), with no
database at all. Times are measured, not asserted:

    .venv/bin/python -m bench.notify [--messages 10000] [--database sqlite|postgresql]
                                     [--channel email|whatsapp|sms]
"""
import argparse
import json
import multiprocessing
import smtplib
import socket
import tempfile
import threading
import time
from collections import Counter
import urllib.request
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from bench.postgres import recreate_database
from mpp_digital import clock, create_app
from mpp_digital.clock import utc
from mpp_digital.extensions import db
from mpp_digital.notify.models import Message, MessageStatus
from mpp_digital.notify.worker import work

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/mpp_bench_notify"
NOW = utc(clock.now())          # the project's clock (naive UTC, as stored)


class Received:
    def __init__(self):
        self.ids, self.lock = Counter(), threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.lock:
                    self.ids[line.split(b":", 1)[1].strip()] += 1
                break
        return "250 OK"


class Gateway:
    """The WhatsApp Cloud API and an SMS gateway, as far as a sender can tell: 200 to every
    POST, and each message's text counted."""

    def __init__(self):
        self.ids, self.lock = Counter(), threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                text = body["template"]["components"][0]["parameters"][0]["text"] \
                    if "template" in body else body["text"]
                with gateway.lock:
                    gateway.ids[text] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(url, port, channel):
    settings = {"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    if channel == "email":
        settings.update(NOTIFY_SMTP_HOST="127.0.0.1", NOTIFY_SMTP_PORT=port,
                        NOTIFY_SMTP_SECURITY="none",
                        NOTIFY_SENDER="MPP Digital <janji@bench.test>")
    elif channel == "whatsapp":
        settings.update(NOTIFY_WHATSAPP_URL=f"http://127.0.0.1:{port}/v21.0",
                        NOTIFY_WHATSAPP_TOKEN="bench", NOTIFY_WHATSAPP_PHONE_NUMBER_ID="1",
                        NOTIFY_WHATSAPP_TEMPLATE="mpp_kabar")
    else:
        settings.update(NOTIFY_SMS_URL=f"http://127.0.0.1:{port}/sms",
                        NOTIFY_SMS_ID_FIELD="ref")
    return settings


def _text(n):
    return f"Pengingat janji {n}: besok pukul 09.00 WIB."


def fill(url, port, channel, count):
    app = create_app(config(url, port, channel))
    with app.app_context():
        db.session.execute(Message.__table__.delete())
        db.session.execute(insert(Message), [
            {"kind": "booking.reminder", "about": f"appointment:{n}", "channel": channel,
             "recipient": f"warga{n}@bench.test" if channel == "email"
             else f"+62812{n:08d}", "subject": f"Pengingat janji {n}",
             "body": _text(n) + "\n", "due_at": NOW, "language": "id",
             "status": "pending", "attempts": 0, "last_error": "", "created_at": NOW}
            for n in range(count)])
        db.session.commit()
        db.engine.dispose()


def worker(url, port, channel):
    app = create_app(config(url, port, channel))
    with app.app_context():
        work(app.config, batch=50, once=True)
        db.engine.dispose()


def outcome(url, port, channel):
    app = create_app(config(url, port, channel))
    with app.app_context():
        counts = dict(db.session.execute(select(Message.status, func.count())
                                         .group_by(Message.status)).all())
        db.engine.dispose()
    return counts


def baseline(port, channel, count):
    started = time.perf_counter()
    if channel == "email":
        with smtplib.SMTP("127.0.0.1", port) as client:
            for n in range(count):
                mail = EmailMessage()
                mail["From"], mail["To"] = "janji@bench.test", f"warga{n}@bench.test"
                mail["Subject"], mail["Message-ID"] = f"Pengingat {n}", f"<base-{n}@bench.test>"
                mail.set_content(_text(n) + "\n")
                client.send_message(mail)
    else:
        for n in range(count):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/base", method="POST",
                data=json.dumps({"to": f"62812{n:08d}", "text": f"base {n}"}).encode(),
                headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=20) as response:
                response.read()
    return count / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--channel", choices=("email", "whatsapp", "sms"), default="email")
    args = parser.parse_args()
    channel = args.channel
    if channel == "email":
        received = Received()
        server = Controller(received, hostname="127.0.0.1", port=free_port())
        server.start()
        port, ours = server.port, (lambda ids: {k: v for k, v in ids.items()
                                                if k.startswith(b"<message-")})
        described, base_name = "SMTP server aiosmtpd", "smtplib, one connection"
    else:
        received = server = Gateway()
        port, ours = server.port, (lambda ids: {k: v for k, v in ids.items()
                                                if k.startswith("Pengingat")})
        described, base_name = "HTTP stand-in for the gateway", "urllib, one POST each"
    try:
        with tempfile.TemporaryDirectory(prefix="mpp-bench-notify-") as tmp:
            if args.database == "postgresql":
                url = POSTGRES
                recreate_database(url)
            else:
                url = f"sqlite:///{Path(tmp) / 'notify.sqlite3'}"
            app = create_app(config(url, port, channel))
            with app.app_context():
                upgrade()
                db.engine.dispose()
            print(f"{args.messages:,} due reminders by {channel}, {args.database}, {described} "
                  "on 127.0.0.1 in this process\n")
            print("| sender | messages/s | vs baseline | duplicates | lost |")
            print("|---|---|---|---|---|")
            base = baseline(port, channel, args.messages)
            print(f"| baseline: {base_name}, no database | {base:,.0f} | 100 % | – | – |",
                  flush=True)
            for workers in (1, 2):
                fill(url, port, channel, args.messages)
                received.ids.clear()
                started = time.perf_counter()
                processes = [multiprocessing.Process(target=worker, args=(url, port, channel))
                             for _ in range(workers)]
                for process in processes:
                    process.start()
                for process in processes:
                    process.join()
                rate = args.messages / (time.perf_counter() - started)
                counts = outcome(url, port, channel)
                mine = ours(received.ids)
                duplicates = sum(v - 1 for v in mine.values())
                lost = max(args.messages - len(mine),
                           args.messages - counts.get(MessageStatus.SENT, 0))
                print(f"| outbox, {workers} worker{'s' if workers > 1 else ''} | {rate:,.0f} | "
                      f"{rate / base:.0%} | {duplicates} | {lost} |", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
