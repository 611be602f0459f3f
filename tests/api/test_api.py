"""The read-only API answers as its generated OpenAPI document says."""
import pytest
from openapi_spec_validator import validate

from .conftest import checked as _checked


def test_the_document_is_valid_and_describes_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert set(document["paths"]) == {
        "/api/v1/mpps", "/api/v1/mpps/{slug}", "/api/v1/search", "/api/v1/services",
        "/api/v1/services/{slug}", "/api/v1/mpps/{mpp}/offerings/{service}/slots",
        "/api/v1/appointments", "/api/v1/mpps/{mpp}/visit-plans", "/api/v1/visits"}


@pytest.mark.parametrize("path, status", [
    ("/api/v1/mpps", 200),
    ("/api/v1/mpps?province=73", 200),
    ("/api/v1/mpps?province=99", 200),
    ("/api/v1/mpps?province=jatim", 422),
    ("/api/v1/mpps/kota-kediri", 200),
    ("/api/v1/mpps/kota-atlantis", 404),
    ("/api/v1/services", 200),
    ("/api/v1/services?agency=imigrasi", 200),
    ("/api/v1/services?category=keimigrasian", 200),
    ("/api/v1/services?category=hiburan", 422),
    ("/api/v1/services/paspor-biasa", 200),
    ("/api/v1/services/atlantis", 404),
])
def test_every_answer_matches_the_document(client, openapi, path, status):
    assert _checked(client, openapi, path).status_code == status


def test_mpps_filtered_by_province(client, openapi):
    sulsel = _checked(client, openapi, "/api/v1/mpps?province=73").get_json()
    assert [m["slug"] for m in sulsel] == ["kabupaten-sinjai", "kabupaten-toraja-utara"]
    assert sulsel[0]["timezone"] == "Asia/Makassar"
    assert sulsel[0]["url"] == "http://localhost/mpp/kabupaten-sinjai"
    assert len(client.get("/api/v1/mpps").get_json()) == 12


def test_one_mpp_with_its_hours_and_offerings(client, openapi):
    kediri = _checked(client, openapi, "/api/v1/mpps/kota-kediri").get_json()
    assert kediri["province"] == {"code": "35", "name": "Jawa Timur"}
    assert {"weekday": 5, "opens_at": "08:00", "closes_at": "11:30"} in kediri["hours"]
    passport = next(o for o in kediri["offerings"] if o["service"] == "paspor-biasa")
    assert passport == {"service": "paspor-biasa", "agency": "imigrasi", "fee": 350000,
                        "name": passport["name"], "online_mode": "book_then_visit",
                        "bookable": True, "queue": "D", "hours": "1-5 08:00-12:00"}


def test_one_service_with_where_it_is_offered(client, openapi):
    service = _checked(client, openapi, "/api/v1/services/paspor-biasa").get_json()
    assert service["fee"] == 350000 and service["duration_unit"] == "working_days"
    assert "KTP-el asli" in service["requirements"]
    assert [p["mpp"] for p in service["offered_at"]][:2] == ["kabupaten-bantul", "kota-kediri"]
    assert len(service["offered_at"]) == 7


def test_services_filtered_by_agency(client, openapi):
    imigrasi = _checked(client, openapi, "/api/v1/services?agency=imigrasi").get_json()
    assert {s["agency"]["slug"] for s in imigrasi} == {"imigrasi"} and len(imigrasi) == 5


def test_errors_are_json_with_a_reason(client):
    missing = client.get("/api/v1/mpps/kota-atlantis")
    assert missing.get_json() == {"code": 404, "status": "Not Found",
                                  "message": "MPP tidak ditemukan."}
    bad = client.get("/api/v1/mpps?province=jatim").get_json()
    assert bad["errors"]["query"]["province"]
    assert client.get("/api/v1/nothing").get_json()["code"] == 404
    assert client.post("/api/v1/mpps").get_json()["code"] == 405


@pytest.fixture
def indexed(app):
    from mpp_digital.extensions import db
    from mpp_digital.search import get_index
    with app.app_context():
        get_index(app).rebuild(db.session)


@pytest.mark.parametrize("path, status", [
    ("/api/v1/search?q=bikin+ktp", 200),
    ("/api/v1/search?q=paspor&mpp=kota-kediri&limit=2", 200),
    ("/api/v1/search?q=paspor&mpp=kabupaten-tebo", 200),
    ("/api/v1/search?q=paspor&mpp=kota-atlantis", 404),
    ("/api/v1/search?q=x", 422),
    ("/api/v1/search", 422),
    ("/api/v1/search?q=paspor&limit=0", 422),
    ("/api/v1/search?q=paspor&limit=banyak", 422),
    ("/api/v1/search?q=paspor&mpp=Kota%20Kediri", 422),
])
def test_search_answers_as_documented(client, openapi, indexed, path, status):
    assert _checked(client, openapi, path).status_code == status


def test_search_within_an_mpp(client, openapi, indexed):
    body = _checked(client, openapi, "/api/v1/search?q=paspor&mpp=kota-kediri&limit=2").get_json()
    assert body["query"] == "paspor" and len(body["results"]) == 2
    assert body["results"][0] == {
        "service": "paspor-biasa", "agency": "Imigrasi", "mpp": "kota-kediri",
        "title": body["results"][0]["title"],
        "url": "http://localhost/mpp/kota-kediri/layanan/paspor-biasa"}
    national = client.get("/api/v1/search?q=bikin+ktp").get_json()["results"][0]
    assert national["mpp"] is None and national["url"] == "http://localhost/layanan/ktp-elektronik"
    assert client.get("/api/v1/search?q=paspor&mpp=kabupaten-tebo").get_json()["results"] == []
