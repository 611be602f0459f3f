"""The site under a realistic mix, gunicorn on PostgreSQL (4 workers) and SQLite (1 worker),
each beside a bare Flask route served the same way in the same run.

The mix, as residents and halls use it: 80 % catalogue and search pages, 10 % slot lists,
5 % bookings (POST /api/v1/appointments; 409 once a slot is full is an answer, not an error),
5 % "now serving" display polls. Every client thread picks requests from the mix for a fixed
time. All on 127.0.0.1, so the client threads share the machine's cores with the server;
the bare route, measured the same way, shows how much of the ceiling that leaves.
Times are measured, not asserted:

The PostgreSQL site is measured twice: as a new server (each worker's own page cache, empty)
and as deployed after it has been up a while (the workers share one page cache in Redis,
MPP_BENCH_REDIS_URL, default redis://127.0.0.1:6379/15, emptied first; the same mix run for
as long again before measuring). Bookings fill their slots during the warm-up, so the warmed
run answers more of them 409.

    .venv/bin/python -m bench.load [--seconds 20] [--clients 16]
"""
import argparse
import csv
import http.client
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import redis

from bench.booking import HEADERS, POSTGRES, Gunicorn, nik, prepare
from bench.postgres import recreate_database
from sqlalchemy import select

from mpp_digital import create_app
from mpp_digital.catalogue.models import Mpp, Offering, Service
from mpp_digital.extensions import db
from mpp_digital.search import get_index

ROOT = Path(__file__).resolve().parent.parent
REDIS_CACHE = os.environ.get("MPP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

OFFERED = []       # (hall, service) slugs of the demo, filled by prepare_site()
QUERIES = [row["query"] for row in csv.DictReader(
    (ROOT / "tests" / "search" / "queries.csv").open(encoding="utf-8"))]


def catalogue_request(rng):
    hall, service = rng.choice(OFFERED)
    return "GET", rng.choice([
        "/", f"/mpp/{hall}", f"/mpp/{hall}/layanan/{service}", f"/layanan/{service}",
        "/cari?q=" + rng.choice(QUERIES).replace(" ", "+"),
        f"/cari?q={rng.choice(QUERIES).replace(' ', '+')}&mpp={hall}"]), None


def slots_request(rng):
    return "GET", "/mpp/kota-kediri/layanan/kartu-keluarga-baru/jadwal", None


def display_request(rng):
    return "GET", f"/mpp/{rng.choice(OFFERED)[0]}/layar.json", None


def booking_request(rng, starts, serial):
    body = json.dumps({"mpp": "kota-kediri", "service": "kartu-keluarga-baru",
                       "start": rng.choice(starts), "name": "Warga Uji", "nik": nik(serial),
                       "phone": "081234567890"})
    return "POST", "/api/v1/appointments", body


def run(port, starts, clients, seconds, seed=1):
    latencies, statuses, errors, lock = [], {}, [0], threading.Lock()
    serials = iter(range(10**8))
    deadline = time.perf_counter() + seconds

    def client(n):
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            roll = rng.random()
            if roll < 0.80:
                method, path, body = catalogue_request(rng)
            elif roll < 0.90:
                method, path, body = slots_request(rng)
            elif roll < 0.95:
                with lock:
                    serial = next(serials)
                method, path, body = booking_request(rng, starts, serial)
            else:
                method, path, body = display_request(rng)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body, HEADERS
                             if body else {})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = None
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if status is None or status >= 500:
                    errors[0] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - t0, latencies, statuses, errors[0]


def pct(values, p):
    return values[max(0, int(len(values) * p / 100) - 1)] * 1000


def measure(label, target, env, workers, starts, args, bare_rate=None, warm=False):
    """One row: the mix for args.seconds against a new server; `warm`: after the same mix
    for as long again on that server, unmeasured (a site that has been up a while)."""
    server = Gunicorn(target, env, workers=workers)
    try:
        if warm:
            run(server.port, starts, args.clients, args.seconds, seed=2)
        elapsed, latencies, statuses, errors = run(server.port, starts, args.clients,
                                                   args.seconds)
    finally:
        server.stop()
    latencies.sort()
    rate = len(latencies) / elapsed
    ratio = f"{rate / bare_rate:5.1%}" if bare_rate else "  –  "
    print(f"| {label:<34} | {rate:8.1f} | {statistics.median(latencies) * 1000:7.1f} | "
          f"{pct(latencies, 95):7.1f} | {pct(latencies, 99):7.1f} | {errors:6d} | {ratio:>8} |",
          flush=True)
    return rate, statuses


def prepare_site(url, tmp, name):
    starts, _ = prepare(url, seats=5)
    index = Path(tmp) / f"index-{name}"
    app = create_app({"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": str(index)})
    with app.app_context():
        get_index(app).rebuild(db.session)
        OFFERED[:] = db.session.execute(select(Mpp.slug, Service.slug).join(Offering.mpp)
                                        .join(Offering.service)).all()
        db.engine.dispose()
    return starts, {"MPP_DATABASE_URL": url, "MPP_SECRET_KEY": "bench" * 8,
                    "MPP_NIK_HMAC_KEY": "bench" * 8, "MPP_RATELIMIT_ENABLED": "false",
                    "MPP_SEARCH_INDEX_DIR": str(index)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="per server")
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    print(f"{args.clients} client threads for {args.seconds} s per server, all on 127.0.0.1; "
          "mix 80 % pages and search, 10 % slot lists, 5 % bookings, 5 % display polls\n")
    print(f"| {'server':<34} |    req/s |  p50 ms |  p95 ms |  p99 ms | errors | "
          f"vs bare |")
    print("|" + "|".join("-" * w for w in (36, 10, 9, 9, 9, 8, 10)) + "|")
    with tempfile.TemporaryDirectory(prefix="mpp-bench-load-") as tmp:
        recreate_database(POSTGRES)
        starts, env = prepare_site(POSTGRES, tmp, "pg")
        bare, _ = measure("bare Flask route, gunicorn -w 4", "bench.bare:app", {}, 4, starts,
                          args)
        _, statuses = measure("MPP Digital, PostgreSQL, -w 4", "mpp_digital:create_app()",
                              env, 4, starts, args, bare)
        # As deployed: the workers share one page cache in Redis, and the site has been up.
        redis.Redis.from_url(REDIS_CACHE).flushdb()
        measure("… Redis page cache, warmed", "mpp_digital:create_app()",
                {**env, "MPP_CACHE_TYPE": "RedisCache", "MPP_CACHE_REDIS_URL": REDIS_CACHE},
                4, starts, args, bare, warm=True)
        sqlite_url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        starts, env = prepare_site(sqlite_url, tmp, "sqlite")
        bare1, _ = measure("bare Flask route, gunicorn -w 1", "bench.bare:app", {}, 1, starts,
                           args)
        _, statuses_sqlite = measure("MPP Digital, SQLite, -w 1", "mpp_digital:create_app()",
                                     env, 1, starts, args, bare1)
    print("\nanswers, PostgreSQL:", dict(sorted(statuses.items(), key=str)),
          "\nanswers, SQLite:", dict(sorted(statuses_sqlite.items(), key=str)))
    print("errors: 5xx answers and failed connections; 409 (slot full) and 422 are answers.")


if __name__ == "__main__":
    main()
