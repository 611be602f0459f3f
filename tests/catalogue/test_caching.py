"""Public catalogue pages: 304 for a page a phone has seen, a rendered-page cache keyed by the
catalogue's version, and nothing personal or staff-only ever cached."""
from datetime import datetime, timedelta, timezone

import pytest

from mpp_digital import create_app
from mpp_digital.accounts.models import Role
from mpp_digital.extensions import cache, db

from ..conftest import BASE_CONFIG
from ..factories import mpp

HALL = "/mpp/kota-kediri"
MONDAY_0759_WIB = datetime(2027, 1, 4, 0, 59, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    app.config["CLOCK"] = MONDAY_0759_WIB + timedelta(hours=2)        # 09.59 WIB, open


def _rename(app, name):
    """A change to the catalogue, committed as the back office commits it."""
    with app.app_context():
        mpp("kota-kediri").name = name
        db.session.commit()


def _cached_paths(app):
    """The keys of the pages the app's cache (an in-process SimpleCache in tests) holds."""
    with app.app_context():
        return list(cache.cache._cache)


def test_a_page_seen_before_is_304_until_the_catalogue_changes(app, client):
    first = client.get(HALL)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == \
        "public, max-age=60, stale-while-revalidate=600"
    assert "Cookie" in first.headers["Vary"] and "Set-Cookie" not in first.headers
    etag = first.headers["ETag"]
    again = client.get(HALL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    _rename(app, "MPP Kota Kediri Baru")
    changed = client.get(HALL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "MPP Kota Kediri Baru" in changed.get_data(as_text=True)


def test_a_change_on_one_machine_is_never_served_stale_by_another(app, login_as, tmp_path):
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI":
                        app.config["SQLALCHEMY_DATABASE_URI"], "CLOCK": app.config["CLOCK"]},
                       instance_path=str(tmp_path / "other"))
    other_client = other.test_client()
    seen = other_client.get(HALL)                            # machine B renders and caches it
    assert seen.status_code == 200 and _cached_paths(other)
    manager = login_as(Role.MPP_MANAGER)                     # machine A: the back office
    saved = manager.post("/staf/kelola/mpp/kota-kediri/detail", data={
        "d-name": "MPP Kota Kediri (diubah di mesin A)", "d-address": "Jl. Basuki Rahmat 15",
        "d-phone": "(0354) 682955", "d-email": ""})
    assert saved.status_code == 302
    fresh = other_client.get(HALL)
    assert "MPP Kota Kediri (diubah di mesin A)" in fresh.get_data(as_text=True)
    assert other_client.get(HALL, headers={"If-None-Match": seen.headers["ETag"]}) \
        .status_code == 200                                  # and no stale 304
    with other.app_context():
        db.engine.dispose()


def test_the_second_visitor_gets_the_page_from_the_cache(app, client):
    body = client.get(HALL).get_data()
    assert any(HALL in key for key in _cached_paths(app))
    with app.app_context():
        from sqlalchemy import event
        statements = []

        def record(conn, cursor, statement, *args):
            if statement.strip().upper() != "BEGIN":
                statements.append(statement)
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert app.test_client().get(HALL).get_data() == body
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == 1, statements                 # the catalogue's version


def test_open_now_flips_at_opening_time_and_the_etag_with_it(app, client):
    app.config["CLOCK"] = MONDAY_0759_WIB
    before = client.get(HALL)
    assert "sedang tutup" in before.get_data(as_text=True)
    app.config["CLOCK"] = MONDAY_0759_WIB + timedelta(minutes=1)            # 08.00 WIB
    opened = client.get(HALL, headers={"If-None-Match": before.headers["ETag"]})
    assert opened.status_code == 200 and "sedang buka" in opened.get_data(as_text=True)
    app.config["CLOCK"] = MONDAY_0759_WIB + timedelta(minutes=45)
    assert client.get(HALL, headers={"If-None-Match": opened.headers["ETag"]}).status_code == 304


def test_each_language_is_its_own_page(app, client):
    indonesian = client.get(HALL)
    client.set_cookie("bahasa", "en", domain="localhost")
    english = client.get(HALL, headers={"If-None-Match": indonesian.headers["ETag"]})
    assert english.status_code == 200 and english.headers["ETag"] != indonesian.headers["ETag"]
    assert "Right now" in english.get_data(as_text=True)


def test_staff_and_booking_pages_are_never_cached(app, client, login_as):
    client.get("/mpp/kota-kediri/layanan/kartu-keluarga-baru/jadwal")
    login_as(Role.MPP_MANAGER)
    staff_view = client.get(HALL)
    assert staff_view.status_code == 200
    assert staff_view.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in staff_view.headers
    assert client.get("/staf/kelola/mpp/kota-kediri").headers["Cache-Control"] == "no-store"
    assert not [key for key in _cached_paths(app)
                if "/staf" in key or "/jadwal" in key or "/janji" in key]


def test_when_to_come_is_computed_once_a_day(app, client):
    """It reads eight weeks of visits up to yesterday: the same page all day, from the cache
    after the first visitor, and computed afresh the next day."""
    page = "/mpp/kota-kediri/waktu-tunggu"
    first = client.get(page)
    assert first.status_code == 200 and "Kapan sebaiknya datang?" in first.get_data(as_text=True)
    assert any(page in key for key in _cached_paths(app))
    later = client.get(page, headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 304
    app.config["CLOCK"] += timedelta(days=1)
    assert client.get(page, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_a_page_that_touches_the_session_is_neither_shared_nor_kept(app, client):
    """A flashed message shown on a catalogue page makes that answer one person's."""
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Bahasa diganti.")]
    personal = client.get("/layanan/paspor-biasa")
    assert "Bahasa diganti." in personal.get_data(as_text=True)
    assert personal.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in personal.headers
    assert not any("/layanan/paspor-biasa" in key for key in _cached_paths(app))
    shared = client.get("/layanan/paspor-biasa")
    assert "Bahasa diganti." not in shared.get_data(as_text=True)
    assert shared.headers["Cache-Control"].startswith("public")


def test_the_other_halls_of_a_service_are_read_again_after_a_change(app, client):
    """Which halls offer a service is read once per catalogue version for every hall's page
    of that service: a hall that stops offering it leaves the list on the next visit, and the
    national page of the service."""
    from sqlalchemy import select

    from mpp_digital.catalogue.models import Offering, Service

    link = 'href="/mpp/kota-mataram/layanan/kartu-keluarga-baru"'
    assert link in client.get("/mpp/kota-kediri/layanan/kartu-keluarga-baru").get_data(
        as_text=True)
    assert link in client.get("/layanan/kartu-keluarga-baru").get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.scalar(
            select(Offering).join(Offering.service)
            .where(Offering.mpp_id == mpp("kota-mataram").id,
                   Service.slug == "kartu-keluarga-baru")))
        db.session.commit()
    assert link not in client.get("/mpp/kota-kediri/layanan/kartu-keluarga-baru").get_data(
        as_text=True)
    assert link not in client.get("/layanan/kartu-keluarga-baru").get_data(as_text=True)


def _change(app, what):
    from datetime import date

    from sqlalchemy import select

    from mpp_digital.catalogue.models import Closure, Offering, Province, Service
    with app.app_context():
        paspor = db.session.scalar(select(Service).where(Service.slug == "paspor-biasa"))
        if what == "hall":
            mpp("kota-kediri").name = "MPP Kota Kediri Baru"
        elif what == "province":
            db.session.scalar(select(Province).where(Province.slug == "jawa-timur")).name = \
                "Jawa Timur Baru"
        elif what == "service":
            paspor.name = "Paspor biasa, nama baru"
        elif what == "offering":
            db.session.scalar(select(Offering).where(
                Offering.mpp_id == mpp("kota-kediri").id,
                Offering.service_id == paspor.id)).notes = "Loket pindah ke lantai dua."
        elif what == "closure":
            db.session.add(Closure(mpp_id=mpp("kota-kediri").id, starts_on=date(2027, 1, 4),
                                   ends_on=date(2027, 1, 5), reason="Perbaikan gedung"))
        db.session.commit()


@pytest.mark.parametrize("path, what, shown", [
    ("/", "hall", "MPP Kota Kediri Baru"),
    ("/", "province", "Jawa Timur Baru"),
    ("/provinsi/jawa-timur", "hall", "MPP Kota Kediri Baru"),
    (HALL, "hall", "MPP Kota Kediri Baru"),
    (HALL, "service", "Paspor biasa, nama baru"),
    (HALL, "closure", "Perbaikan gedung"),
    (HALL + "/layanan/paspor-biasa", "hall", "MPP Kota Kediri Baru"),
    (HALL + "/layanan/paspor-biasa", "service", "Paspor biasa, nama baru"),
    (HALL + "/layanan/paspor-biasa", "offering", "Loket pindah ke lantai dua."),
    (HALL + "/layanan/paspor-biasa", "closure", "Perbaikan gedung"),
    (HALL + "/layanan/paspor-biasa/persyaratan", "service", "Paspor biasa, nama baru"),
    ("/layanan/paspor-biasa", "service", "Paspor biasa, nama baru"),
])
def test_what_pages_keep_per_catalogue_version_is_read_again_after_a_change(
        app, client, path, what, shown):
    """The halls, services, offerings, lists and closures a public page reads once per
    catalogue version in a process: the next visit after a change shows it. Fails if any of
    them is kept under a key without the version (the page cache's key moves with it)."""
    assert shown not in client.get(path).get_data(as_text=True)
    _change(app, what)
    page = client.get(path)
    assert page.status_code == 200 and shown in page.get_data(as_text=True)


def test_with_a_shared_cache_each_process_serves_its_own_copies_never_stale(app, tmp_path,
                                                                           monkeypatch):
    """Two machines share a page cache over the network (a shared directory here, as Redis in
    production). Each keeps copies of the pages it served: the second visitor's page costs no
    trip to the shared cache, and a change made elsewhere is seen at once (the key moved)."""
    def machine(name):
        other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI":
                            app.config["SQLALCHEMY_DATABASE_URI"], "CLOCK": app.config["CLOCK"],
                            "CACHE_TYPE": "FileSystemCache",
                            "CACHE_DIR": str(tmp_path / "shared-cache")},
                           instance_path=str(tmp_path / name))
        return other, other.test_client()
    (a, a_client), (b, b_client) = machine("a"), machine("b")
    first = a_client.get(HALL)
    assert first.status_code == 200
    asked = []
    with b.app_context():
        shared_get = cache.get
        monkeypatch.setattr(cache, "get", lambda key: asked.append(key) or shared_get(key))
    assert b_client.get(HALL).get_data() == first.get_data()       # from the shared cache
    assert len(asked) == 1
    assert b_client.get(HALL).get_data() == first.get_data()       # from B's own copy
    assert len(asked) == 1
    _rename(app, "MPP Kota Kediri (diubah)")
    assert "MPP Kota Kediri (diubah)" in b_client.get(HALL).get_data(as_text=True)
    for other in (a, b):
        with other.app_context():
            db.engine.dispose()


@pytest.mark.filterwarnings("ignore:Flask-Caching. CACHE_TYPE is set to NullCache")
def test_without_a_page_cache_no_process_keeps_copies(app, tmp_path):
    """NullCache (the benchmarks' "cold" pages): every page is rendered, none is copied."""
    cold = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI":
                       app.config["SQLALCHEMY_DATABASE_URI"], "CLOCK": app.config["CLOCK"],
                       "CACHE_TYPE": "NullCache"}, instance_path=str(tmp_path / "cold"))
    client = cold.test_client()
    assert client.get(HALL).status_code == client.get(HALL).status_code == 200
    assert not cold.extensions.get("mpp_memos", {}).get("page-copies")
    with cold.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("page", ["/ikm", "/waktu-tunggu"])
def test_a_renamed_hall_is_named_anew_on_its_ikm_and_when_to_come_pages(app, client, page):
    """Both pages read the hall's name once per catalogue version (hall_header)."""
    assert "Mal Pelayanan Publik Kota Kediri" in client.get(HALL + page).get_data(as_text=True)
    _rename(app, "MPP Joyoboyo")
    renamed = client.get(HALL + page).get_data(as_text=True)
    assert "MPP Joyoboyo" in renamed and "Mal Pelayanan Publik Kota Kediri" not in renamed
