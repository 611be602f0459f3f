"""A resident on a cheap phone: home → region → MPP → service → printable checklist."""
import gzip

import pytest

from .axe import serious
from .pages import at, heading, heading_starts, shows

pytestmark = pytest.mark.browser

BUDGET = 30 * 1024     # bytes transferred per page, compressed: HTML + CSS + JS


def _walk_to_checklist(page, base):
    page.goto(base + "/")
    page.get_by_role("link", name="Sulawesi Selatan").click()
    heading(page, "Sulawesi Selatan")
    page.get_by_role("link", name="Kabupaten Sinjai", exact=True).click()
    heading(page, "Mal Pelayanan Publik Kabupaten Sinjai")
    page.get_by_role("link", name="Penerbitan SKCK baru").click()
    heading(page, "Penerbitan SKCK baru")
    assert "Rp30.000" in page.locator(".facts").inner_text()
    page.get_by_role("link", name="Daftar periksa untuk dicetak").click()
    heading_starts(page, "Daftar periksa")
    first = page.get_by_label("Surat pengantar dari kelurahan/desa")
    first.check()
    assert first.is_checked()
    return page


def test_a_resident_reaches_a_printable_checklist(phone, live_server):
    page = _walk_to_checklist(phone, live_server)
    assert page.get_by_role("button", name="Cetak").is_visible()     # JS shows the button


def test_the_same_journey_works_without_javascript(phone_without_js, live_server):
    page = _walk_to_checklist(phone_without_js, live_server)
    assert not page.get_by_role("button", name="Cetak").is_visible()  # the menu prints instead


def test_typing_a_region_name_finds_its_hall(phone, live_server):
    phone.goto(live_server + "/")
    region_form = phone.locator("main form.search")
    region_form.get_by_label("Nama kabupaten/kota").fill("mataram")
    region_form.get_by_role("button", name="Cari").click()
    heading(phone, "Mal Pelayanan Publik Kota Mataram")
    assert "WITA" in phone.locator(".today").inner_text()


def test_english_is_one_click_away(phone, live_server):
    phone.goto(live_server + "/mpp/kota-kediri")
    phone.get_by_role("link", name="English").click()
    shows(phone, "Agencies and services")           # the English page has loaded
    assert phone.url.endswith("/mpp/kota-kediri")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", name="Agencies and services").is_visible()


def test_searching_from_an_mpp_page_without_javascript(phone_without_js, live_server):
    page = phone_without_js
    page.goto(live_server + "/mpp/kota-kediri")
    page.get_by_role("searchbox", name="Cari layanan").fill("akte lahir")
    page.locator("form.quick-search").get_by_role("button", name="Cari").click()
    heading(page, "Cari layanan di Mal Pelayanan Publik Kota Kediri")
    first = page.locator("ol.results li a").first
    assert first.locator("mark").count() == 2
    first.click()
    at(page, "/mpp/kota-kediri/layanan/akta-kelahiran")


def test_a_misspelled_search_offers_the_right_spelling(phone, live_server):
    phone.goto(live_server + "/cari?q=pspr")
    phone.get_by_role("link", name="paspor", exact=True).click()
    assert phone.locator("ol.results li").first.inner_text().startswith("Paspor biasa")


PAGES = ["/", "/provinsi/sulawesi-selatan", "/wilayah/kabupaten-gowa", "/mpp/kabupaten-sinjai",
         "/mpp/kabupaten-sinjai/layanan/skck-baru",
         "/mpp/kabupaten-sinjai/layanan/skck-baru/persyaratan", "/layanan",
         "/layanan/skck-baru", "/wilayah?q=x", "/mpp/tidak-ada", "/cari?q=bikin+ktp",
         "/cari?q=pspr&mpp=kota-kediri", "/cari?q=x", "/mpp/kota-kediri/waktu-tunggu",
         "/mpp/kota-kediri/ikm", "/mpp/kota-kediri/ikm?tahun=abc", "/peristiwa-hidup",
         "/peristiwa-hidup/kelahiran", "/mpp/kota-kediri/peristiwa-hidup/kelahiran",
         "/mpp/kota-kediri/kunjungan?peristiwa=kelahiran",
         "/mpp/kota-kediri/kunjungan?layanan=pengecekan-sertipikat&layanan=pendaftaran-nikah"]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(phone, live_server, path):
    phone.goto(live_server + path)
    assert serious(phone) == []


@pytest.mark.parametrize("path", PAGES[:6] + PAGES[-3:])
def test_pages_fit_a_360px_screen(phone, live_server, path):
    phone.goto(live_server + path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("name, path", [
    ("home", "/"),
    ("mpp", "/mpp/kota-kediri"),
    ("service", "/mpp/kota-kediri/layanan/paspor-biasa"),
    ("search", "/cari?q=bikin+paspor"),
    ("best time", "/mpp/kota-kediri/waktu-tunggu"),
    ("ikm", "/mpp/kota-kediri/ikm"),
    ("visit plan", "/mpp/kota-kediri/kunjungan?peristiwa=kelahiran"),
])
def test_pages_stay_within_the_byte_budget_and_on_site(phone, live_server, name, path):
    responses, off_site = [], []

    def on_site_only(route):
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            off_site.append(route.request.url)
            route.abort()

    phone.route("**/*", on_site_only)
    phone.on("response", lambda response: responses.append(response))
    phone.goto(live_server + path, wait_until="networkidle")
    bodies = [r.body() for r in responses]
    compressed = sum(len(gzip.compress(body, 6)) for body in bodies)
    raw = sum(len(body) for body in bodies)
    print(f"\nbudget {name}: {len(bodies)} requests, {raw} B raw, {compressed} B gzip")
    assert off_site == []
    assert compressed <= BUDGET
