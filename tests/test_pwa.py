"""The installable, offline-capable site, as the server serves it: the worker from the root
with its release, the manifest, the page shown offline, the share link of a checklist, and the
mark that tells the worker to drop a booking no longer active. (The worker itself runs in
Chromium: tests/browser/test_offline.py.)"""
import re
from urllib.parse import unquote

from .booking.test_pages import _book


def test_the_worker_is_served_from_the_root_with_its_release(client):
    response = client.get("/sw.js")
    script = response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    assert "__VERSION__" not in script
    assert re.search(r'const VERSION = "[0-9a-f]{12}";', script)
    assert "/staf" not in script.split("const KEPT", 1)[1].split(";", 1)[0]   # never kept


def test_the_manifest_names_the_app_in_indonesian_with_its_icons(client):
    response = client.get("/manifest.webmanifest")
    manifest = response.get_json()
    assert response.headers["Content-Type"] == "application/manifest+json"
    assert manifest["lang"] == "id" and manifest["start_url"] == "/"
    assert manifest["display"] == "standalone" and manifest["short_name"] == "MPP Digital"
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<script src="/static/js/app.js" defer></script>' in page


def test_the_offline_page_has_room_for_the_saved_pages(client):
    page = client.get("/offline").get_data(as_text=True)
    assert "tidak terhubung ke internet" in page and '<ul class="links saved"><!--saved-->' in page


def test_a_checklist_travels_by_whatsapp(client):
    page = client.get("/mpp/kota-kediri/layanan/paspor-biasa/persyaratan").get_data(as_text=True)
    text = unquote(re.search(r'href="https://wa\.me/\?text=([^"]+)"', page)[1])
    assert text.startswith("Daftar periksa: Paspor biasa") and "\n- KTP-el asli\n" in text
    assert text.endswith("/mpp/kota-kediri/layanan/paspor-biasa/persyaratan")


def test_a_booking_no_longer_active_tells_the_worker_to_forget_it(client):
    _book(client)
    page = client.get("/janji").get_data(as_text=True)
    assert 'data-offline="forget"' not in page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    client.post("/janji/batal", data={"csrf_token": token[1] if token else ""})
    assert 'data-offline="forget"' in client.get("/janji").get_data(as_text=True)


def test_a_hall_lists_the_pages_it_saves_for_offline(client):
    pages = client.get("/mpp/kota-kediri/simpan.json").get_json()["pages"]
    assert pages[0] == "/mpp/kota-kediri"
    assert "/mpp/kota-kediri/layanan/paspor-biasa" in pages
    assert "/mpp/kota-kediri/layanan/paspor-biasa/persyaratan" in pages
    assert "/mpp/kota-kediri/peristiwa-hidup/kelahiran" in pages
    assert len(pages) == len(set(pages)) <= 120              # the worker's bound
    assert client.get("/mpp/tidak-ada/simpan.json").status_code == 404
    hall = client.get("/mpp/kota-kediri").get_data(as_text=True)
    assert 'data-save-hall="/mpp/kota-kediri/simpan.json"' in hall and " hidden " in hall
