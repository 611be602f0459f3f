"""A day at the counter: kiosk tickets, a clerk calling them, the TV board and the citizen."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from mpp_digital.accounts.devices import add_device
from mpp_digital.accounts.models import Role
from mpp_digital.catalogue.operations import hall_day
from mpp_digital.extensions import db
from mpp_digital.queue.models import Ticket

from ..factories import NOW, PASSWORD, mpp, queue, staff
from .axe import serious

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hall_open(served_app):
    """09.00 WIB on the first day from NOW that Kota Kediri is open (another test changes its
    hours), so that the kiosk issues tickets; and a code a manager made for the kiosk."""
    with served_app.app_context():
        when = next(NOW + timedelta(days=n) for n in range(14)
                    if hall_day(db.session, mpp(), NOW + timedelta(days=n), "id").open_now)
        _, code = add_device(db.session, mpp(), "Kiosk pintu utama", "kiosk", None, when)
        db.session.commit()
    served_app.config["CLOCK"] = when
    yield code
    served_app.config.pop("CLOCK")


@pytest.fixture(scope="module")
def clerk(served_app):
    with served_app.app_context():
        user = staff("petugas.dpmptsp@hall.test", Role.CLERK, letter="B")
        counter = user.counters[0]
        db.session.commit()
        return user.email, counter.id, counter.number


def _status_url(served_app, display):
    """The status page of today's ticket `display` at Kota Kediri (its QR code's address)."""
    letter, number = display.split("-")
    with served_app.app_context():
        token = db.session.scalar(select(Ticket.token).where(
            Ticket.issued_queue_id == queue(letter=letter).id, Ticket.number == int(number))
            .order_by(Ticket.id.desc()).limit(1))
    return f"/tiket/{token}"


def test_a_clerk_serves_three_tickets_while_the_board_follows(browser, live_server, clerk,
                                                              hall_open, served_app):
    email, counter_id, number = clerk
    stranger = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    remote = stranger.new_page()
    remote.goto(live_server + "/mpp/kota-kediri/kiosk")          # from home: no ticket button
    assert "diambil di anjungan" in remote.locator("main").inner_text()
    assert remote.get_by_role("button", name="Ambil nomor").count() == 0
    stranger.close()
    hall = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    kiosk, board = hall.new_page(), hall.new_page()
    kiosk.goto(live_server + "/staf/perangkat")
    kiosk.get_by_label("Kode pendaftaran").fill(hall_open)
    kiosk.get_by_role("button", name="Daftarkan").click()
    kiosk.wait_for_url("**/mpp/kota-kediri/kiosk")
    assert serious(kiosk) == []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    desk, citizen = context.new_page(), context.new_page()
    status_urls = []
    for _ in range(3):
        kiosk.goto(live_server + "/mpp/kota-kediri/kiosk")
        kiosk.get_by_role("button", name=re.compile(r"^B DPMPTSP")).click()
        kiosk.locator("#ticket-number").wait_for()
        status_urls.append(_status_url(served_app, kiosk.locator("#ticket-number").inner_text()))
    tickets = [kiosk.locator("#ticket-number").inner_text()]
    board.goto(live_server + "/mpp/kota-kediri/layar")
    assert serious(board) == []
    desk.goto(live_server + "/staf/masuk")
    desk.get_by_label("Email").fill(email)
    desk.get_by_label("Kata sandi").fill(PASSWORD)
    desk.get_by_role("button", name="Masuk").click()
    desk.get_by_role("link", name=f"Loket {number}").click()
    desk.get_by_role("button", name="Buka loket").click()
    assert serious(desk) == []
    for n in range(1, 4):
        desk.get_by_role("button", name="Panggil berikutnya").click()
        called = desk.locator(".current .ticket-no").inner_text()
        board.locator("#now .ticket-no").filter(has_text=called).wait_for(timeout=8000)
        if n == 3:
            citizen.goto(live_server + status_urls[2])
            assert f"Dipanggil ke loket {number}" in citizen.locator(".status-box").inner_text()
            assert serious(citizen) == []
        desk.get_by_role("button", name="Mulai layani").click()
        desk.get_by_role("button", name="Selesai").click()
    assert tickets[0].startswith("B-")
    context.close()
    hall.close()
