"""The outbox drained: 10,000 due reminders sent by 1 and by 2 workers to a local SMTP server.

The SMTP server (aiosmtpd) runs in this process and records every Message-ID it receives; each
worker is a process of its own running the worker loop (`flask notify work --once`) on the
same database. Printed per run: messages per second, duplicates (a Message-ID received more
than once), lost (rows never recorded sent, or never received). The baseline, measured in the
same run against the same server: the standard library's smtplib sending as many messages on
one connection, with no database at all. Times are measured, not asserted:

    .venv/bin/python -m bench.notify [--messages 10000] [--database sqlite|postgresql]
"""
import argparse
import multiprocessing
import smtplib
import socket
import tempfile
import threading
import time
from collections import Counter
from email.message import EmailMessage
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(url, port):
    return {"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
            "NOTIFY_SMTP_HOST": "127.0.0.1", "NOTIFY_SMTP_PORT": port,
            "NOTIFY_SMTP_SECURITY": "none", "NOTIFY_SENDER": "MPP Digital <janji@bench.test>"}


def fill(url, port, count):
    app = create_app(config(url, port))
    with app.app_context():
        db.session.execute(Message.__table__.delete())
        db.session.execute(insert(Message), [
            {"kind": "booking.reminder", "about": f"appointment:{n}", "channel": "email",
             "recipient": f"warga{n}@bench.test", "subject": f"Pengingat janji {n}",
             "body": "Anda punya janji besok pukul 09.00 WIB.\n", "due_at": NOW,
             "status": "pending", "attempts": 0, "last_error": "", "created_at": NOW}
            for n in range(count)])
        db.session.commit()
        db.engine.dispose()


def worker(url, port):
    app = create_app(config(url, port))
    with app.app_context():
        work(app.config, batch=50, once=True)
        db.engine.dispose()


def outcome(url, port):
    app = create_app(config(url, port))
    with app.app_context():
        counts = dict(db.session.execute(select(Message.status, func.count())
                                         .group_by(Message.status)).all())
        db.engine.dispose()
    return counts


def baseline(port, count):
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for n in range(count):
            mail = EmailMessage()
            mail["From"], mail["To"] = "janji@bench.test", f"warga{n}@bench.test"
            mail["Subject"], mail["Message-ID"] = f"Pengingat {n}", f"<base-{n}@bench.test>"
            mail.set_content("Anda punya janji besok pukul 09.00 WIB.\n")
            client.send_message(mail)
    return count / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    received = Received()
    server = Controller(received, hostname="127.0.0.1", port=free_port())
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="mpp-bench-notify-") as tmp:
            if args.database == "postgresql":
                url = POSTGRES
                recreate_database(url)
            else:
                url = f"sqlite:///{Path(tmp) / 'notify.sqlite3'}"
            app = create_app(config(url, server.port))
            with app.app_context():
                upgrade()
                db.engine.dispose()
            print(f"{args.messages:,} due reminders, {args.database}, SMTP server aiosmtpd "
                  "on 127.0.0.1 in this process\n")
            print("| sender | messages/s | vs baseline | duplicates | lost |")
            print("|---|---|---|---|---|")
            base = baseline(server.port, args.messages)
            print(f"| baseline: smtplib, one connection, no database | {base:,.0f} | 100 % "
                  "| – | – |", flush=True)
            for workers in (1, 2):
                fill(url, server.port, args.messages)
                received.ids.clear()
                started = time.perf_counter()
                processes = [multiprocessing.Process(target=worker, args=(url, server.port))
                             for _ in range(workers)]
                for process in processes:
                    process.start()
                for process in processes:
                    process.join()
                rate = args.messages / (time.perf_counter() - started)
                counts = outcome(url, server.port)
                ours = {k: v for k, v in received.ids.items() if k.startswith(b"<message-")}
                duplicates = sum(v - 1 for v in ours.values())
                lost = max(args.messages - len(ours),
                           args.messages - counts.get(MessageStatus.SENT, 0))
                print(f"| outbox, {workers} worker{'s' if workers > 1 else ''} | {rate:,.0f} | "
                      f"{rate / base:.0%} | {duplicates} | {lost} |", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
