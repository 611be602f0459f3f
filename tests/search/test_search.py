import csv
import logging
import shutil
from pathlib import Path

import pytest

from mpp_digital import clock
from mpp_digital.catalogue.models import Service
from mpp_digital.extensions import db
from mpp_digital.search.analysis import indonesian_analyzer
from mpp_digital.search.operations import SearchRequest, add_synonym, search

QUERIES = Path(__file__).with_name("queries.csv")


def _find(app, index, text, **filters):
    with app.app_context():
        outcome = search(index, db.session, SearchRequest(text, **filters))
        return [hit.service.slug for hit in outcome.hits], outcome


def test_citizens_find_their_service_in_the_top_three(app, index, capsys):
    with QUERIES.open(encoding="utf-8") as fh:
        cases = list(csv.DictReader(fh))
    assert len(cases) >= 80
    misses = []
    for case in cases:
        found, _ = _find(app, index, case["query"], limit=3)
        if case["expected"] not in found:
            misses.append(f"{case['query']!r} → {found} (wanted {case['expected']})")
    rate = 1 - len(misses) / len(cases)
    with capsys.disabled():
        print(f"\nsearch top-3 success: {len(cases) - len(misses)}/{len(cases)} = {rate:.1%}")
        for miss in misses:
            print("  miss:", miss)
    assert rate >= 0.90


def test_the_index_holds_stems_and_queries_are_stemmed_the_same_way(app, index):
    assert [t.text for t in indonesian_analyzer()("Perpanjangan Pembuatan Kependudukan")] == \
        ["panjang", "buat", "duduk"]
    for words in ("memperpanjang sim a", "diperpanjang sim a", "perpanjangan sim a"):
        assert _find(app, index, words)[0][0] == "sim-a-perpanjangan", words
    with app.app_context():
        with index.open().searcher() as searcher:
            names = {term.decode() for term in searcher.lexicon("name")}
    assert "panjang" in names and "perpanjangan" not in names


def test_shipped_synonyms_join_abbreviations_and_colloquial_words(app, index):
    assert _find(app, index, "akte")[0][0] in ("akta-kelahiran", "akta-kematian")
    assert _find(app, index, "surat izin mengemudi motor perpanjang")[0][0] == \
        "sim-c-perpanjangan"
    assert _find(app, index, "police clearance")[0][0] == "skck-baru"


def test_staff_can_add_a_synonym_without_code(app, index):
    assert "pindah-datang" not in _find(app, index, "boyongan")[0]
    with app.app_context():
        add_synonym(db.session, "boyongan, pindah datang", clock.utc(clock.now()))
        db.session.commit()
    assert _find(app, index, "boyongan")[0][0] == "pindah-datang"


def test_typos_still_find_the_service(app, index):
    assert _find(app, index, "pasprt")[0][0] == "paspor-biasa"
    assert _find(app, index, "sertifikat tanah")[0][0] == "pengecekan-sertipikat"
    assert _find(app, index, "akte kelahran")[0][0] == "akta-kelahiran"


def test_nothing_found_suggests_a_spelling(app, index):
    found, outcome = _find(app, index, "pspr")
    assert found == [] and outcome.suggestion == "paspor"


@pytest.mark.parametrize("filters, allowed", [
    ({"agency": "imigrasi"}, lambda s: s.agency.slug == "imigrasi"),
    ({"category": "kepolisian"}, lambda s: s.category == "kepolisian"),
    ({"online_only": True}, lambda s: s.online_mode.value == "online"),
])
def test_filters_narrow_the_results(app, index, filters, allowed):
    with app.app_context():
        outcome = search(index, db.session,
                         SearchRequest("bikin baru daftar pajak paspor skck pindah", **filters))
        services = [db.session.get(Service, hit.service.id) for hit in outcome.hits]
        assert services and all(allowed(service) for service in services)
    unfiltered, _ = _find(app, index, "bikin baru daftar pajak paspor skck pindah")
    assert len(unfiltered) > len(services)


def test_within_an_mpp_only_its_offerings_are_found(app, index):
    assert _find(app, index, "paspor", mpp="kabupaten-tebo")[0] == []       # no Imigrasi there
    assert _find(app, index, "paspor", mpp="kota-kediri")[0][0] == "paspor-biasa"
    assert _find(app, index, "paspor", province="15")[0] == []              # Jambi: only Tebo
    assert _find(app, index, "paspor", province="73")[0][0] == "paspor-biasa"


def test_matched_words_are_marked_and_the_rest_escaped(app, index):
    _, outcome = _find(app, index, "perpanjang sim")
    first = outcome.hits[0]
    assert str(first.title) == ('<mark class="match term0">Perpanjangan</mark> '
                                '<mark class="match term1">SIM</mark> A')
    with app.app_context():
        db.session.get(Service, first.service.id).name = "Perpanjangan SIM <b>A</b> & C"
        db.session.commit()
    _, outcome = _find(app, index, "perpanjang sim")
    title = next(str(h.title) for h in outcome.hits if h.service.id == first.service.id)
    assert "<b>" not in title and "&lt;b&gt;" in title and "&amp;" in title
    assert '<mark class="match term0">Perpanjangan</mark>' in title


def test_results_page_shows_agency_fee_online_and_where_offered(client, index):
    html = client.get("/cari", query_string={"q": "bikin paspor"}).get_data(as_text=True)
    assert "layanan ditemukan" in html and "<mark" in html
    assert "Imigrasi · Rp350.000" in html and "di 7 MPP" in html
    assert 'href="/layanan/paspor-biasa"' in html


def test_results_page_within_an_mpp_links_to_its_offerings(client, index):
    html = client.get("/cari", query_string={"q": "akte lahir", "mpp": "kota-kediri"})
    html = html.get_data(as_text=True)
    assert 'href="/mpp/kota-kediri/layanan/akta-kelahiran"' in html
    assert "Cari layanan di Mal Pelayanan Publik Kota Kediri" in html


def test_no_result_page_offers_a_spelling_and_the_most_searched(client, index):
    client.get("/cari", query_string={"q": "paspor"})
    client.get("/cari", query_string={"q": "paspor"})
    client.get("/cari", query_string={"q": "ktp"})
    html = client.get("/cari", query_string={"q": "pspr"}).get_data(as_text=True)
    assert "Maksud Anda:" in html and ">paspor</a>?" in html
    popular = html.split("paling sering dicari")[1]
    assert popular.index("paspor-biasa") < popular.index("ktp-elektronik")


@pytest.mark.parametrize("query", [{"q": ""}, {"q": "x"}, {"q": "a" * 500}, {"q": "%' OR 1=1"},
                                   {"q": "paspor", "agency": "nope"},
                                   {"q": "paspor", "province": "xx"},
                                   {"q": "paspor", "mpp": "../../etc"}, {"q": "\x00"},
                                   {"q": "paspor", "mpp": "kota-atlantis"}, {}])
def test_odd_searches_get_a_clear_page_not_an_error(client, index, query):
    response = client.get("/cari", query_string=query)
    assert response.status_code in (200, 404)
    assert "Traceback" not in response.get_data(as_text=True)


def test_every_page_has_the_search_box_scoped_to_its_mpp(client):
    home = client.get("/").get_data(as_text=True)
    assert 'action="/cari"' in home and 'name="mpp"' not in home
    mpp = client.get("/mpp/kota-kediri").get_data(as_text=True)
    assert 'name="mpp" value="kota-kediri"' in mpp


def test_a_deleted_index_falls_back_to_the_database_and_is_rebuilt(app, client, index, caplog):
    shutil.rmtree(index.folder)
    with caplog.at_level(logging.WARNING):
        html = client.get("/cari", query_string={"q": "paspor"}).get_data(as_text=True)
    assert 'href="/layanan/paspor-biasa"' in html
    assert "index" not in html.lower().split("<main")[1]          # nothing alarming for citizens
    assert any("search index unusable" in r.message for r in caplog.records)
    index.wait_for_rebuild()
    assert index.current_generation() is not None
    found, outcome = _find(app, index, "paspor")
    assert outcome.from_index and found[0] == "paspor-biasa"


# Whoosh leaves the corrupt file open when it fails to read it.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_corrupt_index_falls_back_and_is_rebuilt(app, index):
    generation = index.folder / index.current_generation()
    for path in generation.iterdir():
        if path.suffix in (".toc", ".seg", ".pst", ".trm"):
            path.write_bytes(b"\x00garbage")
    index.close()                                         # as a freshly started process
    index._opened = None
    found, outcome = _find(app, index, "paspor")
    assert not outcome.from_index and "paspor-biasa" in found[:3]
    index.wait_for_rebuild()
    found, outcome = _find(app, index, "paspor")
    assert outcome.from_index and found[0] == "paspor-biasa"


def test_the_fallback_honours_the_filters(app, index):
    shutil.rmtree(index.folder)
    found, outcome = _find(app, index, "paspor", mpp="kabupaten-tebo")
    assert not outcome.from_index and found == []
    index.wait_for_rebuild()
