"""A manager's day in the back office, a citizen's rating, and the index it moves.

The manager changes the hall's opening hours day by day after some cancellations, sees the
two bookings the change no longer fits, moves both at once with one message the citizen then
reads; a citizen rates a finished visit and the
manager sees the IKM change. Every back-office page is checked with axe.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from mpp_digital.accounts.models import Role
from mpp_digital.booking import operations as booking
from mpp_digital.booking import slots
from mpp_digital.catalogue.models import Mpp
from mpp_digital.extensions import db
from mpp_digital.queue import operations as queue_ops

from ..admin.helpers import KEY
from ..factories import PASSWORD, citizen, staff
from .axe import serious
from .pages import at, shows

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
WEEKDAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


@pytest.fixture(scope="module")
def hall_day(served_app):
    """A manager at Kota Kediri, a booking of a service that keeps the hall's hours, and a
    visit finished today at the Disdukcapil line."""
    now = datetime.now(timezone.utc)
    with served_app.app_context():
        manager = staff("pengelola.browser@kedirikota.go.id", Role.MPP_MANAGER)
        clerk = staff("petugas.browser@kedirikota.go.id", Role.CLERK)
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        offering = next(o for o in sorted(hall.offerings, key=lambda o: o.id)
                        if o.bookable and not o.hours)
        slots.ensure_slots(db.session, offering, now)
        day = next(d for d, _ in slots.available_days(db.session, offering, now)
                   if d > now.date() + timedelta(days=1))
        free = slots.free_slots(db.session, offering, day, now)
        person = citizen(4242)
        appointment = booking.book_appointment(db.session, offering, free[0], person, now,
                                               KEY, 3)[0]
        # Another booking that day, and one cancelled (cancelled bookings once made saving
        # the hours fail).
        booking.book_appointment(db.session, offering, free[1], citizen(4243), now, KEY, 3)
        gone = booking.book_appointment(db.session, offering, free[2], citizen(4244), now,
                                        KEY, 3)[0]
        booking.cancel_appointment(db.session, gone, now)
        line = clerk.counters[0].queues[0]
        counter = clerk.counters[0]
        counter.is_open = True
        ticket = queue_ops.issue_ticket(db.session, line, now - timedelta(minutes=30))
        queue_ops.call_next(db.session, counter, clerk, now - timedelta(minutes=20))
        queue_ops.start_service(db.session, ticket, counter, clerk, now - timedelta(minutes=19))
        queue_ops.finish(db.session, ticket, counter, clerk, now - timedelta(minutes=10))
        db.session.commit()
        return {"email": manager.email, "code": appointment.code,
                "last4": person.nik.digits[-4:], "weekday": day.isoweekday(),
                "offering_id": offering.id, "ticket": ticket.token}


def _login(page, live_server, email):
    page.goto(live_server + "/staf/masuk")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_a_manager_moves_a_booking_a_new_schedule_no_longer_fits(browser, live_server,
                                                                 hall_day):
    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    page = context.new_page()
    _login(page, live_server, hall_day["email"])
    page.get_by_role("link", name="Kelola MPP: jam buka, layanan, loket, petugas").click()
    assert serious(page) == []
    for name in ("Layanan", "Antrean dan loket", "Petugas", "Log audit"):
        page.get_by_role("link", name=name, exact=True).first.click()
        assert serious(page) == [], name
        page.go_back()
    # Closed on the booked weekday from now on, edited day by day.
    weekday = WEEKDAYS[hall_day["weekday"] - 1]
    day = page.get_by_role("group", name=weekday)
    assert day.get_by_label("Buka", exact=True).is_checked()
    day.get_by_label("Buka", exact=True).uncheck()
    friday = page.get_by_role("group", name="Jumat")
    if weekday != "Jumat":          # Friday: open longer, with a break for Friday prayers
        friday.get_by_label("Tutup pukul").fill("15:00")
        friday.get_by_label("Istirahat mulai").fill("11:30")
        friday.get_by_label("Istirahat selesai").fill("13:00")
    page.get_by_role("button", name="Simpan jam buka").click()
    at(page, "/janji-terdampak")
    assert "tidak lagi cocok dengan jadwal" in page.locator("div.notice").first.inner_text()
    assert serious(page) == []
    assert page.locator("section.card h2").filter(has_text="·").count() == 2
    page.get_by_label(re.compile("^Pilih janji")).first.check()
    page.get_by_label(re.compile("^Pilih janji")).last.check()
    page.locator("#bulk").get_by_label("Pesan untuk warga").fill(
        "Jam buka berubah. Silakan datang pada jadwal baru ini.")
    page.get_by_role("button", name="Pindahkan yang dipilih").click()
    shows(page, "2 janji dipindahkan ke jadwal kosong terdekat")
    shows(page, "Tidak ada janji yang terdampak")
    page.goto(live_server + "/staf/kelola/mpp/kota-kediri")
    assert not page.get_by_role("group", name=weekday).get_by_label(
        "Buka", exact=True).is_checked()
    if weekday != "Jumat":
        assert page.get_by_role("group", name="Jumat").get_by_label(
            "Istirahat mulai").input_value() == "11:30"
    assert serious(page) == []
    page.goto(live_server + "/staf/kelola/audit")
    assert "appointment.move" in page.content() and "mpp.hours" in page.content()
    assert serious(page) == []
    context.close()
    # The citizen looks the booking up and reads the hall's message.
    visitor = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    mine = visitor.new_page()
    mine.goto(live_server + "/janji/cari")
    mine.get_by_label("Kode janji").fill(hall_day["code"])
    mine.get_by_label("4 angka terakhir NIK").fill(hall_day["last4"])
    mine.get_by_role("button", name="Lihat janji").click()
    shows(mine, "Jam buka berubah. Silakan datang pada jadwal baru ini.")
    visitor.close()


def test_a_rating_moves_the_index_the_manager_sees(browser, live_server, hall_day):
    staff_context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    desk = staff_context.new_page()
    _login(desk, live_server, hall_day["email"])
    desk.goto(live_server + "/staf/laporan")
    before = desk.locator("#ikm").locator("xpath=..").inner_text()
    assert "Belum ada responden" in before
    assert serious(desk) == []
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID",
                                java_script_enabled=False).new_page()
    phone.goto(live_server + f"/tiket/{hall_day['ticket']}")
    phone.get_by_role("link", name="Nilai layanan kami (2 menit, tanpa nama)").click()
    checker = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    checker.goto(phone.url)                 # axe needs JavaScript; the citizen's phone has none
    assert serious(checker) == []
    checker.context.close()
    phone.get_by_label("Layanan yang Anda terima").select_option(index=1)
    for fieldset in phone.locator("fieldset").all():
        fieldset.locator("input[type=radio]").last.check()          # "sangat …", 4
    phone.get_by_role("button", name="Kirim penilaian").click()
    shows(phone, "Terima kasih")
    desk.reload()
    after = desk.locator("#ikm").locator("xpath=..").inner_text()
    assert "IKM 100,00 · mutu A (Sangat baik)" in after and "1 responden" in after
    desk.goto(live_server + "/mpp/kota-kediri/ikm")
    shows(desk, "IKM 100,00")
    assert serious(desk) == []
    staff_context.close()


def test_every_back_office_page_passes_axe(browser, live_server, served_app, hall_day):
    with served_app.app_context():
        admin = staff("admin.browser@uji.test", Role.NATIONAL_ADMIN)
        db.session.commit()
        email = admin.email
    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    page = context.new_page()
    _login(page, live_server, email)
    paths = ["/staf", "/staf/kelola/", "/staf/kelola/mpp/kota-kediri",
             "/staf/kelola/mpp/kota-kediri/layanan",
             f"/staf/kelola/mpp/kota-kediri/layanan/{hall_day['offering_id']}",
             "/staf/kelola/mpp/kota-kediri/antrean", "/staf/kelola/mpp/kota-kediri/petugas",
             "/staf/kelola/mpp/kota-kediri/janji-terdampak", "/staf/kelola/audit",
             "/staf/kelola/instansi", "/staf/kelola/instansi/1", "/staf/kelola/layanan",
             "/staf/kelola/layanan/1", "/staf/kelola/layanan-baru", "/staf/kelola/pengelola",
             "/staf/kelola/cuti-bersama", "/staf/kelola/mpp-baru", "/staf/laporan",
             "/staf/laporan?mpp=kota-kediri"]
    failures = {}
    for path in paths:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found = serious(page)
        if found:
            failures[path] = found
    # A form sent with mistakes shows its messages accessibly too.
    page.goto(live_server + "/staf/kelola/mpp-baru")
    page.get_by_role("button", name="Buat MPP").click()
    shows(page, "Ada yang perlu diperbaiki")
    if serious(page):
        failures["mpp-baru (errors)"] = serious(page)
    assert failures == {}
    context.close()
