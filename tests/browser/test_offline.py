"""The site on a phone with no connection: pages opened before open again from the device
with a note of when they were saved, a page never opened shows what is saved, and nothing of
staff, the kiosk or the board is ever kept. The manifest passes Chromium's installability
check."""
import time

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


def test_a_booking_proof_opens_offline_until_it_is_cancelled(browser, live_server):
    from datetime import date

    from ..factories import nik

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    _controlled(page, live_server)
    page.goto(live_server + "/mpp/kota-kediri/layanan/kartu-keluarga-baru/jadwal")
    page.locator("ul.days a").last.click()
    page.locator(".radio input").first.check()
    page.get_by_label("Nama lengkap sesuai KTP").fill("Rudi Hartono")
    page.get_by_label("NIK").fill(nik(7301, born=date(1987, 4, 5)))
    page.get_by_label("Nomor ponsel").fill("0812-7301-0000")
    page.get_by_role("button", name="Pesan jadwal ini").click()
    shows(page, "Janji Anda tercatat")
    code = page.locator(".ticket .code").inner_text()
    assert "/janji" in _kept(page)
    context.set_offline(True)
    page.goto(live_server + "/janji")
    shows(page, "Salinan tersimpan dari")
    assert page.locator(".ticket .code").inner_text() == code
    context.set_offline(False)
    page.goto(live_server + "/janji")
    page.get_by_role("link", name="Batalkan janji").click()
    page.get_by_role("button", name="Ya, batalkan janji").click()
    shows(page, "Janji tidak aktif")
    page.goto(live_server + "/janji")                      # the page the worker sees: inactive
    assert "/janji" not in _kept(page)
    context.close()


def _set_phone(served_app, slug, number):
    """A catalogue change: the hall's phone number; returns the number it had."""
    from sqlalchemy import select

    from mpp_digital.catalogue.models import Mpp
    from mpp_digital.extensions import db

    with served_app.app_context():
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == slug))
        old, hall.phone = hall.phone, number
        db.session.commit()
        return old


def test_a_saved_copy_is_replaced_once_the_catalogue_changed(browser, live_server, served_app):
    def set_phone(number):
        return _set_phone(served_app, "kota-kediri", number)

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    _controlled(page, live_server)
    page.goto(live_server + HALL)
    old = set_phone("(0354) 777 777")
    try:
        page.goto(live_server + HALL)                      # online: the new page, kept
        context.set_offline(True)
        page.goto(live_server + HALL)
        shows(page, "Salinan tersimpan dari")
        shows(page, "(0354) 777 777")
    finally:
        set_phone(old)
        context.close()


def _save_hall(browser, live_server, slug):
    """A phone that saved a whole hall with its button: (its context, its page)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    _controlled(page, live_server)
    page.goto(f"{live_server}/mpp/{slug}")
    page.get_by_role("button", name="Simpan untuk dibuka tanpa internet").click()
    shows(page, "Tersimpan di perangkat ini:")
    return context, page


def test_saving_a_hall_opens_every_service_of_it_offline(browser, live_server, served_app):
    context, page = _save_hall(browser, live_server, "kabupaten-sinjai")
    said = page.locator("[data-save-hall] [role=status]").inner_text()
    pages = served_app.test_client().get("/mpp/kabupaten-sinjai/simpan.json").get_json()["pages"]
    assert f": {len(pages)} halaman, " in said and " KB." in said
    context.set_offline(True)
    services = [path for path in pages if "/layanan/" in path]
    assert len(services) > 10
    for path in services:
        page.goto(live_server + path)
        shows(page, "Salinan tersimpan dari")
    context.close()


def test_without_javascript_the_save_button_stays_hidden(phone_without_js, live_server):
    phone_without_js.goto(live_server + HALL)
    assert not phone_without_js.get_by_role(
        "button", name="Simpan untuk dibuka tanpa internet").is_visible()


def test_saved_pages_not_opened_again_are_refreshed_when_back_online(browser, live_server,
                                                                     served_app):
    """A hall saved whole, then its phone number changes while the phone is offline: once the
    phone is online again, the saved service pages are refreshed without being opened (each
    asks with its ETag; the changed ones are saved again)."""
    def set_phone(number):
        return _set_phone(served_app, "kabupaten-sinjai", number)

    context, page = _save_hall(browser, live_server, "kabupaten-sinjai")
    service = next(path for path in served_app.test_client().get(
        "/mpp/kabupaten-sinjai/simpan.json").get_json()["pages"] if "/layanan/" in path)
    context.set_offline(True)
    old = set_phone("(0482) 999 999")
    try:
        context.set_offline(False)                       # online again: the refresh runs
        deadline = time.monotonic() + 60           # ~90 pages asked again, four at a time
        while not page.evaluate("""async (path) => {
                const copy = await (await caches.open("mpp-pages")).match(path);
                return Boolean(copy) && (await copy.text()).includes("(0482) 999 999");
            }""", service):
            assert time.monotonic() < deadline, "the saved copy was not refreshed"
            page.wait_for_timeout(250)
        context.set_offline(True)
        page.goto(live_server + service)
        shows(page, "Salinan tersimpan dari")
        shows(page, "(0482) 999 999")
    finally:
        set_phone(old)
        context.close()


def test_a_checklist_is_shared_with_the_phones_share_sheet_where_it_has_one(browser,
                                                                          live_server):
    """Chromium on Linux has no navigator.share: a stand-in records what the page shares, as
    a phone's share sheet would receive it; without one the WhatsApp link stays."""
    checklist = SERVICE + "/persyaratan"
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    plain = context.new_page()
    plain.goto(live_server + checklist)
    assert plain.get_by_role("link", name="Bagikan lewat WhatsApp").is_visible()
    assert not plain.get_by_role("button", name="Bagikan daftar ini").is_visible()
    context.add_init_script("""navigator.share = (data) => {
        window.__shared = data; return Promise.resolve(); };""")
    page = context.new_page()
    page.goto(live_server + checklist)
    assert not page.get_by_role("link", name="Bagikan lewat WhatsApp").is_visible()
    page.get_by_role("button", name="Bagikan daftar ini").click()
    shared = page.evaluate("window.__shared")
    assert shared["url"].endswith(checklist) and "- KTP-el asli" in shared["text"]
    assert shared["title"].startswith("Daftar periksa: ")
    assert serious(page) == []
    context.close()
