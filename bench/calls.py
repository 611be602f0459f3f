"""The queue under history and load: call-next latency with 10,000 and 1,000,000 past tickets,
and tickets issued per second by 8 kiosks at once. Times are measured, not asserted:

    .venv/bin/python -m bench.calls [--database sqlite|postgresql] [--big 1000000]
"""
import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bench.postgres import recreate_database
from mpp_digital import clock, create_app
from mpp_digital.accounts.models import Role
from mpp_digital.accounts.operations import create_user
from mpp_digital.catalogue.demo import load_demo
from mpp_digital.catalogue.models import Mpp, Queue
from mpp_digital.extensions import begin_write, db
from mpp_digital.queue import operations as ops
from mpp_digital.queue.models import Ticket, TicketEvent, TicketNumber


POSTGRES = os.environ.get("MPP_BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/mpp_bench_queue")
NOW = datetime.now(timezone.utc).replace(hour=3, minute=0, second=0, microsecond=0)


def fresh_app(kind, tmp, name):
    if kind == "sqlite":
        url = f"sqlite:///{Path(tmp) / (name + '.sqlite3')}"
    else:
        base = make_url(POSTGRES)
        url = base.set(database=f"{base.database}_{name}").render_as_string(hide_password=False)
        recreate_database(url)
    app = create_app({"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": str(Path(tmp) / name)})
    with app.app_context():
        db.create_all()
        load_demo(clock.now().date())
        db.session.commit()
    return app


def add_history(app, tickets, rng):
    """`tickets` finished tickets with their four events, spread over past days and queues."""
    with app.app_context():
        queues = db.session.scalars(select(Queue.id)).all()
        counter_of = {q.id: q.counters[0].id for q in db.session.scalars(select(Queue))}
        per_day = 400
        batch_t, batch_e = [], []
        ticket_id = 0
        numbers = {}
        for n in range(tickets):
            day = NOW.date() - timedelta(days=1 + n // (per_day * len(queues)))
            queue_id = queues[n % len(queues)]
            number = numbers[(queue_id, day)] = numbers.get((queue_id, day), 0) + 1
            ticket_id += 1
            arrived = datetime.combine(day, datetime.min.time()) + timedelta(
                hours=1, minutes=rng.randrange(360))
            batch_t.append({"id": ticket_id, "issued_queue_id": queue_id, "queue_id": queue_id,
                            "day": day, "number": number, "status": "done", "priority": False,
                            "arrived_at": arrived, "recalls": 0,
                            "counter_id": counter_of[queue_id],
                            "token": f"h{ticket_id}"})
            for minutes, kind in ((0, "issued"), (12, "called"), (13, "started"),
                                  (20, "finished")):
                batch_e.append({"ticket_id": ticket_id, "kind": kind,
                                "at": arrived + timedelta(minutes=minutes)})
            if len(batch_t) >= 20000:
                _flush(batch_t, batch_e)
        _flush(batch_t, batch_e)
        db.session.execute(insert(TicketNumber), [
            {"queue_id": q, "day": d, "last": last} for (q, d), last in numbers.items()])
        if db.session.get_bind().dialect.name == "postgresql":     # ids were given explicitly
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('ticket', 'id'), "
                                    "(SELECT max(id) FROM ticket))"))
        db.session.commit()


def _flush(tickets, events):
    if not tickets:
        return
    db.session.execute(insert(Ticket), tickets)
    db.session.execute(insert(TicketEvent), events)
    tickets.clear()
    events.clear()


def call_next_latency(app, rounds=60):
    with app.app_context():
        mpp = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        queue = mpp.queues[0]
        counter = queue.counters[0]
        user = create_user(db.session, f"bench{random.random()}@t.test", "Bench", None,
                           Role.MPP_MANAGER, NOW.replace(tzinfo=None), mpp_id=mpp.id,
                           password_hash="x")
        counter.is_open = True
        for _ in range(rounds):
            ops.issue_ticket(db.session, queue, NOW)
        db.session.commit()
        latencies = []
        for n in range(rounds):
            begin_write(db.session)
            t0 = time.perf_counter()
            ticket = ops.call_next(db.session, counter, user, NOW + timedelta(seconds=n))
            db.session.commit()
            latencies.append(time.perf_counter() - t0)
            begin_write(db.session)
            ops.finish(db.session, ticket, counter, user, NOW + timedelta(seconds=n))
            db.session.commit()
        count = db.session.scalar(select(func.count(Ticket.id)))
    latencies.sort()
    return count, statistics.median(latencies) * 1000, latencies[int(len(latencies) * .95) - 1] * 1000


def kiosks(app, clients=8, seconds=5.0):
    with app.app_context():
        queue_id = db.session.scalar(select(Queue.id).join(Queue.mpp).where(
            Mpp.slug == "kota-mataram").order_by(Queue.letter))
    issued, errors, stop = [], [], time.perf_counter() + seconds

    def kiosk():
        with app.app_context():
            while time.perf_counter() < stop:
                try:
                    begin_write(db.session)
                    queue = db.session.get(Queue, queue_id)
                    number = ops.issue_ticket(db.session, queue, NOW).number
                    db.session.commit()
                    issued.append(number)
                except Exception as exc:
                    db.session.rollback()
                    errors.append(repr(exc))
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=kiosk) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    gapless = sorted(issued) == list(range(1, len(issued) + 1))
    return len(issued) / elapsed, len(errors), gapless


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="mpp-bench-") as tmp:
        print(f"database: {args.database}; call next = the guarded claim of the best waiting "
              "ticket, measured inside one process\n")
        print("| history (tickets) | call-next p50 ms | call-next p95 ms | history built in |")
        print("|---|---|---|---|")
        for size in (args.small, args.big):
            app = fresh_app(args.database, tmp, f"h{size}")
            t0 = time.perf_counter()
            add_history(app, size, rng)
            built = time.perf_counter() - t0
            count, p50, p95 = call_next_latency(app)
            print(f"| {count:,} | {p50:.2f} | {p95:.2f} | {built:.0f} s |")
            with app.app_context():
                db.engine.dispose()
        app = fresh_app(args.database, tmp, "kiosks")
        rate, errors, gapless = kiosks(app)
        print(f"\n8 kiosks at once for 5 s: {rate:.0f} tickets/s, {errors} errors, "
              f"numbers gapless and unique: {gapless}")


if __name__ == "__main__":
    main()
