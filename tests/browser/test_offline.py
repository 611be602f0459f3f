"""The site on a phone with no connection: pages opened before open again from the device
with a note of when they were saved, a page never opened shows what is saved, and nothing of
staff, the kiosk or the board is ever kept. The manifest passes Chromium's installability
check."""
import pytest

from .axe import serious
from .pages import shows

pytestmark = pytest.mark.browser

HALL = "/mpp/kota-kediri"
SERVICE = "/mpp/kota-kediri/layanan/paspor-biasa"


def _controlled(page, base):
    """Open the site and wait until the service worker controls the page."""
    page.goto(base + "/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _kept(page):
    return page.evaluate("""async () => {
        const found = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) found.push(new URL(request.url).pathname);
        }
        return found;
    }""")


def test_pages_opened_before_open_offline_with_a_note(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    _controlled(page, live_server)
    for path in (HALL, SERVICE):
        page.goto(live_server + path)
    context.set_offline(True)
    for path, heading in ((HALL, "Mal Pelayanan Publik Kota Kediri"),
                          (SERVICE, "Paspor biasa")):
        page.goto(live_server + path)
        assert page.locator("h1").inner_text().startswith(heading)
        shows(page, "Salinan tersimpan dari")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(live_server + "/mpp/kota-mataram")            # never opened
    shows(page, "Anda sedang tidak terhubung ke internet")
    saved = page.locator("ul.saved").inner_text()
    assert "Mal Pelayanan Publik Kota Kediri" in saved and "Paspor biasa" in saved
    context.set_offline(False)
    page.goto(live_server + HALL)
    assert page.locator(".offline-copy").count() == 0          # online: the live page
    context.close()


def test_staff_pages_the_kiosk_and_the_board_are_never_kept(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    _controlled(page, live_server)
    for path in ("/staf/masuk", "/mpp/kota-kediri/kiosk", "/mpp/kota-kediri/layar",
                 "/cari?q=paspor", "/mpp/kota-kediri/layanan/paspor-biasa/jadwal",
                 "/janji/cari", HALL):
        page.goto(live_server + path)
    kept = _kept(page)
    assert HALL in kept and "/offline" in kept
    for path in kept:
        assert not path.startswith(("/staf", "/cari", "/janji/", "/api")), path
        assert not path.endswith(("/kiosk", "/layar", "/jadwal")), path
    context.close()


def test_the_offline_page_is_accessible(phone, live_server):
    phone.goto(live_server + "/offline")
    assert serious(phone) == []


def test_the_manifest_passes_the_installability_check(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    _controlled(page, live_server)
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A test browser's profile is private, which Chromium names; nothing else may be wrong.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    assert manifest["short_name"] == "MPP Digital" and manifest["lang"] == "id"
    context.close()
