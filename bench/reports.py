"""Report generation over a national year of tickets: one MPP-month and every MPP over a year.

Builds an MPP in each of the 514 kabupaten/kota (five lines each: Disdukcapil, DPMPTSP, Samsat,
Imigrasi, the regional bank), writes a year of generated traffic with reports/history.py (about
5 million tickets and 20 million events by default), then times, in the same run:

- the MPP-month report a manager opens (reports.operations.hall_report),
- the national year report (reports.operations.national_report, every hall),
- the hall's "when to come" (reports.operations.best_times, eight weeks),
each first with nothing rolled up (every day counted from the events) and again after the
daily rollup's backfill (whose time it prints, and that of one night's rollup); and, as the
floor, the same tickets counted by one SQL aggregate over the events.

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
from datetime import date, datetime, time as clock, timedelta, timezone
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
from mpp_digital.reports import history
from mpp_digital.queue.models import EventKind, Ticket, TicketEvent
from mpp_digital.reports import operations as reports
from mpp_digital.reports import rollup


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
            after = date(2026, 11, 2)          # a Monday: "when to come" reads the 8 weeks before

            def hall():
                return db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))

            def measure():
                return {
                    "month": timed(lambda: reports.hall_report(db.session, hall(), *month), 5),
                    "best": timed(lambda: reports.best_times(db.session, hall(), after), 5),
                    "year": timed(lambda: reports.national_report(
                        db.session, first_day, last_day), 1)}

            raw = measure()                    # nothing rolled up: every day from the events
            t0 = time.perf_counter()
            written = rollup.catch_up(db.session, datetime(2026, 11, 1, 3, tzinfo=timezone.utc))
            db.session.commit()
            backfill_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            rollup.roll_up(db.session, last_day, last_day,
                           db.session.scalars(select(Mpp.id)).all())
            db.session.rollback()
            night_s = time.perf_counter() - t0
            rolled = measure()
            floors = {"month": timed(lambda: sql_floor(*month, [kediri.id]), 5),
                      "year": timed(lambda: sql_floor(first_day, last_day), 1)}
            assert raw["month"][1].total == rolled["month"][1].total
            assert rolled["month"][1].total.visits == floors["month"][1][0]
            assert raw["year"][1] == rolled["year"][1]
            assert sum(s.visits for s in rolled["year"][1].values()) == \
                floors["year"][1][0] == tickets
            assert raw["best"][1][0] and [line.median_wait for line in raw["best"][1][0]] == \
                [line.median_wait for line in rolled["best"][1][0]]
            print(f"rollup backfill of the year: {written:,} line-days in {backfill_s:.1f} s; "
                  f"one night's rollup (one day, every hall): {night_s:.2f} s\n")
            print(f"| {'report':<38} | {'tickets':>10} | {'from events':>11} | "
                  f"{'from rollup':>11} | {'SQL floor':>9} | {'rollup/floor':>12} |")
            print("|" + "|".join("-" * w for w in (40, 12, 13, 13, 11, 14)) + "|")
            for name, key, rows in (
                    ("one MPP, one month (Kota Kediri, Oct)", "month",
                     rolled["month"][1].total.visits),
                    (f"all {halls} MPPs, one year", "year", tickets),
                    ("when to come (Kota Kediri, 8 weeks)", "best", None)):
                base = floors[key][0] if key in floors else None
                print(f"| {name:<38} | {'' if rows is None else f'{rows:,}':>10} | "
                      f"{raw[key][0] * 1000:8.0f} ms | {rolled[key][0] * 1000:8.0f} ms | "
                      + (f"{base * 1000:6.0f} ms | {rolled[key][0] / base:12.2f} |"
                         if base else f"{'':>9} | {'':>12} |"))
            print("\nfrom events: the report with nothing rolled up (per-ticket times from the "
                  "events, tallied in Python); from rollup: as the pages compute it once the days "
                  "are rolled up; SQL floor: the tickets of the period counted by the database "
                  "alone, from the events. Both reports agree (asserted above).")


if __name__ == "__main__":
    main()
