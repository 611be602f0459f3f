import re

import pytest

from ..conftest import english

PAGES = [
    "/",
    "/provinsi/jawa-timur",
    "/provinsi/papua-pegunungan",
    "/wilayah/kabupaten-kediri",
    "/wilayah?q=kediri",
    "/wilayah?q=x",
    "/mpp/kota-kediri",
    "/mpp/kota-mataram/layanan/paspor-biasa",
    "/mpp/kota-mataram/layanan/paspor-biasa/persyaratan",
    "/layanan",
    "/layanan/ktp-elektronik",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_speaks_indonesian_by_default(client, path):
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="id">' in html
    assert "Semua layanan" in html and ">English<" in html


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_an_english_version(client, path):
    page = english(client).get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="en">' in html
    assert "All services" in html and ">Bahasa Indonesia<" in html
    assert "Semua layanan" not in html


def test_the_language_link_sets_the_choice_and_returns_to_the_page(client):
    response = client.get("/bahasa/en?next=/mpp/kota-kediri")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mpp/kota-kediri"
    assert "bahasa=en" in response.headers["Set-Cookie"]
    assert "Opening hours" in client.get("/mpp/kota-kediri").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil", ""])
def test_the_language_link_never_sends_you_off_the_site(client, target):
    response = client.get("/bahasa/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_a_404(client):
    assert client.get("/bahasa/xx").status_code == 404


@pytest.mark.parametrize("path", [
    "/mpp/kota-atlantis", "/provinsi/atlantis", "/wilayah/atlantis", "/layanan/atlantis",
    "/mpp/kota-kediri/layanan/atlantis", "/mpp/atlantis/layanan/paspor-biasa",
    "/mpp/kabupaten-ketapang/layanan/paspor-hilang",   # exists nationally, not offered here
    "/mpp/kota-kediri/layanan/atlantis/persyaratan",
])
def test_unknown_slugs_are_404_pages_in_the_citizens_language(client, path):
    page = client.get(path)
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html or "tidak ditemukan" in html or "tidak tersedia" in html
    assert "Traceback" not in html


def test_home_lists_all_provinces_and_the_twelve_demo_halls(client):
    html = client.get("/").get_data(as_text=True)
    assert len(re.findall(r'href="/provinsi/', html)) == 38
    assert len(re.findall(r'href="/mpp/[a-z-]+"', html)) == 12
    assert "Mal Pelayanan Publik Kota Kediri" in html


def test_typing_a_unique_region_name_lands_on_its_mpp(client):
    response = client.get("/wilayah?q=kota mataram")
    assert response.headers["Location"] == "/wilayah/kota-mataram"
    assert client.get("/wilayah/kota-mataram").headers["Location"] == "/mpp/kota-mataram"


def test_a_region_search_lists_every_match(client):
    html = client.get("/wilayah?q=kediri").get_data(as_text=True)
    assert "Kabupaten Kediri" in html and "Kota Kediri" in html
    assert "2 kabupaten/kota ditemukan" in html


def test_a_too_short_region_search_says_why(client):
    html = client.get("/wilayah?q=x").get_data(as_text=True)
    assert 'class="error"' in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1--", "a" * 500, "kab%20"])
def test_odd_region_searches_answer_normally(client, query):
    assert client.get("/wilayah", query_string={"q": query}).status_code == 200


def test_a_region_without_mpp_points_to_the_halls_of_its_province(client):
    html = client.get("/wilayah/kabupaten-gowa").get_data(as_text=True)
    assert "belum memiliki MPP Digital" in html
    assert 'href="/mpp/kabupaten-sinjai"' in html and 'href="/mpp/kabupaten-toraja-utara"' in html
    assert 'href="/mpp/kota-kediri"' not in html


def test_a_region_in_a_province_without_any_mpp_says_so(client):
    html = client.get("/wilayah/kota-jayapura").get_data(as_text=True)
    assert "Belum ada MPP Digital di Papua" in html


def test_mpp_page_shows_address_hours_agencies_and_services(client):
    html = client.get("/mpp/kota-kediri").get_data(as_text=True)
    assert "Dhoho Plaza" in html and "(0354) 682955" in html
    assert "Senin–Kamis" in html and "08.00–15.00" in html and "08.00–11.30" in html
    for agency in ("Disdukcapil", "Imigrasi", "Samsat", "DPMPTSP", "ATR/BPN"):
        assert f'>{agency} <span' in html
    assert 'href="/mpp/kota-kediri/layanan/paspor-biasa"' in html


def test_imigrasi_days_differ_between_halls(client):
    ketapang = client.get("/mpp/kabupaten-ketapang").get_data(as_text=True)
    section = ketapang.split('id="agency-imigrasi"')[1].split("</section>")[0]
    assert "Senin, Rabu 08.00–12.00" in section
    assert "Imigrasi" not in client.get("/mpp/kabupaten-tebo").get_data(as_text=True)


def test_service_page_shows_the_public_standard(client):
    html = client.get("/mpp/kota-mataram/layanan/paspor-biasa").get_data(as_text=True)
    assert "Rp350.000" in html
    assert "3 hari kerja" in html
    assert "KTP-el asli" in html                         # requirements
    assert "Daftar dan pilih jadwal di aplikasi M-Paspor" in html   # procedure
    assert "Paspor biasa 48 halaman" in html              # product
    assert "SP4N-LAPOR!" in html and "(0370) 631200" in html   # complaint channels
    assert "PP 45/2024" in html                           # legal basis
    assert "Daftar daring, lalu datang" in html           # online mode
    assert 'href="/mpp/kota-kediri/layanan/paspor-biasa"' in html   # offered elsewhere
    assert 'href="/mpp/kota-mataram/layanan/paspor-biasa"' not in html.split("MPP lain")[1]


def test_free_services_say_gratis_and_online_ones_link_to_the_official_site(client):
    html = client.get("/mpp/kabupaten-bantul/layanan/nomor-induk-berusaha").get_data(as_text=True)
    assert "<strong>Gratis</strong>" in html
    assert 'href="https://oss.go.id"' in html and "Bisa sepenuhnya daring" in html
    english_html = english(client).get("/mpp/kabupaten-bantul/layanan/nomor-induk-berusaha")
    assert "<strong>Free</strong>" in english_html.get_data(as_text=True)


def test_checklist_is_a_printable_list_of_checkboxes(client):
    html = client.get("/mpp/kota-mataram/layanan/paspor-biasa/persyaratan").get_data(as_text=True)
    assert html.count('type="checkbox"') == 6
    assert '<label for="req-1" lang="id">KTP-el asli</label>' in html
    assert "Jl. Pejanggik" in html


def test_english_pages_use_english_service_names_and_dates(client):
    html = english(client).get("/mpp/kota-mataram/layanan/paspor-biasa").get_data(as_text=True)
    assert "Ordinary passport, non-electronic, 5 years" in html
    assert "3 working days" in html and "IDR350,000" in html
    assert re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
                     r"(January|February|March|April|May|June|July|August|September|October|"
                     r"November|December) \d", html)


def test_pages_have_no_off_site_assets(client):
    for path in PAGES:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), path
