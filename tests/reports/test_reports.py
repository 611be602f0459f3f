"""Reports from ticket events: a hand-made day with exact answers, a generated month whose
ledger is the answer, the charts and CSV, who may see what, and the public "best time"."""
import csv
import io
import random
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from mpp_digital.accounts.models import Role
from mpp_digital.catalogue.models import Agency, Offering, Queue, Service
from mpp_digital.extensions import db
from mpp_digital.queue import operations as queue_ops
from mpp_digital.reports import history
from mpp_digital.reports import operations as ops
from mpp_digital.reports.stats import histogram_percentile

from ..factories import first_counter, login, mpp, open_counter, queue, staff
from .raw import percentile, to_minute

JANUARY = (date(2027, 1, 1), date(2027, 1, 31))


def test_percentile_is_the_nearest_rank():
    def minutes(values, p):      # the report's percentile of whole-minute times, in minutes
        found = histogram_percentile(Counter(values), p)
        return None if found is None else found // 60
    assert minutes([], 50) is None
    assert minutes([7], 90) == 7
    assert minutes([1, 2, 3, 4], 50) == 2
    assert minutes(list(range(1, 11)), 90) == 9
    assert minutes(list(range(1, 12)), 90) == 10
    assert minutes([5, 1, 4, 2, 3], 50) == 3
    for values in ([1, 2, 3, 4], list(range(1, 12)), [5, 1, 4, 2, 3, 3, 9]):
        for p in (50, 90):
            assert minutes(values, p) == percentile(values, p)


def test_a_hand_made_day_gives_exact_waits_and_service_times(ctx):
    """Three visitors on Monday 4 January 2027 (WIB): waits 5, 15 and 10 minutes; services
    10 and 20 minutes; the third is called and does not come."""
    monday = datetime(2027, 1, 4, 1, 0, tzinfo=timezone.utc)          # 08.00 WIB
    clerk = staff("petugas@kediri.test", Role.CLERK)
    counter = open_counter(first_counter())
    line = queue()
    tickets = [queue_ops.issue_ticket(db.session, line, monday + timedelta(minutes=m))
               for m in (0, 1, 2)]
    for ticket, wait, service in zip(tickets, (5, 15, 10), (10, 20, None)):
        called = ticket.arrived_at.replace(tzinfo=timezone.utc) + timedelta(minutes=wait)
        queue_ops.call_ticket(db.session, ticket, counter, clerk, called)
        if service is None:
            queue_ops.mark_no_show(db.session, ticket, counter, clerk, called)
            continue
        queue_ops.start_service(db.session, ticket, counter, clerk, called)
        queue_ops.finish(db.session, ticket, counter, clerk, called + timedelta(minutes=service))
    db.session.flush()
    report = ops.hall_report(db.session, mpp(), *JANUARY)
    assert (report.total.visits, report.total.booked, report.total.no_shows) == (3, 0, 1)
    assert report.total.no_show_rate == pytest.approx(1 / 3)
    assert (report.total.wait_p50, report.total.wait_p90) == (600, 900)
    assert (report.total.service_p50, report.total.service_p90) == (600, 1200)
    [(queue_row, summary)] = report.by_queue
    assert queue_row.letter == "A" and summary.visits == 3
    assert list(report.by_hour) == [8]
    assert report.by_day[date(2027, 1, 4)].visits == 3 and len(report.days) == 31


@pytest.fixture
def january(app):
    """A generated January at Kota Kediri, and its ledger."""
    with app.app_context():
        hall = mpp()
        plan = history.generate(db.session, hall, *JANUARY, random.Random(2027))
        db.session.commit()
        return plan


def _agency_of_queue():
    return dict(db.session.execute(
        select(Queue.id, Agency.slug).join(Offering, Offering.queue_id == Queue.id)
        .join(Offering.service).join(Service.agency).where(Queue.mpp_id == mpp().id)).all())


def test_a_generated_month_is_reported_as_it_was_generated(app, january):
    with app.app_context():
        report = ops.hall_report(db.session, mpp(), *JANUARY)
        agency = _agency_of_queue()
    assert report.total.visits == len(january) > 2000
    assert report.total.booked == sum(v.booked for v in january)
    assert report.total.no_shows == sum(v.no_show for v in january)
    for line, summary in report.by_queue:
        mine = [v for v in january if v.queue_id == line.id]
        assert summary.visits == len(mine)
        assert summary.wait_p50 == to_minute(percentile([v.wait for v in mine], 50))
        assert summary.wait_p90 == to_minute(percentile([v.wait for v in mine], 90))
        assert summary.service_p90 == to_minute(percentile(
            [v.service for v in mine if v.service is not None], 90))
    for hour, summary in report.by_hour.items():
        assert summary.visits == sum(v.hour == hour for v in january)
    # Kota Kediri is open Monday to Friday; New Year's Day (a Friday) and weekends are empty.
    assert {v.day.isoweekday() for v in january} <= {1, 2, 3, 4, 5}
    assert date(2027, 1, 1) not in report.by_day and date(2027, 1, 2) not in report.by_day
    assert set(report.by_hour) <= set(range(8, 15))
    # The demand mix: Disdukcapil the largest, then DPMPTSP, Samsat, Imigrasi, the bank.
    visits = {agency[line.id]: s.visits for line, s in report.by_queue}
    order = sorted(visits, key=visits.get, reverse=True)
    assert order[:5] == ["disdukcapil", "dpmptsp", "samsat", "imigrasi", "bank-daerah"]


def _manager(app, slug="kota-kediri"):
    with app.app_context():
        user = staff(f"pengelola@{slug}.test", Role.MPP_MANAGER, slug=slug)
        db.session.commit()
        return user.email


def test_the_manager_sees_charts_tables_and_csv(app, client, january):
    login(client, _manager(app))
    page = client.get("/staf/laporan?tahun=2027&bulan=1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('<svg class="chart" role="img"') == 3 + 0      # no survey yet: no IKM
    for labelled in ("by-day", "by-queue", "by-hour"):
        assert f'aria-labelledby="{labelled}"' in text and f'id="{labelled}"' in text
    assert f"<strong>{len(january)}</strong>" in text
    assert "<script" not in text.split("<main", 1)[1].split("</main>", 1)[0]
    export = client.get("/staf/laporan/antrean.csv?tahun=2027&bulan=1")
    assert export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][:3] == ["huruf", "antrean", "kunjungan"]
    assert sum(int(r[2]) for r in rows[1:]) == len(january)
    daily = list(csv.reader(io.StringIO(client.get(
        "/staf/laporan/harian.csv?tahun=2027&bulan=1").get_data(as_text=True))))
    assert len(daily) == 1 + 31 and daily[1][0] == "2027-01-01" and daily[1][1] == "0"
    hourly = client.get("/staf/laporan/jam.csv?tahun=2027&bulan=1").get_data(as_text=True)
    assert hourly.splitlines()[1].startswith("08,")


def test_report_access_by_role_and_hall(app, client):
    assert client.get("/staf/laporan").status_code == 302          # to the login page
    with app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        staff("admin@mpp.test", Role.NATIONAL_ADMIN)
        db.session.commit()
    manager = _manager(app)
    login(client, "petugas@kediri.test")
    assert client.get("/staf/laporan").status_code == 403
    assert client.get("/staf/laporan/harian.csv").status_code == 403
    fresh = app.test_client()
    login(fresh, manager)
    assert fresh.get("/staf/laporan?mpp=kota-mataram").status_code == 404
    assert fresh.get("/staf/laporan/harian.csv?mpp=kota-mataram").status_code == 404
    assert fresh.get("/staf/laporan/mpp.csv").status_code == 404
    assert fresh.get("/staf/laporan?mpp=kota-kediri").status_code == 200
    admin = app.test_client()
    login(admin, "admin@mpp.test")
    national = admin.get("/staf/laporan?tahun=2027&bulan=1").get_data(as_text=True)
    assert "Semua MPP" in national and "Mal Pelayanan Publik Kota Kediri" in national
    assert admin.get("/staf/laporan?mpp=kota-mataram").status_code == 200
    assert admin.get("/staf/laporan/mpp.csv").status_code == 200
    assert admin.get("/staf/laporan/harian.csv").status_code == 404      # which hall?
    assert admin.get("/staf/laporan?mpp=tidak-ada").status_code == 404


def test_bad_report_input_is_explained(app, client):
    login(client, _manager(app))
    for query in ("tahun=abc", "tahun=3000", "tahun=2027&bulan=0", "tahun=2027&bulan=januari"):
        response = client.get(f"/staf/laporan?{query}")
        assert response.status_code == 400, query
        assert "Ada yang perlu diperbaiki" in response.get_data(as_text=True)
        assert client.get(f"/staf/laporan/harian.csv?{query}").status_code == 400
    assert client.get("/staf/laporan/rahasia.csv").status_code == 404


def test_csv_cells_cannot_become_formulas(app, client, january):
    with app.app_context():
        line = queue()
        line.name = '=HYPERLINK("http://x")'
        db.session.commit()
    login(client, _manager(app))
    body = client.get("/staf/laporan/antrean.csv?tahun=2027&bulan=1").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert ["A", "'=HYPERLINK(\"http://x\")"] in [row[:2] for row in rows]
    assert not any(cell[:1] in "=+-@" and cell for row in rows for cell in row)


def test_the_public_page_names_the_quietest_hour(app, client, monkeypatch):
    with app.app_context():
        hall = mpp()
        today = date(2027, 3, 1)
        plan = history.generate(db.session, hall, today - timedelta(weeks=8),
                                today - timedelta(days=1), random.Random(5))
        db.session.commit()
        disdukcapil = queue().id
    mine = [v for v in plan if v.queue_id == disdukcapil]
    cells = {}
    for v in mine:
        cells.setdefault((v.day.isoweekday(), v.hour), []).append(v.wait)
    typical = {k: to_minute(percentile(w, 50)) for k, w in cells.items() if len(w) >= 5}
    best = min(typical, key=lambda k: (typical[k], k))
    with app.app_context():
        lines, _ = ops.best_times(db.session, mpp(), today)
    [line] = [line for line in lines if line.queue.id == disdukcapil]
    assert line.best == best and line.median_wait == typical
    app.config["CLOCK"] = datetime(2027, 3, 1, 3, tzinfo=timezone.utc)
    response = client.get("/mpp/kota-kediri/waktu-tunggu")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kapan sebaiknya datang?" in page and "Paling sepi" in page


@pytest.mark.parametrize("slug", ["kota-kediri", "kabupaten-bantul"])
def test_kapan_sebaiknya_datang_never_names_an_hour_its_line_is_closed(app, slug):
    """Issue 12: it advised Imigrasi on Wednesday 14.00 (Imigrasi leaves at 12.00) and KUA on a
    Wednesday (KUA serves Tuesday and Thursday). Over eight weeks of generated history, every
    hour shown and every hour advised is one when that line is served."""
    with app.app_context():
        hall = mpp(slug)
        today = date(2027, 3, 1)
        plan = history.generate(db.session, hall, today - timedelta(weeks=8),
                                today - timedelta(days=1), random.Random(11))
        db.session.commit()
        hall = mpp(slug)
        lines, _ = ops.best_times(db.session, hall, today)
        served = {q.id: ops.served_cells(hall, q) for q in hall.queues}
    visited = {(v.queue_id, v.day.isoweekday(), v.hour) for v in plan}
    # the control: history has visits in hours that a line no longer serves
    assert any((d, h) not in served[q] for q, d, h in visited)
    assert lines
    for line in lines:
        assert line.best in served[line.queue.id], line.queue.name
        assert set(line.median_wait) <= served[line.queue.id], line.queue.name


def _visits_before(app, day, days, seed, per_day=30):
    """Visits at Kota Kediri on the `days` days before `day`, and the clock at 10.00 WIB on
    `day`."""
    with app.app_context():
        history.generate(db.session, mpp(), day - timedelta(days=days), day - timedelta(days=1),
                         random.Random(seed), per_day=per_day)
        db.session.commit()
    app.config["CLOCK"] = datetime.combine(day, datetime.min.time().replace(hour=3),
                                           timezone.utc)


def test_thin_history_is_said_on_the_page(app, client):
    _visits_before(app, date(2027, 3, 1), 7, 3)
    page = client.get("/mpp/kota-kediri/waktu-tunggu").get_data(as_text=True)
    assert "Data kunjungan masih sedikit" in page


@pytest.mark.parametrize("language, score, share, mean", [
    ("id", "85,62", "9,1 %", "3,468"), ("en", "85.62", "9.1 %", "3.468")])
def test_numbers_are_written_in_the_pages_language(app, language, score, share, mean):
    """Issue 12: "IKM 85.62", "9.1 %" and "3.468" (three thousand to an Indonesian reader)."""
    from decimal import Decimal
    from fractions import Fraction

    from mpp_digital.filters import decimal, percent
    with app.test_request_context(headers={"Cookie": f"bahasa={language}"}):
        assert decimal(Decimal("85.62"), 2) == score
        assert percent(0.091) == share
        assert decimal(Fraction(867, 250), 3) == mean
        assert decimal(12) == "12" and decimal(1234.5) in ("1.234,5", "1,234.5")


def test_the_indonesian_report_writes_decimal_commas(app, client, january):
    login(client, _manager(app))
    text = client.get("/staf/laporan?tahun=2027&bulan=1").get_data(as_text=True)
    main = text.split("<main", 1)[1]
    assert re.search(r"[0-9]+,[0-9] %", main)                   # the no-show share
    assert not re.search(r"[0-9]+\.[0-9] %", main)
    assert not re.search(r'<td class="num">[0-9]+\.[0-9]+</td>', main)
    csv_rows = client.get("/staf/laporan/antrean.csv?tahun=2027&bulan=1").get_data(as_text=True)
    assert re.search(r",0\.[0-9]{3},", csv_rows)               # CSV keeps machine format


def test_kapan_sebaiknya_datang_follows_a_renamed_line_on_the_next_request(app, client):
    """The page keeps a hall's lines and their hours per catalogue version: a line renamed
    by the manager is named anew on the next request (the memo's key holds the version)."""
    _visits_before(app, date(2027, 3, 1), 56, 5)
    assert "A · Disdukcapil</h2>" in client.get("/mpp/kota-kediri/waktu-tunggu").get_data(
        as_text=True)
    with app.app_context():
        queue(letter="A").name = "Kependudukan"
        db.session.commit()
    page = client.get("/mpp/kota-kediri/waktu-tunggu").get_data(as_text=True)
    assert "A · Kependudukan</h2>" in page and "Disdukcapil</h2>" not in page


def test_kapan_sebaiknya_datang_reads_each_new_day(app, client):
    """The waits are kept for the day they were read on: the next day, the day just over is
    rolled up and counted, as a fresh computation counts it."""
    from mpp_digital.extensions import remembered_memo
    monday = date(2027, 3, 1)
    _visits_before(app, monday, 56, 7)
    assert client.get("/mpp/kota-kediri/waktu-tunggu").status_code == 200
    _visits_before(app, monday + timedelta(days=1), 1, 8, per_day=400)
    assert client.get("/mpp/kota-kediri/waktu-tunggu").status_code == 200
    with app.app_context():
        kept = remembered_memo("wait-medians")
        assert {day for _, day in kept} == {monday, monday + timedelta(days=1)}
        fresh = ops.wait_medians(db.session, mpp().id, monday + timedelta(days=1))
        assert kept[(mpp().id, monday + timedelta(days=1))] == fresh
        assert fresh != kept[(mpp().id, monday)]
