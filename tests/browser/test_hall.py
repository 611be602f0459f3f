"""A day at the counter: kiosk tickets, a clerk calling them, the TV board and the citizen."""
import pytest

from mpp_digital.accounts.models import Role
from mpp_digital.extensions import db

from ..queue.helpers import PASSWORD, staff
from .axe import serious

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def clerk(served_app):
    with served_app.app_context():
        user = staff("petugas.dpmptsp@hall.test", Role.CLERK, letter="B")
        counter = user.counters[0]
        db.session.commit()
        return user.email, counter.id, counter.number


def test_a_clerk_serves_three_tickets_while_the_board_follows(browser, live_server, clerk):
    email, counter_id, number = clerk
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    kiosk, board, desk, citizen = (context.new_page() for _ in range(4))
    status_urls = []
    kiosk.goto(live_server + "/mpp/kota-kediri/kiosk")
    assert serious(kiosk) == []
    for _ in range(3):
        kiosk.goto(live_server + "/mpp/kota-kediri/kiosk")
        kiosk.get_by_label("B · DPMPTSP").check()
        kiosk.get_by_role("button", name="Ambil nomor").click()
        status_urls.append(kiosk.get_by_role("link", name="Lihat status tiket").get_attribute(
            "href"))
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
        board.locator("#calls li.newest").filter(has_text=called).wait_for(timeout=8000)
        if n == 3:
            citizen.goto(live_server + status_urls[2])
            assert f"Dipanggil ke loket {number}" in citizen.locator(".status-box").inner_text()
            assert serious(citizen) == []
        desk.get_by_role("button", name="Mulai layani").click()
        desk.get_by_role("button", name="Selesai").click()
    assert tickets[0].startswith("B-")
    context.close()
