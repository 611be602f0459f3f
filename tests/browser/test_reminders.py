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


def test_the_emailed_link_confirms_the_visit_without_javascript(phone_without_js, phone,
                                                                live_server, served_app,
                                                                mailed):
    page = phone_without_js
    page.goto(live_server + "/mpp/kota-kediri/layanan/paspor-biasa/jadwal")
    page.locator("ul.days a").first.click()
    page.locator(".radio input").first.check()
    page.get_by_label("Nama lengkap sesuai KTP").fill("Siti Aminah")
    page.get_by_label("NIK").fill(nik(5101, born=date(1985, 3, 9), woman=True))
    page.get_by_label("Nomor ponsel").fill("0812-5555-1234")
    page.get_by_label("Email (boleh dikosongkan)").fill("siti@example.test")
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
