"""A booking's e-mail reaches a real SMTP server; its link, opened on a 360 px phone without
JavaScript, confirms the visit with one button."""
import re
from datetime import date

import pytest

from mpp_digital.notify.worker import work

from ..factories import nik
from ..notify.conftest import Inbox, _free_port
from .axe import serious
from .pages import heading, shows

pytestmark = pytest.mark.browser


@pytest.fixture
def mailed(served_app):
    from aiosmtpd.controller import Controller
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = dict(NOTIFY_SMTP_HOST="127.0.0.1", NOTIFY_SMTP_PORT=controller.port,
                    NOTIFY_SMTP_SECURITY="none", NOTIFY_SENDER="MPP <janji@mpp.test>")
    served_app.config.update(settings)
    yield received
    for key in settings:
        served_app.config[key] = None
    controller.stop()


def _fill_citizen(page, name, number, phone, email):
    page.get_by_label("Nama lengkap sesuai KTP").fill(name)
    page.get_by_label("NIK").fill(number)
    page.get_by_label("Nomor ponsel").fill(phone)
    page.get_by_label("Email (boleh dikosongkan)").fill(email)


def test_the_emailed_link_confirms_the_visit_without_javascript(phone_without_js, phone,
                                                                live_server, served_app,
                                                                mailed):
    page = phone_without_js
    page.goto(live_server + "/mpp/kota-kediri/layanan/paspor-biasa/jadwal")
    page.locator("ul.days a").first.click()
    page.locator(".radio input").first.check()
    _fill_citizen(page, "Siti Aminah", nik(5101, born=date(1985, 3, 9), woman=True),
                  "0812-5555-1234", "siti@example.test")
    page.get_by_role("button", name="Pesan jadwal ini").click()
    heading(page, "Janji Anda tercatat")
    shows(page, "dikirim ke e-mail Anda")
    with served_app.app_context():
        work(served_app.config, once=True)
    (mail,) = [m for m in mailed.mails if m["To"] == "siti@example.test"]
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/janji/tautan/\S+", text)[0]
    page.goto(live_server + link[link.index("/janji/tautan/"):])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Saya datang").click()
    shows(page, "kami tunggu kedatangan Anda")
    assert page.get_by_role("button", name="Saya datang").count() == 0
    phone.goto(page.url)                      # the same page in a browser with JavaScript
    assert serious(phone) == []


def test_a_cancelled_seat_goes_to_the_first_waiting_citizen(phone_without_js, phone,
                                                            live_server, served_app, mailed):
    from mpp_digital import clock
    from mpp_digital.booking import operations as booking
    from mpp_digital.booking import slots
    from mpp_digital.booking.links import token_for
    from mpp_digital.extensions import db

    from ..factories import citizen, offering

    # The last bookable day of passports at Kota Kediri is booked full (no other test books it).
    with served_app.app_context():
        offer, now = offering(), clock.now()
        slots.ensure_slots(db.session, offer, now)
        day = slots.available_days(db.session, offer, now)[-1][0]
        booked = []
        for slot in slots.free_slots(db.session, offer, day, now):
            while slot.free:
                booked.append(booking.book_appointment(
                    db.session, offer, slot, citizen(7000 + len(booked)), now, served_app.config[
                        "NIK_HMAC_KEY"], 3)[0])
                db.session.refresh(slot)
        cancel_link = f"/janji/tautan/{token_for(booked[0])}"
        db.session.commit()
    page = phone_without_js
    page.goto(f"{live_server}/mpp/kota-kediri/layanan/paspor-biasa/jadwal/{day.isoformat()}")
    shows(page, "Tidak ada jam kosong pada tanggal ini.")
    _fill_citizen(page, "Rina Wulandari", nik(5202, born=date(1992, 6, 1), woman=True),
                  "0812-7777-1234", "rina@example.test")
    page.get_by_role("button", name="Masuk daftar tunggu").click()
    shows(page, "Anda menunggu di urutan ke-1.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Another citizen cancels from the link of their message.
    phone.goto(live_server + cancel_link)
    phone.get_by_role("button", name="Batalkan janji").click()
    shows(phone, "Janji Anda sudah dibatalkan.")
    with served_app.app_context():
        work(served_app.config, once=True)
    (mail,) = [m for m in mailed.mails if m["To"] == "rina@example.test"]
    assert mail["Subject"].startswith("Ada kursi untuk Anda")
    link = re.search(r"https?://\S+/antrean-tunggu/\S+", mail.get_body(("plain",)).get_content())[0]
    page.goto(live_server + link[link.index("/antrean-tunggu/"):])
    shows(page, "Ada kursi untuk Anda:")
    phone.goto(page.url)                         # axe needs JavaScript; the citizen's phone has none
    assert serious(phone) == []
    page.get_by_role("button", name="Ambil kursi ini").click()
    heading(page, "Janji Anda tercatat")
    shows(page, "Rina Wulandari")
