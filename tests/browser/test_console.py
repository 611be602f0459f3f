"""The clerk's console on a small laptop: three citizens served with the keyboard alone, and
tickets issued meanwhile appear in the line without a reload."""
import pytest

from mpp_digital.accounts.models import Role
from mpp_digital.extensions import db
from mpp_digital.queue import operations as ops

from ..factories import NOW, PASSWORD, queue, staff
from .axe import serious

pytestmark = pytest.mark.browser

HALL = "kota-mataram"
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def clerk(served_app):
    with served_app.app_context():
        user = staff("petugas.konsol@mataram.test", Role.CLERK, slug=HALL)
        counter = user.counters[0]
        db.session.commit()
        return user.email, counter.id


@pytest.fixture
def clock(served_app):
    served_app.config["CLOCK"] = NOW
    yield
    served_app.config.pop("CLOCK")


def _walk_in(served_app):
    with served_app.app_context():
        ticket = ops.issue_ticket(db.session, queue(HALL), NOW)
        db.session.commit()
        return ticket.display


def _press(desk, key):
    """A key, once the page's shortcuts listen (a key pressed while a page loads is lost)."""
    desk.locator("html[data-keys=ready]").wait_for(state="attached")
    desk.keyboard.press(key)


def test_a_clerk_serves_three_citizens_with_the_keyboard_alone(browser, live_server, served_app,
                                                               clerk, clock):
    email, counter_id = clerk
    context = browser.new_context(viewport=LAPTOP, locale="id-ID")
    desk = context.new_page()
    desk.goto(live_server + "/staf/masuk")
    desk.get_by_label("Email").fill(email)
    desk.get_by_label("Kata sandi").fill(PASSWORD)
    desk.get_by_label("Kata sandi").press("Enter")
    desk.wait_for_url("**/staf")
    desk.goto(f"{live_server}/staf/loket/{counter_id}")
    _press(desk, "b")                                     # open the counter
    desk.get_by_role("button", name="Jeda loket").wait_for()
    assert serious(desk) == []
    desk.evaluate("window.__same_page = true")
    tickets = [_walk_in(served_app) for _ in range(3)]
    line = desk.locator("#line")
    line.locator(".ticket-no").filter(has_text=tickets[-1]).wait_for(timeout=8000)  # no reload
    assert desk.evaluate("window.__same_page === true")
    assert "Menunggu: 3" in line.inner_text()
    for ticket in tickets:
        _press(desk, "n")                                 # call next
        desk.locator(".current .ticket-no").filter(has_text=ticket).wait_for()
        _press(desk, "s")                                 # finished: two keys a citizen
        desk.get_by_text("Tidak ada tiket di loket.").wait_for()
    assert "Menunggu: 0" in line.inner_text()
    _press(desk, "z")                                     # undo the last finish
    desk.get_by_text(f"Diurungkan: selesai {tickets[-1]}.").wait_for()
    _press(desk, "t")                                     # not present … asks once more
    desk.get_by_text(f"Tandai {tickets[-1]} tidak hadir?").wait_for()
    assert serious(desk) == []
    _press(desk, "Escape")                                # … and nothing changed
    desk.get_by_role("button", name="Selesai").wait_for()
    _press(desk, "s")
    desk.get_by_text("Tidak ada tiket di loket.").wait_for()
    context.close()
