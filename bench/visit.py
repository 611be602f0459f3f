"""Visits: planning 2, 4 and 6 services over a 14-day horizon at a busy hall, and booking a
4-step visit against four single bookings, in the same run.

The hall is MPP Kota Kediri from the demo, its bookable offerings' slots generated for the
horizon and about 60 % of their seats taken at random (a busy hall: the free seats are
scattered). Planning is timed end to end (reading the free slots, then the planner) and the
planner alone. Booking goes through the partner API in process (the Flask test client, no
HTTP server): POST /api/v1/visits with 4 steps, against POST /api/v1/appointments four times
for the same four services, on fresh seats. Times are measured, not asserted:

    .venv/bin/python -m bench.visit [--repeat 40] [--visits 25]
"""
import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select, update

from mpp_digital import clock, create_app
from mpp_digital.accounts.api_clients import create_api_client
from mpp_digital.booking import slots, visits
from mpp_digital.booking.models import Slot
from mpp_digital.catalogue.demo import load_demo
from mpp_digital.catalogue.models import Mpp
from mpp_digital.extensions import db

NOW = datetime(2027, 1, 4, 0, 0, tzinfo=timezone.utc)      # Monday 07.00 WIB
SERVICES = {2: ["akta-kelahiran", "kartu-keluarga-baru"],
            4: ["akta-kelahiran", "kartu-keluarga-baru", "kartu-identitas-anak",
                "paspor-biasa"],
            6: ["akta-kelahiran", "kartu-keluarga-baru", "kartu-identitas-anak",
                "paspor-biasa", "skck-baru", "pengecekan-sertipikat"]}
FOUR = SERVICES[4]


def _nik(serial):
    """A structurally valid, made-up NIK (region 3571, born 1 January 1990)."""
    return f"357101010190{serial:04d}"


def _percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup(url):
    app = create_app({"SECRET_KEY": "bench", "NIK_HMAC_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": url, "CLOCK": NOW,
                      "RATELIMIT_ENABLED": False, "SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        load_demo(NOW.date())
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        for offering in hall.offerings:
            if offering.bookable:
                offering.horizon_days = 14
                slots.generate_slots(db.session, offering, NOW.date(),
                                     NOW.date() + timedelta(days=14))
        rng = random.Random(7)
        ids = db.session.scalars(select(Slot.id).where(Slot.capacity > 0)).all()
        for slot_id in rng.sample(ids, int(len(ids) * 0.6)):
            db.session.execute(update(Slot).where(Slot.id == slot_id)
                               .values(booked=Slot.capacity))
        _, key = create_api_client(db.session, "Bench", [], True, "100000 per minute", None,
                                   NOW)
        db.session.commit()
    return app, key


def planning(app, repeat):
    rows = []
    with app.app_context():
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        for count, names in SERVICES.items():
            offerings = visits.offerings_at(db.session, hall, names)
            assert len(offerings) == count, names
            whole, pure, found = [], [], None
            for _ in range(repeat):
                started = time.perf_counter()
                openings = visits.openings(db.session, offerings, NOW)
                read = time.perf_counter()
                found = visits.plan(visits.needs([o.service for o in offerings]), openings,
                                    visits.WALK)
                done = time.perf_counter()
                whole.append((done - started) * 1000)
                pure.append((done - read) * 1000)
                db.session.rollback()
            rows.append((count, statistics.median(whole), _percentile(whole, 95),
                         statistics.median(pure), _percentile(pure, 95), len(found.plans),
                         len(found.blocking)))
    return rows


def _plans(client, count):
    """Up to `count` distinct 4-step plans, one per free combination, from the API."""
    found, day = [], NOW.date()
    while len(found) < count and day <= NOW.date() + timedelta(days=14):
        answer = client.get("/api/v1/mpps/kota-kediri/visit-plans",
                            query_string={"services": ",".join(FOUR),
                                          "from": day.isoformat()}).get_json()
        if not answer["plans"]:
            break
        found.append(answer["plans"][0])
        day = date.fromisoformat(answer["plans"][0]["day"]) + timedelta(days=1)
    return found


def booking(app, key, visits_wanted):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    person = {"mpp": "kota-kediri", "name": "Warga Bench", "phone": "0812 3456 7890"}
    serial = 0
    # Visits: each plan's four steps in one request; plans are re-asked after each booking.
    visit_times, booked = [], 0
    for _ in range(visits_wanted):
        plan = _plans(client, 1)
        if not plan:
            break
        serial += 1
        body = {**person, "nik": _nik(serial),
                "steps": [{"service": s["service"], "start": s["start"]}
                          for s in plan[0]["steps"]]}
        started = time.perf_counter()
        response = client.post("/api/v1/visits", json=body, headers=headers)
        visit_times.append(time.perf_counter() - started)
        booked += response.status_code == 201
    # Singles: the same four services, one request each, on the next free plan's slots. Each
    # by another NIK: four bookings of one NIK would pass its limit of active bookings (3),
    # which a visit, counted once, does not.
    single_times, singles = [], 0
    for _ in range(visits_wanted):
        plan = _plans(client, 1)
        if not plan:
            break
        for step in plan[0]["steps"]:
            serial += 1
            body = {**person, "nik": _nik(serial), "service": step["service"],
                    "start": step["start"]}
            started = time.perf_counter()
            response = client.post("/api/v1/appointments", json=body, headers=headers)
            single_times.append(time.perf_counter() - started)
            singles += response.status_code == 201
    return visit_times, booked, single_times, singles


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--visits", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mpp-bench-visit-") as tmp:
        app, key = setup(f"sqlite:///{Path(tmp) / 'visit.sqlite3'}")
        print(f"MPP Kota Kediri, 14-day horizon, ~60 % of seats taken; {args.repeat} plannings "
              "each; SQLite; times in ms\n")
        print("| services | planning p50 | p95 | planner alone p50 | p95 | days proposed |")
        print("|---|---|---|---|---|---|")
        for count, p50, p95, pure50, pure95, plans, blocking in planning(app, args.repeat):
            print(f"| {count} | {p50:.1f} | {p95:.1f} | {pure50:.1f} | {pure95:.1f} | "
                  f"{plans}{' (blocked)' if blocking else ''} |", flush=True)
        visit_times, booked, single_times, singles = booking(app, key, args.visits)
        print("\nBooking through the partner API in process (no HTTP server):\n")
        print("| request | requests | req/s | p95 ms | seats/s |")
        print("|---|---|---|---|---|")
        for name, times, ok, seats in (("POST /visits, 4 steps", visit_times, booked, 4),
                                       ("POST /appointments, 1 step", single_times, singles, 1)):
            rate = len(times) / sum(times) if times else 0
            print(f"| {name} | {len(times)} ({ok} booked) | {rate:,.0f} | "
                  f"{_percentile(times, 95) * 1000:.1f} | {rate * seats:,.0f} |", flush=True)
        with app.app_context():
            db.engine.dispose()
    print(f"\n(clock fixed at {clock.utc(NOW).isoformat()} UTC)")


if __name__ == "__main__":
    main()
