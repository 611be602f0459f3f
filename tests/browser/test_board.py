"""The hall's TV board on a 1080p screen: the number called is the largest thing on it, a new
call appears within one poll, with sound on it chimes and speaks the call in Indonesian, and a
network drop is said on screen and recovered from without a touch."""
import pytest

from mpp_digital.accounts.models import Role, User
from mpp_digital.catalogue.models import Counter
from mpp_digital.extensions import db
from mpp_digital.queue import operations as ops

from ..factories import NOW, first_counter, open_counter, queue, staff
from .axe import serious

pytestmark = pytest.mark.browser

HALL = "kabupaten-sinjai"
TV = {"width": 1920, "height": 1080}
POLL_MS = 3000

# Records what the board would say instead of speaking: a fake Indonesian voice and a
# speechSynthesis that keeps the utterances' texts.
FAKE_VOICE = """
window.__said = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(window, "speechSynthesis", {value: {
  getVoices: function () { return [{lang: "id-ID", name: "Bahasa Indonesia"}]; },
  speak: function (u) { window.__said.push(u.text); }, cancel: function () {},
  onvoiceschanged: null}});
"""


@pytest.fixture(scope="module")
def hall(served_app):
    served_app.config["CLOCK"] = NOW
    with served_app.app_context():
        counter = open_counter(first_counter(HALL))
        clerk = staff("petugas.layar@sinjai.test", Role.CLERK, slug=HALL)
        db.session.commit()
        ids = counter.id, clerk.id
    yield ids
    served_app.config.pop("CLOCK")


def _call(served_app, ids):
    """A walk-in takes a ticket and the counter calls the next one: (the number called, the
    counter's number)."""
    counter_id, clerk_id = ids
    with served_app.app_context():
        ops.issue_ticket(db.session, queue(HALL), NOW)
        db.session.commit()
        counter, clerk = db.session.get(Counter, counter_id), db.session.get(User, clerk_id)
        serving = ops.current_ticket(db.session, counter)
        if serving is not None:
            ops.finish(db.session, serving, counter, clerk, NOW)
        called = ops.call_next(db.session, counter, clerk, NOW)
        db.session.commit()
        return called.display, counter.number


def test_the_number_is_a_quarter_of_the_screen_and_a_call_shows_within_one_poll(
        browser, live_server, served_app, hall):
    context = browser.new_context(viewport=TV, locale="id-ID")
    context.add_init_script(FAKE_VOICE)
    board = context.new_page()
    board.goto(f"{live_server}/mpp/{HALL}/layar")
    assert serious(board) == []
    sound = board.get_by_role("button", name="Aktifkan suara")
    sound.click()
    assert sound.is_hidden() and board.locator("body").get_attribute("data-sound") == "on"
    first, counter = _call(served_app, hall)
    board.locator("#now .ticket-no").filter(has_text=first).wait_for(timeout=POLL_MS + 1500)
    number = board.locator("#now .ticket-no").bounding_box()
    assert number["height"] >= 0.12 * TV["height"], number
    sizes = board.evaluate("""() => Array.from(document.querySelectorAll("main *"))
        .filter(e => e.children.length === 0 && e.textContent.trim())
        .map(e => [parseFloat(getComputedStyle(e).fontSize), e.className])""")
    largest = max(sizes)
    assert largest[1] == "ticket-no", sizes                 # the largest thing on the screen
    assert f"Loket {counter}" in board.locator("#now").inner_text()
    board.wait_for_function("() => window.__said.length > 0", timeout=3000)
    said = board.evaluate("window.__said")
    assert said[-1] == ops.spoken_call(first[0], int(first[2:]), counter), said
    second, _ = _call(served_app, hall)
    board.locator("#now .ticket-no").filter(has_text=second).wait_for(timeout=POLL_MS + 1500)
    assert first in board.locator("#calls").inner_text()          # the call before, below
    assert serious(board) == []
    context.close()


def test_a_network_drop_is_said_and_recovered_from_without_a_touch(browser, live_server,
                                                                    served_app, hall):
    context = browser.new_context(viewport=TV, locale="id-ID")
    board = context.new_page()
    board.goto(f"{live_server}/mpp/{HALL}/layar")
    stale = board.locator("#stale")
    assert stale.is_hidden()
    context.set_offline(True)
    stale.wait_for(state="visible", timeout=3 * POLL_MS + 3000)
    assert "Koneksi terputus" in stale.inner_text()
    assert serious(board) == []
    context.set_offline(False)
    called, _ = _call(served_app, hall)           # the hall went on while the TV was off
    board.locator("#now .ticket-no").filter(has_text=called).wait_for(timeout=POLL_MS + 3000)
    assert stale.is_hidden()
    context.close()
