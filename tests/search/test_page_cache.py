"""The results page from the page cache: a repeated search is answered without searching or
rendering again, a catalogue change is never answered from a kept page, and nothing personal
or moving is kept."""
from sqlalchemy import event, select

from mpp_digital.accounts.models import Role
from mpp_digital.catalogue.models import Service
from mpp_digital.extensions import cache, db
from mpp_digital.search import index as search_index

PASPOR = {"q": "paspor"}


def _kept(app):
    with app.app_context():
        return [key for key in cache.cache._cache if key.startswith("search|")]


def _statements(app, fetch):
    statements = []

    def record(conn, cursor, statement, *args):
        if statement.strip().upper() != "BEGIN":
            statements.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        return fetch(), statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_repeated_search_comes_from_the_page_cache(app, client, index):
    first, fresh = _statements(app, lambda: client.get("/cari", query_string=PASPOR))
    assert first.status_code == 200 and 'href="/layanan/paspor-biasa"' in first.get_data(
        as_text=True)
    assert len(_kept(app)) == 1
    again, kept = _statements(app, lambda: client.get("/cari", query_string=PASPOR))
    assert again.get_data() == first.get_data()
    assert len(kept) <= 2 < len(fresh), kept          # the catalogue's version (and a sync)


def test_a_renamed_service_is_never_answered_from_a_kept_page(app, client, index,
                                                              monkeypatch):
    monkeypatch.setattr(search_index, "SYNC_INTERVAL", 0)     # every request syncs the index
    before = client.get("/cari", query_string=PASPOR).get_data(as_text=True)
    assert "Paspor Elektronik Generasi Baru" not in before
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.slug == "paspor-biasa"))
        service.name = "Paspor Elektronik Generasi Baru"
        db.session.commit()
    after = client.get("/cari", query_string=PASPOR).get_data(as_text=True)
    assert "Paspor</mark> Elektronik Generasi Baru" in after
    assert len(_kept(app)) == 2                                  # a new key, not the old page


def test_staff_pages_and_pages_without_hits_are_not_kept(app, client, index, login_as):
    assert client.get("/cari", query_string={"q": "zzqxv"}).status_code == 200
    assert _kept(app) == []                 # "most searched" moves with every count
    clerk = login_as(Role.CLERK)
    assert clerk.get("/cari", query_string=PASPOR).status_code == 200
    assert _kept(app) == []


def test_a_kept_page_still_counts_the_search(app, client, index, monkeypatch):
    counted = []
    monkeypatch.setattr("mpp_digital.search.views._count",
                        lambda text, service_id: counted.append((text, service_id)))
    client.get("/cari", query_string=PASPOR)
    client.get("/cari", query_string=PASPOR)
    with app.app_context():
        paspor = db.session.scalar(select(Service.id).where(Service.slug == "paspor-biasa"))
    assert counted == [("paspor", paspor)] * 2      # (each client once a day: views._count)


def test_the_filters_follow_the_catalogue(app, client, index):
    """The filters' agencies are read and their selects rendered once per catalogue version
    (and language): a new agency is listed on the next search, in either language."""
    from mpp_digital.catalogue.models import Agency

    def agencies():
        page = client.get("/cari", query_string={"q": "zzqxv"}).get_data(as_text=True)
        select = page[page.index('id="agency"'):]
        return select[:select.index("</select>")]
    before = agencies()
    assert "Ditjen Contoh" not in before
    with app.app_context():
        db.session.add(Agency(slug="ditjen-contoh", name="Direktorat Jenderal Contoh",
                              short_name="Ditjen Contoh"))
        db.session.commit()
    assert 'value="ditjen-contoh">Ditjen Contoh</option>' in agencies()
    client.get("/bahasa/en")
    english = agencies()
    assert "Ditjen Contoh" in english and ">All</option>" in english


def test_a_hand_made_filter_value_is_never_kept(app, client, index):
    """A value that is none of a filter's choices is refused and its select not remembered:
    made-up URLs cannot fill the process's memory."""
    page = client.get("/cari", query_string={"q": "paspor", "agency": "x" * 500})
    assert page.status_code == 200
    with app.app_context():
        kept = app.extensions.get("mpp_memos", {}).get("search-selects", {})
        assert not any("x" * 500 in repr(key) for key in kept)


def test_a_search_within_a_renamed_hall_names_it_anew(app, client, index):
    """The hall a search is made in is read once per catalogue version: renamed, it is named
    anew on the next search; a slug no hall has is 404 and not remembered."""
    from mpp_digital.catalogue.models import Mpp

    def heading():
        page = client.get("/cari", query_string={"q": "paspor", "mpp": "kota-kediri"})
        html = page.get_data(as_text=True)
        return html[html.index("<h1>"):html.index("</h1>")]
    assert "Mal Pelayanan Publik Kota Kediri" in heading()
    with app.app_context():
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        hall.name = "MPP Joyoboyo Kota Kediri"
        db.session.commit()
    assert "MPP Joyoboyo Kota Kediri" in heading()
    made_up = client.get("/cari", query_string={"q": "paspor", "mpp": "y" * 300})
    assert made_up.status_code == 404
    with app.app_context():
        kept = app.extensions.get("mpp_memos", {}).get("hall-headers", {})
        assert kept and not any("y" * 300 in repr(key) for key in kept)
