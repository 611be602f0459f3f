"""Every public route, and the board and ticket polls, against a bare Flask route in the same run.

For each route: requests per second through gunicorn (2 workers, the machine's cores), as a
share of the bare route served the same way; then, in this process with Flask's test client,
CPU milliseconds per request and SQL statements per request (counted with a SQLAlchemy event).
A poll that answers with an ETag is measured again with a matching If-None-Match, as a phone
or the hall's TV sends it. Times are measured, not asserted:

    .venv/bin/python -m bench.routes [--seconds 5] [--clients 8] [--database sqlite|postgresql]
                                     [--only TEXT]
"""
import argparse
import http.client
import tempfile
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

from sqlalchemy import event, select

from bench.booking import POSTGRES, Gunicorn
from bench.load import prepare_site
from bench.postgres import recreate_database
from mpp_digital import clock, create_app
from mpp_digital.cli import demo_history
from mpp_digital.catalogue.models import Mpp, Queue
from mpp_digital.extensions import begin_write, db
from mpp_digital.queue import operations as queue_ops

HALL = "kota-kediri"


def routes(token):
    """(label, path, revalidated) in the order of the table: a revalidated route is measured
    again with the If-None-Match of its first answer, as a returning phone sends it."""
    return [
        ("app floor: /healthz (no database)", "/healthz", False),
        ("home /", "/", True),
        ("hall page", f"/mpp/{HALL}", True),
        ("service at a hall", f"/mpp/{HALL}/layanan/paspor-biasa", True),
        ("national service", "/layanan/paspor-biasa", True),
        ("search, repeated query", "/cari?q=bikin+ktp", False),
        ("search within a hall", f"/cari?q=akta+lahir&mpp={HALL}", False),
        ("when to come (waktu-tunggu)", f"/mpp/{HALL}/waktu-tunggu", True),
        ("IKM page", f"/mpp/{HALL}/ikm", True),
        ("board poll layar.json", f"/mpp/{HALL}/layar.json", True),
        ("ticket status page", f"/tiket/{token}", True),
    ]


def add_history_and_a_ticket(url, env):
    """Eight weeks of visits at every demo hall (as `init --demo` writes them, for the reports,
    the IKM and "when to come"), and a waiting ticket today for the status page."""
    app = create_app({"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR":
                      env["MPP_SEARCH_INDEX_DIR"]})
    with app.app_context():
        begin_write(db.session)
        demo_history(clock.now().date())
        line = db.session.scalar(select(Queue).join(Queue.mpp).where(Mpp.slug == HALL)
                                 .order_by(Queue.letter))
        ticket = queue_ops.issue_ticket(db.session, line, clock.now())
        db.session.commit()
        token = ticket.token
        db.engine.dispose()
    return token


def hammer(port, path, headers, clients, seconds):
    """Requests per second from `clients` threads for `seconds`, the answers' statuses, and
    the 95th percentile of the requests' latency in milliseconds (queueing included)."""
    statuses, latencies, lock = Counter(), [], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        seen, took = Counter(), []
        while time.perf_counter() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                seen[response.status] += 1
                took.append(time.perf_counter() - started)
            except OSError:
                seen["error"] += 1
            finally:
                conn.close()
        with lock:
            statuses.update(seen)
            latencies.extend(took)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p95 = latencies[max(0, -(-95 * len(latencies) // 100) - 1)] * 1000 if latencies else 0
    return sum(statuses.values()) / (time.perf_counter() - started), statuses, p95


def in_process(app, path, headers, rounds=40):
    """(CPU ms per request, SQL statements per request, status) with the test client."""
    client = app.test_client()
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.strip().upper() != "BEGIN":          # SQLite's explicit BEGIN
            statements.append(1)

    for _ in range(3):                          # warm: caches, the search index, templates
        client.get(path, headers=headers)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        status = client.get(path, headers=headers).status_code
        per_request = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    started = time.process_time()
    for _ in range(rounds):
        client.get(path, headers=headers)
    return (time.process_time() - started) * 1000 / rounds, per_request, status


def etag_of(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("ETag")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5, help="per route")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", default="",
                        help="only the rows whose label has this text (e.g. cold, IKM)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mpp-bench-routes-") as tmp:
        if args.database == "postgresql":
            url = POSTGRES
            recreate_database(url)
        else:
            url = f"sqlite:///{Path(tmp) / 'routes.sqlite3'}"
        _, env = prepare_site(url, tmp, args.database)
        token = add_history_and_a_ticket(url, env)
        bare = Gunicorn("bench.bare:app", {}, workers=args.workers)
        try:
            bare_rate, _, bare_p95 = hammer(bare.port, "/", {}, args.clients, args.seconds)
        finally:
            bare.stop()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                          "NIK_HMAC_KEY": "bench" * 8, "RATELIMIT_ENABLED": False,
                          "SEARCH_INDEX_DIR": env["MPP_SEARCH_INDEX_DIR"]})
        site = Gunicorn("mpp_digital:create_app()", env, workers=args.workers)
        print(f"{args.database}, gunicorn -w {args.workers}, {args.clients} client threads for "
              f"{args.seconds:g} s per route, all on 127.0.0.1 (a new connection per request)")
        print(f"bare Flask route: {bare_rate:,.0f} req/s, p95 {bare_p95:.1f} ms\n")
        print("warm: the page cache and the process's memos filled by earlier requests; "
              "SQL/req: statements for one request (SQLite's BEGIN not counted)\n")
        print(f"| {'route':<44} |   req/s | vs bare | p95 ms | CPU ms/req | SQL/req | "
              "status |")
        print("|" + "|".join("-" * w for w in (46, 9, 9, 8, 12, 9, 8)) + "|")
        try:
            for label, path, poll in routes(token):
                cases = [(label, lambda: {})]
                if poll:      # the ETag fetched just before: the ticket page's moves each minute
                    cases.append((f"{label}, If-None-Match",
                                  lambda: {"If-None-Match": etag_of(site.port, path) or ""}))
                for name, make_headers in cases:
                    if args.only not in name:
                        continue
                    headers = make_headers()
                    rate, statuses, p95 = hammer(site.port, path, headers, args.clients,
                                                 args.seconds)
                    cpu, sql, status = in_process(app, path, headers)
                    answers = "/".join(str(s) for s in sorted(statuses, key=str))
                    print(f"| {name:<44} | {rate:7,.0f} | {rate / bare_rate:7.1%} | "
                          f"{p95:6.1f} | {cpu:10.2f} | {sql:7d} | {answers:>6} |", flush=True)
        finally:
            site.stop()
            with app.app_context():
                db.engine.dispose()
        cold_routes(url, env, bare_rate, token, args)


CACHED = ("home /", "hall page", "service at a hall", "national service",
          "when to come (waktu-tunggu)", "IKM page")


def cold_routes(url, env, bare_rate, token, args):
    """The cached pages again with the page cache off (NullCache): what the first visitor after
    a change, or a page nobody asked for yet, costs."""
    cold_env = {**env, "MPP_CACHE_TYPE": "NullCache", "PYTHONWARNINGS": "ignore::UserWarning"}
    warnings.filterwarnings("ignore", message="Flask-Caching: CACHE_TYPE is set to NullCache")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8,
                      "NIK_HMAC_KEY": "bench" * 8, "RATELIMIT_ENABLED": False,
                      "CACHE_TYPE": "NullCache",
                      "SEARCH_INDEX_DIR": env["MPP_SEARCH_INDEX_DIR"]})
    site = Gunicorn("mpp_digital:create_app()", cold_env, workers=args.workers)
    try:
        for label, path, _ in routes(token):
            name = f"{label}, cold (no page cache)"
            if label not in CACHED or args.only not in name:
                continue
            rate, statuses, p95 = hammer(site.port, path, {}, args.clients, args.seconds)
            cpu, sql, _ = in_process(app, path, {})
            answers = "/".join(str(s) for s in sorted(statuses, key=str))
            print(f"| {name:<44} | {rate:7,.0f} | "
                  f"{rate / bare_rate:7.1%} | {p95:6.1f} | {cpu:10.2f} | {sql:7d} | "
                  f"{answers:>6} |",
                  flush=True)
    finally:
        site.stop()
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
