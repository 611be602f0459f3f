"""Booking under load: gunicorn with 4 workers on SQLite and on PostgreSQL, beside a bare route.

Clients book one day of one service (Disdukcapil KK at MPP Kota Kediri, made large) through
POST /api/v1/appointments until every seat is taken, then the database is checked for
oversold seats. Times are measured, not asserted:

    .venv/bin/python -m bench.booking [--clients 16] [--seats 10] [--workers 4]
                                      [--only sqlite|postgresql]
"""
import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path


from sqlalchemy import func, select

from bench.postgres import recreate_database
from mpp_digital import clock, create_app
from mpp_digital.accounts.api_clients import create_api_client
from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots
from mpp_digital.booking.models import Appointment, AppointmentStatus, Slot
from mpp_digital.catalogue.demo import load_demo
from mpp_digital.catalogue.models import Mpp, Offering, Service
from mpp_digital.extensions import db
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent

POSTGRES = os.environ.get("MPP_BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/mpp_bench")


HEADERS = {"Content-Type": "application/json"}     # + the partner key, set by prepare()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url, seats):
    """Migrate, load the demo, give KK at Kota Kediri `seats` a slot; returns the day's starts."""
    app = create_app({"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        load_demo(clock.now().date())
        offering = db.session.scalar(select(Offering).join(Offering.mpp).join(Offering.service)
                                     .where(Mpp.slug == "kota-kediri",
                                            Service.slug == "kartu-keluarga-baru"))
        offering.seats_per_slot = seats
        offering.daily_quota = None
        db.session.flush()
        now = datetime.now(timezone.utc)
        day = ops.local_day(offering.mpp, now)
        free = []
        while not free:                     # the next working day with open slots
            day += timedelta(days=1)
            slots.generate_slots(db.session, offering, day, day)
            free = slots.free_slots(db.session, offering, day, now)
        starts = [ops.to_local(offering.mpp, s.starts_at).isoformat() for s in free]
        seats_online = sum(s.free for s in free)
        # The API books for registered partners: the benchmark is one, with a limit it
        # cannot reach.
        _, key = create_api_client(db.session, "Benchmark", [], True, "1000000 per minute",
                                   None, now)
        HEADERS["Authorization"] = f"Bearer {key}"
        db.session.commit()
        db.engine.dispose()
    return starts, seats_online


def oversold(url):
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        active = dict(db.session.execute(
            select(Appointment.slot_id, func.count(Appointment.id))
            .where(Appointment.status == AppointmentStatus.ACTIVE)
            .group_by(Appointment.slot_id)).all())
        over = 0
        for slot in db.session.scalars(select(Slot)):
            count = active.get(slot.id, 0)
            over += max(0, count - slot.capacity) + abs(count - slot.booked)
        total = sum(active.values())
        db.engine.dispose()
    return over, total


# Each worker leaves a mark, <pid>.ready, once it has loaded the app (gunicorn's
# post_worker_init hook): a measurement starts when every worker is ready, not while some are
# still building the app (about 2 s of CPU each, which would be counted against the site).
READY_HOOK = """import os
def post_worker_init(worker):
    open(os.path.join(os.environ["MPP_BENCH_READY_DIR"], f"{worker.pid}.ready"), "w").close()
"""


class Gunicorn:
    def __init__(self, target, env, workers=4):
        self.port = free_port()
        self.ready = tempfile.TemporaryDirectory(prefix="mpp-bench-ready-")
        hook = Path(self.ready.name) / "ready_hook.py"
        hook.write_text(READY_HOOK)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(hook), "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null", "--log-level",
             "warning", target], cwd=ROOT,
            env={**os.environ, **env, "MPP_BENCH_READY_DIR": self.ready.name})
        deadline = time.time() + 120
        while time.time() < deadline:
            booted = [name for name in os.listdir(self.ready.name) if name.endswith(".ready")]
            if len(booted) >= workers:
                socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(30)
        self.ready.cleanup()


def nik(serial):
    """A fake but well-formed NIK per request (region 35.71, born 1 January 1990)."""
    return f"3571{serial // 9999 + 1:02d}010190{serial % 9999 + 1:04d}"


def run_clients(port, starts, clients, max_requests):
    """Each client books random slots it has not seen full until none is left for it."""
    latencies, statuses, lock = [], {}, threading.Lock()
    counter = iter(range(10**7))

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        open_slots = list(starts)
        random.shuffle(open_slots)
        while open_slots:
            with lock:
                serial = next(counter)
                if serial >= max_requests:
                    return
            start = open_slots[-1]
            body = json.dumps({"mpp": "kota-kediri", "service": "kartu-keluarga-baru",
                               "start": start, "name": "Warga Uji", "nik": nik(serial),
                               "phone": "081234567890"})
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/appointments", body, HEADERS)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status != 201:
                open_slots.pop()
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - t0, latencies, statuses


def row(name, elapsed, latencies, statuses, oversell="-"):
    latencies.sort()
    booked = statuses.get(201, 0)
    errors = sum(n for s, n in statuses.items() if s not in (201, 409))
    return (f"| {name:<38} | {booked / elapsed:9.1f} | {len(latencies) / elapsed:8.1f} | "
            f"{statistics.median(latencies) * 1000:7.1f} | "
            f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:7.1f} | {booked:6d} | "
            f"{errors:6d} | {oversell!s:>8} |")


def bench_database(label, url, args, env):
    starts, seats = prepare(url, args.seats)
    server = Gunicorn("mpp_digital:create_app()", {
        **env, "MPP_DATABASE_URL": url, "MPP_SECRET_KEY": "bench", "MPP_NIK_HMAC_KEY": "bench",
        "MPP_RATELIMIT_ENABLED": "false"}, args.workers)
    try:
        elapsed, latencies, statuses = run_clients(server.port, starts, args.clients,
                                                   seats * 3)
    finally:
        server.stop()
    over, total = oversold(url)
    print(row(f"MPP Digital, {label} ({seats} seats)", elapsed, latencies, statuses, over))
    return total, seats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seats", type=int, default=10, help="seats per 10-minute slot")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"gunicorn -w {args.workers}, {args.clients} concurrent clients, all on 127.0.0.1; "
          "rate limits off; booked/s counts 201s, req/s every answer (409 = full)\n")
    print(f"| {'server':<38} | booked/s |   req/s | p50 ms  | p95 ms  | booked | errors | "
          f"oversold |")
    print("|" + "|".join("-" * w for w in (40, 10, 10, 9, 9, 8, 8, 10)) + "|")
    with tempfile.TemporaryDirectory(prefix="mpp-bench-") as tmp:
        env = {"MPP_SEARCH_INDEX_DIR": str(Path(tmp) / "index")}
        bare = Gunicorn("bench.bare:app", {})
        try:
            elapsed, latencies, statuses = run_clients(bare.port, ["x"] * 50, args.clients,
                                                       5000)
        finally:
            bare.stop()
        print(row("bare Flask route (ceiling)", elapsed, latencies, statuses))
        if args.only in (None, "sqlite"):
            bench_database("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args, env)
        if args.only in (None, "postgresql"):
            recreate_database(POSTGRES)
            bench_database("PostgreSQL", POSTGRES, args, env)


if __name__ == "__main__":
    main()
