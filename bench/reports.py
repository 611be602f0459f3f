"""Report generation over a national year of tickets: one MPP-month and every MPP over a year.

Builds an MPP in each of the 514 kabupaten/kota (five lines each: Disdukcapil, DPMPTSP, Samsat,
Imigrasi, the regional bank), writes a year of generated traffic with queue/history.py (about
5 million tickets and 20 million events by default), then times, in the same run:

- the MPP-month report a manager opens (reports.operations.hall_report),
- the national year report (reports.operations.national_report, every hall),
- and, as the floor for each, the same rows read by one SQL aggregate with no statistics
  computed in Python.

Times are measured, not asserted. On SQLite by default; --database postgresql uses
MPP_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/mpp_bench_reports).

    .venv/bin/python -m bench.reports [--per-day 40] [--database sqlite|postgresql]
"""
import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, time as clock, timedelta
from pathlib import Path

from sqlalchemy import case, delete, func, insert, select

from bench.postgres import recreate_database
from mpp_digital import create_app
from mpp_digital.catalogue.demo import demo_rows
from mpp_digital.catalogue.models import (Agency, Counter, Mpp, Offering, OpeningHours,
                                          Queue, Region, Service, counter_queue)
from mpp_digital.catalogue.import_export import import_rows
from mpp_digital.catalogue.operations import load_regions
from mpp_digital.extensions import db
from mpp_digital.queue import history
from mpp_digital.queue.models import EventKind, Ticket, TicketEvent
from mpp_digital.reports import operations as reports


LINES = ("disdukcapil", "dpmptsp", "samsat", "imigrasi", "bank-daerah")
POSTGRES = os.environ.get("MPP_BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/mpp_bench_reports")


def build_halls():
    """514 halls open Monday–Friday 08.00–15.00, each with the five busiest lines."""
    load_regions(db.session)
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    db.session.execute(insert(Mpp), [
        {"region_code": r.code, "slug": r.slug, "name": f"Mal Pelayanan Publik {r.name}",
         "address": "Jl. Merdeka 1", "phone": "(0000) 000000"} for r in regions])
    first = {}
    for row in demo_rows():                 # the real agencies and services, each once
        first.setdefault(row["service"], row)
    import_rows(db.session, [(f"demo {i}", r) for i, r in enumerate(first.values())])
    # … without the demo's lines: every hall gets the same five below.
    db.session.execute(delete(OpeningHours).where(OpeningHours.offering_id.is_not(None)))
    db.session.execute(delete(Offering))
    db.session.execute(delete(Queue))
    db.session.commit()
    service_of = {}
    for agency_slug, service_id in db.session.execute(
            select(Agency.slug, Service.id).join(Service.agency).order_by(Service.id)):
        service_of.setdefault(agency_slug, service_id)
    halls = db.session.execute(select(Mpp.id)).scalars().all()
    db.session.execute(insert(OpeningHours), [
        {"mpp_id": h, "weekday": d, "opens_at": clock(8), "closes_at": clock(15)}
        for h in halls for d in range(1, 6)])
    db.session.execute(insert(Queue), [
        {"mpp_id": h, "letter": chr(65 + i), "name": slug} for h in halls
        for i, slug in enumerate(LINES)])
    queues = db.session.execute(select(Queue.id, Queue.mpp_id, Queue.name)).all()
    db.session.execute(insert(Offering), [
        {"mpp_id": m, "service_id": service_of[name], "queue_id": q, "bookable": False,
         "slot_minutes": 15, "seats_per_slot": 1, "walkin_share": 20, "horizon_days": 14,
         "cutoff_minutes": 60, "notes": ""} for q, m, name in queues])
    db.session.execute(insert(Counter), [
        {"mpp_id": m, "number": i + 1, "name": "", "is_open": False}
        for i, (q, m, _) in enumerate(queues)])
    counters = db.session.execute(select(Counter.id, Counter.mpp_id, Counter.number)).all()
    by_number = {(m, n): c for c, m, n in counters}
    db.session.execute(insert(counter_queue), [
        {"counter_id": by_number[(m, i + 1)], "queue_id": q}
        for i, (q, m, _) in enumerate(queues)])
    db.session.commit()
    return len(halls)


def fill_year(first_day, last_day, per_day, rng):
    tickets = 0
    for n, mpp_id in enumerate(db.session.scalars(select(Mpp.id).order_by(Mpp.id)).all()):
        mpp = db.session.get(Mpp, mpp_id)
        visits = history.plan(db.session, mpp, first_day, last_day, rng, per_day=per_day)
        tickets += len(history.write(db.session, mpp, visits, rng))
        db.session.commit()
        db.session.expunge_all()
        if n % 50 == 0:
            print(f"  … {n + 1} halls, {tickets:,} tickets", flush=True)
    return tickets


def sql_floor(start, end, mpp_ids=None):
    """The same rows the report reads, aggregated by the database alone (count and sums)."""
    called = func.min(case((TicketEvent.kind == EventKind.CALLED, TicketEvent.at)))
    per_ticket = (select(Ticket.id.label("id"), Ticket.issued_queue_id.label("queue"),
                         called.label("called"))
                  .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
                  .where(Ticket.day.between(start, end)).group_by(Ticket.id))
    if mpp_ids is not None:
        per_ticket = per_ticket.where(Ticket.issued_queue_id.in_(
            select(Queue.id).where(Queue.mpp_id.in_(mpp_ids))))
    sub = per_ticket.subquery()
    return db.session.execute(select(func.count(sub.c.id), func.count(sub.c.called))).one()


def timed(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        db.session.rollback()
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=40, help="visits per hall per open day")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="mpp-bench-reports-") as tmp:
        if args.database == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'reports.sqlite3'}"
        else:
            url = POSTGRES
            recreate_database(url)
        app = create_app({"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": url,
                          "SEARCH_INDEX_DIR": str(Path(tmp) / "index")}, instance_path=tmp)
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            halls = build_halls()
            last_day = date(2026, 10, 31)
            first_day = last_day - timedelta(days=364)
            print(f"writing a year ({first_day} – {last_day}) at {halls} halls, "
                  f"~{args.per_day} visits per open day each …", flush=True)
            tickets = fill_year(first_day, last_day, args.per_day, rng)
            events = db.session.scalar(select(func.count(TicketEvent.id)))
            print(f"{tickets:,} tickets, {events:,} events on {args.database} "
                  f"(written in {time.perf_counter() - t0:.0f} s)\n")
            kediri = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
            month = (date(2026, 10, 1), date(2026, 10, 31))
            hall_s, report = timed(lambda: reports.hall_report(
                db.session, db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri")),
                *month), repeat=5)
            hall_floor_s, floor = timed(lambda: sql_floor(*month, [kediri.id]), repeat=5)
            national_s, national = timed(lambda: reports.national_report(
                db.session, first_day, last_day), repeat=1)
            national_floor_s, national_floor = timed(lambda: sql_floor(first_day, last_day),
                                                     repeat=1)
            assert report.total.visits == floor[0]
            assert sum(s.visits for s in national.values()) == national_floor[0] == tickets
            print(f"| {'report':<38} | {'tickets':>10} | {'ours':>9} | "
                  f"{'SQL floor':>9} | {'ratio':>5} |")
            print("|" + "|".join("-" * w for w in (40, 12, 11, 11, 7)) + "|")
            for name, rows, ours, base in (
                    ("one MPP, one month (Kota Kediri, Oct)", report.total.visits, hall_s,
                     hall_floor_s),
                    (f"all {halls} MPPs, one year", tickets, national_s, national_floor_s)):
                print(f"| {name:<38} | {rows:>10,} | {ours * 1000:7.0f} ms | "
                      f"{base * 1000:7.0f} ms | {ours / base:5.1f} |")
            print("\nours: the report as the page computes it (per-ticket times from events, "
                  "then medians and P90 in Python); SQL floor: the same rows counted by the "
                  "database alone.")


if __name__ == "__main__":
    main()
