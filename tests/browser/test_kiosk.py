"""The hall's kiosk on its stand, portrait 1080×1920 and landscape 1280×800: a walk-in touches
the service they came for, the ticket prints itself and the screen goes back to the start by
itself; every touch target is at least 64 px (measured), and axe finds nothing serious."""
import re
from datetime import timedelta

import pytest

from mpp_digital.accounts.devices import add_device
from mpp_digital.catalogue.operations import hall_day
from mpp_digital.extensions import db

from ..factories import NOW, mpp
from .axe import serious

pytestmark = pytest.mark.browser

SIZES = {"portrait": {"width": 1080, "height": 1920},
         "landscape": {"width": 1280, "height": 800}}
HALL = "kota-kediri"

# Counts the prints instead of opening the print dialog.
COUNT_PRINTS = "window.__prints = 0; window.print = function () { window.__prints += 1; };"

# Every visible target a finger can touch: buttons, links, fields, and a radio's label (the
# row it fills is what is touched; the dot inside it is part of that row).
TARGETS = """() => Array.from(document.querySelectorAll(
    'main button, main a, main input:not([type=radio]):not([type=hidden]), main select, ' +
    'main .radio label, header a, header button'))
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
  .filter(([_, r]) => r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0)
  .map(([html, r]) => [html, Math.round(r.width), Math.round(r.height)])"""


@pytest.fixture(scope="module")
def kiosk_code(served_app):
    with served_app.app_context():
        when = next(NOW + timedelta(days=n) for n in range(14)
                    if hall_day(db.session, mpp(HALL), NOW + timedelta(days=n), "id").open_now)
        codes = [add_device(db.session, mpp(HALL), f"Kiosk {size}", "kiosk", None, when)[1]
                 for size in SIZES]
        db.session.commit()
    return when, codes


@pytest.fixture
def open_hall(served_app, kiosk_code):
    served_app.config["CLOCK"] = kiosk_code[0]
    served_app.config["KIOSK_RETURN_SECONDS"] = 2
    yield kiosk_code[1]
    served_app.config.pop("CLOCK")
    served_app.config["KIOSK_RETURN_SECONDS"] = 15


def _small(page):
    return [t for t in page.evaluate(TARGETS) if t[1] < 64 or t[2] < 64]


@pytest.mark.parametrize("size", list(SIZES))
def test_a_walk_in_takes_a_ticket_and_the_kiosk_returns_to_the_start(browser, live_server,
                                                                     open_hall, size):
    context = browser.new_context(viewport=SIZES[size], locale="id-ID", has_touch=True)
    context.add_init_script(COUNT_PRINTS)
    kiosk = context.new_page()
    kiosk.goto(live_server + "/staf/perangkat")
    kiosk.get_by_label("Kode pendaftaran").fill(open_hall[list(SIZES).index(size)])
    kiosk.get_by_role("button", name="Daftarkan").click()
    kiosk.wait_for_url(f"**/mpp/{HALL}/kiosk")
    start = kiosk.url
    assert kiosk.locator("header nav, footer").count() == 0           # no menu, no way out
    assert _small(kiosk) == []
    assert serious(kiosk) == []
    kiosk.get_by_label("Cari layanan, mis. KTP, paspor, SIM").fill("paspor")
    kiosk.get_by_role("button", name="Cari", exact=True).tap()
    line = kiosk.get_by_role("button", name=re.compile(r"^D Imigrasi"))
    line.wait_for()
    assert kiosk.get_by_role("button", name=re.compile(r"^A Disdukcapil")).count() == 0
    kiosk.get_by_text("Lansia").tap()
    line.tap()
    number = kiosk.locator("#ticket-number")
    number.wait_for()
    assert re.fullmatch(r"D-\d{3}", number.inner_text())
    assert number.bounding_box()["height"] >= 0.1 * SIZES[size]["height"]   # the number, huge
    kiosk.wait_for_function("() => window.__prints === 1")                 # printed itself
    assert _small(kiosk) == []
    assert serious(kiosk) == []
    kiosk.wait_for_url(start, timeout=6000)                              # back by itself
    assert kiosk.get_by_label("Cari layanan, mis. KTP, paspor, SIM").input_value() == ""
    assert kiosk.get_by_label("Kode janji").input_value() == ""
    kiosk.get_by_role("button", name=re.compile(r"^B DPMPTSP")).tap()
    kiosk.locator("#ticket-number").wait_for()
    kiosk.get_by_role("link", name="Selesai").tap()                      # or at once
    kiosk.wait_for_url(start)
    context.close()
