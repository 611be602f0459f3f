"""The outside security review (issue 11), replayed: each test is named after its item,
reproduces the attack as the reviewers ran it, and shows it no longer succeeds."""
import logging
import os
import re
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import stamp
from sqlalchemy import func, inspect, select

from mpp_digital import InsecureConfiguration, create_app
from mpp_digital.accounts.api_clients import create_api_client, revoke_api_client
from mpp_digital.accounts.devices import (COOKIE, DeviceRefused, add_device, claim_enrolment,
                                          revoke_device)
from mpp_digital.accounts.models import ApiClient, AuditLog, Device, Role
from mpp_digital.booking.models import Appointment
from mpp_digital.extensions import db
from mpp_digital.queue.models import Ticket
from mpp_digital.reports.views import _safe
from mpp_digital.search.models import SearchTally

from ..factories import NOW, PASSWORD, enrol_kiosk, login, mpp, nik, queue, staff, take_ticket
from ..conftest import BASE_CONFIG

EVENING = datetime(2027, 1, 4, 11, 34, tzinfo=timezone.utc)      # Monday 18.34 WIB: closed
NIK = nik(1)          # the tests' made-up NIK (tests/booking/helpers.py), last 4 "0001"


def in_script(text, zero):
    """`text` with its ASCII digits written in another script whose zero is `zero`."""
    return text.translate({ord("0") + n: ord(zero) + n for n in range(10)})


FULLWIDTH_NIK = in_script(NIK, "０")


def _any_csrf(page):
    """A CSRF token from any form of the page (Flask-WTF accepts any field ending in it)."""
    return re.search(r'name="[^"]*csrf_token" type="hidden" value="([^"]+)"', page)[1]


def _tickets(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Ticket.id)))


def _appointments(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Appointment.id)))


# --- 1. remote kiosk flooding ----------------------------------------------------------------

def test_item01_kiosk_flooding_from_home_gets_no_ticket(strict_app):
    """40 POSTs with priority (lansia) and one CSRF token from the kiosk page, from any browser."""
    strict_app.config["CLOCK"] = NOW
    client = strict_app.test_client()
    page = client.get("/mpp/kabupaten-bantul/kiosk").get_data(as_text=True)
    assert "diambil di anjungan" in page and 'name="t-queue"' not in page
    with strict_app.app_context():
        queue_id = queue("kabupaten-bantul", "A").id
    answers = {client.post("/mpp/kabupaten-bantul/kiosk/ambil",
                           data={"t-queue": str(queue_id), "t-priority": "lansia",
                                 "csrf_token": _any_csrf(page)}).status_code
               for _ in range(40)}
    assert answers == {403} and _tickets(strict_app) == 0


def test_item01_tickets_only_during_opening_hours(app):
    kiosk = enrol_kiosk(app.test_client())
    app.config["CLOCK"] = EVENING
    refused = take_ticket(kiosk)
    assert refused.status_code == 409
    assert "MPP sedang tutup" in refused.get_data(as_text=True) and _tickets(app) == 0
    app.config["CLOCK"] = NOW
    assert take_ticket(kiosk).status_code == 302 and _tickets(app) == 1


def test_item01_a_kiosk_issues_only_at_its_own_hall_and_not_after_revoking(app):
    app.config["CLOCK"] = NOW
    kiosk = enrol_kiosk(app.test_client(), "kota-kediri")
    assert take_ticket(kiosk, "kota-mataram").status_code == 403
    assert take_ticket(kiosk, "kota-kediri").status_code == 302
    with app.app_context():
        revoke_device(db.session, db.session.scalar(select(Device)), None, NOW)
        db.session.commit()
    assert take_ticket(kiosk).status_code == 403 and _tickets(app) == 1


def test_item01_priority_needs_an_enrolled_kiosk_or_a_clerk(app):
    app.config["CLOCK"] = NOW
    with app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
    assert take_ticket(app.test_client(), priority=True).status_code == 403
    clerk = app.test_client()
    login(clerk, "petugas@kediri.test")
    assert take_ticket(clerk, priority=True).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Ticket.priority)) is True


def test_item01_a_runaway_device_and_a_busy_hall_are_capped(strict_app):
    strict_app.config.update(CLOCK=NOW, KIOSK_DEVICE_RATE_LIMIT="3 per minute",
                             KIOSK_HALL_RATE_LIMIT="5 per minute")
    first, second = (enrol_kiosk(strict_app.test_client()) for _ in range(2))

    def press(kiosk):
        page = kiosk.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
        with strict_app.app_context():
            queue_id = queue().id
        return kiosk.post("/mpp/kota-kediri/kiosk/ambil",
                          data={"t-queue": str(queue_id),
                                "csrf_token": _any_csrf(page)}).status_code

    assert [press(first) for _ in range(4)] == [302, 302, 302, 429]     # the device's cap
    assert [press(second) for _ in range(3)] == [302, 302, 429]         # the hall's cap
    assert _tickets(strict_app) == 5


def test_item01_a_manager_enrols_a_kiosk_with_a_one_time_code_audited(app, login_as):
    app.config["CLOCK"] = NOW                                     # the hall is open
    manager = login_as(Role.MPP_MANAGER, client=app.test_client())
    page = manager.post("/staf/kelola/mpp/kota-kediri/perangkat",
                        data={"name": "Kiosk pintu utama"}).get_data(as_text=True)
    code = re.search(r'<p class="code" lang="en">([A-Z0-9]{4}-[A-Z0-9]{4})</p>', page)[1]
    device = app.test_client()
    enrolled = device.post("/staf/perangkat", data={"code": code.lower()})
    assert enrolled.status_code == 302
    assert enrolled.headers["Location"] == "/mpp/kota-kediri/kiosk"
    cookie = enrolled.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "Max-Age=" in cookie
    assert 'name="t-queue"' in device.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    thief = app.test_client()                                       # the code works once
    assert thief.post("/staf/perangkat", data={"code": code}).status_code == 409
    with app.app_context():
        device_row = db.session.scalar(select(Device))
        assert device_row.token_hash and code.replace("-", "") not in repr(device_row.__dict__)
        device_id = device_row.id
    listing = manager.get("/staf/kelola/mpp/kota-kediri/perangkat").get_data(as_text=True)
    assert "Kiosk pintu utama" in listing and "terdaftar" in listing
    manager.post(f"/staf/kelola/mpp/kota-kediri/perangkat/{device_id}/cabut")
    assert 'name="t-queue"' not in device.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-3:] == ["device.add", "device.enrol", "device.revoke"]


def test_item01_an_expired_enrolment_code_is_refused(app):
    with app.app_context():
        _, code = add_device(db.session, mpp(), "Kiosk", "kiosk", None, NOW)
        db.session.commit()
        with pytest.raises(DeviceRefused):
            claim_enrolment(db.session, code, NOW + timedelta(minutes=31))


# --- 2. open redirect ------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "////evil.example/phish", "//evil.example", "/\\evil.example", "\\\\evil.example",
    "https://evil.example", "/\t/evil.example", "javascript:alert(1)", "evil.example",
    "/%0a/evil", "///evil.example",
])
def test_item02_open_redirect_stays_on_the_site(client, target):
    response = client.get("/bahasa/en", query_string={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location


def test_item02_a_path_on_the_site_is_kept(client):
    response = client.get("/bahasa/en", query_string={"next": "/cari?q=ktp"})
    assert response.headers["Location"] == "/cari?q=ktp"


# --- 3. lock anyone out ----------------------------------------------------------------------

def _login_from(app, address, email, password):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return login(client, email, password)


@pytest.fixture
def admin_account(strict_app):
    with strict_app.app_context():
        staff("admin@nasional.test", Role.NATIONAL_ADMIN)
        db.session.commit()
    return "admin@nasional.test"


def test_item03_five_wrong_passwords_elsewhere_do_not_lock_the_owner_out(strict_app,
                                                                         admin_account):
    wrong = [_login_from(strict_app, "198.51.100.7", admin_account, "tebakan-salah-1").status_code
             for _ in range(5)]
    assert wrong == [401] * 5
    owner = _login_from(strict_app, "203.0.113.20", admin_account, PASSWORD)
    assert owner.status_code == 302 and owner.headers["Location"] == "/staf"


def test_item03_thirty_an_hour_from_many_addresses_still_let_the_owner_in(strict_app,
                                                                           admin_account):
    for n in range(30):
        assert _login_from(strict_app, f"198.51.100.{n + 1}", admin_account,
                           "tebakan-salah-1").status_code == 401
    # the account is under attack: an address that failed for it waits, even with the password
    assert _login_from(strict_app, "198.51.100.1", admin_account, PASSWORD).status_code == 429
    owner = _login_from(strict_app, "203.0.113.20", admin_account, PASSWORD)
    assert owner.status_code == 302


def test_item03_one_address_guessing_is_slowed(strict_app, admin_account):
    statuses = [_login_from(strict_app, "198.51.100.7", admin_account,
                            "tebakan-salah-1").status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    refused = _login_from(strict_app, "198.51.100.7", admin_account, PASSWORD)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_item03_right_passwords_do_not_count_against_an_address(strict_app, admin_account):
    for _ in range(8):                         # a shared office address, staff logging in
        assert _login_from(strict_app, "203.0.113.20", admin_account, PASSWORD).status_code \
            == 302


# --- 4. Unicode digits -----------------------------------------------------------------------

def _booking_page(client):
    days = client.get("/mpp/kota-kediri/layanan/paspor-biasa/jadwal").get_data(as_text=True)
    day_url = re.search(r'href="(/mpp/kota-kediri/layanan/paspor-biasa/jadwal/[0-9-]+)"', days)[1]
    page = client.get(day_url).get_data(as_text=True)
    return day_url, re.findall(r'name="slot" required type="radio" value="([0-9]+)"', page)


def _book(client, url, slot, number, phone="0812 3456 7890"):
    return client.post(url, data={"slot": slot, "name": "Siti Aminah", "nik": number,
                                  "phone": phone})


@pytest.mark.parametrize("number", [
    FULLWIDTH_NIK,
    in_script(NIK, "٠"),                   # Arabic-Indic digits
    in_script(NIK, "०"),                   # Devanagari digits
])
def test_item04_unicode_digits_do_not_bypass_the_per_nik_limit(client, app, number):
    url, slots = _booking_page(client)
    assert _book(client, url, slots[0], NIK).status_code == 302
    again = _book(app.test_client(), url, slots[1], number)
    assert again.status_code == 422 and "16 angka" in again.get_data(as_text=True)
    assert _appointments(app) == 1


def test_item04_phone_numbers_take_ascii_digits_only(client, app):
    url, slots = _booking_page(client)
    response = _book(client, url, slots[0], NIK, phone=in_script("081234567890", "０"))
    assert response.status_code == 422 and "nomor ponsel" in response.get_data(as_text=True)
    assert _appointments(app) == 0


def test_item04_the_api_takes_ascii_digits_only(app, client):
    with app.app_context():
        _, key = create_api_client(db.session, "Portal", [], True, "50 per minute", None, NOW)
        db.session.commit()
    slot = client.get("/api/v1/mpps/kota-kediri/offerings/paspor-biasa/slots").get_json()[0]
    answer = client.post("/api/v1/appointments", headers={"Authorization": f"Bearer {key}"},
                         json={"mpp": "kota-kediri", "service": "paspor-biasa",
                               "start": slot["start"], "name": "Siti", "nik": FULLWIDTH_NIK,
                               "phone": "081234567890"})
    assert answer.status_code == 422 and "nik" in answer.get_json()["errors"]["json"]
    province = client.get("/api/v1/mpps", query_string={"province": "３５"})
    assert province.status_code == 422


# --- 5. lookup with fullwidth last 4 ---------------------------------------------------------

@pytest.mark.parametrize("last4", [in_script("0001", "０"), in_script("0001", "٠"), "00０1"])
def test_item05_lookup_with_unicode_last4_is_a_422_not_a_500(client, last4):
    url, slots = _booking_page(client)
    _book(client, url, slots[0], NIK)
    code = re.search(r">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})<",
                     client.get("/janji").get_data(as_text=True))[1]
    other = client.application.test_client()
    response = other.post("/janji/cari", data={"code": code, "last4": last4})
    assert response.status_code == 422
    assert "angka 0 sampai 9" in response.get_data(as_text=True)
    assert other.post("/janji/cari", data={"code": code, "last4": "0001"}).status_code == 302


def test_item05_a_fullwidth_booking_code_is_a_422(client):
    response = client.post("/janji/cari", data={"code": "ＡＢＣＤ－ＥＦＧＨ", "last4": "0001"})
    assert response.status_code == 422 and "huruf dan angka" in response.get_data(as_text=True)


# --- 6. anonymous write API ------------------------------------------------------------------

def _api_body(client, serial=1):
    slot = client.get("/api/v1/mpps/kota-kediri/offerings/paspor-biasa/slots").get_json()[0]
    return {"mpp": "kota-kediri", "service": "paspor-biasa", "start": slot["start"],
            "name": "Siti", "nik": nik(serial, region="3571"), "phone": "081234567890"}


@pytest.mark.parametrize("authorization", [None, "Bearer ", "Bearer mpp_0000_salah",
                                           "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500])
def test_item06_the_write_api_refuses_anyone_without_a_partner_key(app, client,
                                                                   authorization):
    headers = {"Authorization": authorization} if authorization else {}
    answer = client.post("/api/v1/appointments", json=_api_body(client), headers=headers)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert _appointments(app) == 0


def test_item06_a_partner_books_only_at_its_halls_and_not_after_revoking(app, client):
    with app.app_context():
        mataram, _ = create_api_client(db.session, "Mataram", [mpp("kota-mataram")], False,
                                       "50 per minute", None, NOW)
        kediri, key = create_api_client(db.session, "Kediri", [mpp("kota-kediri")], False,
                                        "50 per minute", None, NOW)
        db.session.commit()
        kediri_id, mataram_key = kediri.id, None
    auth = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/v1/appointments", json=_api_body(client), headers=auth) \
        .status_code == 201
    with app.app_context():
        _, mataram_key = create_api_client(db.session, "Mataram 2", [mpp("kota-mataram")],
                                           False, "50 per minute", None, NOW)
        db.session.commit()
    elsewhere = client.post("/api/v1/appointments", json=_api_body(client, 2),
                            headers={"Authorization": f"Bearer {mataram_key}"})
    assert elsewhere.status_code == 403
    with app.app_context():
        revoke_api_client(db.session, db.session.get(ApiClient, kediri_id), None, NOW)
        db.session.commit()
    assert client.post("/api/v1/appointments", json=_api_body(client, 3), headers=auth) \
        .status_code == 401
    assert _appointments(app) == 1


def test_item06_the_openapi_document_names_the_partner_key(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["partnerKey"] == {
        "type": "http", "scheme": "bearer", "description": document["components"][
            "securitySchemes"]["partnerKey"]["description"]}
    assert document["paths"]["/api/v1/appointments"]["post"]["security"] == [{"partnerKey": []}]


def test_item06_api_clients_are_made_by_the_cli_and_the_national_admin(app, runner):
    made = runner.invoke(args=["api-clients", "create", "Call center", "--mpp", "kota-kediri"])
    assert made.exit_code == 0, made.output
    key = made.output.strip().splitlines()[-1]
    assert key.startswith("mpp_")
    with app.app_context():
        client_row = db.session.scalar(select(ApiClient))
        assert key not in (client_row.key_hash, client_row.key_prefix)
        assert [m.slug for m in client_row.mpps] == ["kota-kediri"]
    listed = runner.invoke(args=["api-clients", "list"])
    assert "Call center" in listed.output and "kota-kediri" in listed.output
    assert runner.invoke(args=["api-clients", "create", "X", "--mpp", "atlantis"]).exit_code != 0
    assert runner.invoke(args=["api-clients", "revoke", str(client_row.id)]).exit_code == 0
    with app.app_context():
        staff("admin@nasional.test", Role.NATIONAL_ADMIN)
        db.session.commit()
    admin = app.test_client()
    login(admin, "admin@nasional.test")
    page = admin.post("/staf/kelola/klien-api", data={
        "name": "Portal nasional", "all_mpps": "y",
        "rate_limit": "60 per minute"}).get_data(as_text=True)
    shown = re.search(r'<code class="secret">(mpp_[^<]+)</code>', page)[1]
    assert client_row is not None and shown.startswith("mpp_")
    bad = admin.post("/staf/kelola/klien-api", data={"name": "X", "rate_limit": "banyak"})
    assert bad.status_code == 422


# --- 7. check-in oracle ----------------------------------------------------------------------

def _booked_code(app, client):
    url, slots = _booking_page(client)
    assert _book(client, url, slots[0], NIK).status_code == 302
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        return appointment.code, appointment.slot.starts_at.replace(tzinfo=timezone.utc)


def test_item07_check_in_needs_the_last4_and_answers_one_message(app, client):
    code, starts = _booked_code(app, client)
    app.config["CLOCK"] = starts - timedelta(hours=2)                # too early
    stranger = app.test_client()
    assert stranger.post("/mpp/kota-kediri/kiosk/check-in",
                         data={"c-code": code}).status_code == 422  # the last 4 are asked
    answers = set()
    for form in ({"c-code": code, "c-last4": "0001"}, {"c-code": code, "c-last4": "9999"},
                 {"c-code": "ABCDEFGHJK", "c-last4": "0001"}):
        response = stranger.post("/mpp/kota-kediri/kiosk/check-in", data=form)
        assert response.status_code == 409
        answers.add(re.search(r'<li>(Check-in tidak dapat[^<]+)</li>',
                              response.get_data(as_text=True))[1])
    assert len(answers) == 1 and "07.30" not in answers.pop()


def test_item07_an_existing_ticket_goes_only_to_the_browser_that_made_it(app, client):
    code, starts = _booked_code(app, client)
    app.config["CLOCK"] = starts - timedelta(minutes=10)
    phone = app.test_client()
    made = phone.post("/mpp/kota-kediri/kiosk/check-in", data={"c-code": code, "c-last4": "0001"})
    assert made.status_code == 302
    again = phone.post("/mpp/kota-kediri/kiosk/check-in", data={"c-code": code, "c-last4": "0001"})
    assert again.headers["Location"] == made.headers["Location"]
    token = made.headers["Location"].split("/")[2]
    other = app.test_client().post("/mpp/kota-kediri/kiosk/check-in",
                                   data={"c-code": code, "c-last4": "0001"})
    assert other.status_code == 409 and token not in other.get_data(as_text=True)
    assert "Location" not in other.headers


def test_item07_check_in_is_rate_limited(strict_app):
    strict_app.config["CHECK_IN_RATE_LIMIT"] = "3 per minute"
    client = strict_app.test_client()
    page = client.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    statuses = [client.post("/mpp/kota-kediri/kiosk/check-in",
                            data={"c-code": f"ABCDEFGH{n}K", "c-last4": "0001",
                                  "csrf_token": _any_csrf(page)}).status_code
                for n in range(2, 7)]
    assert statuses == [409, 409, 409, 429, 429]


# --- 8. idempotency keys per client ----------------------------------------------------------

def test_item08_an_idempotency_key_belongs_to_its_client(app, client):
    with app.app_context():
        _, first = create_api_client(db.session, "Portal", [], True, "50 per minute", None, NOW)
        _, second = create_api_client(db.session, "Call center", [], True, "50 per minute",
                                      None, NOW)
        db.session.commit()

    def post(key, body):
        return client.post("/api/v1/appointments", json=body, headers={
            "Authorization": f"Bearer {key}", "Idempotency-Key": "pesan-1"})

    body = _api_body(client, 1)
    mine = post(first, body)
    squatted = post(second, _api_body(client, 2))       # the same key text, another client
    assert mine.status_code == squatted.status_code == 201
    assert mine.get_json()["code"] != squatted.get_json()["code"]
    retried = post(first, body)
    assert retried.status_code == 201 and retried.get_json()["code"] == mine.get_json()["code"]
    assert _appointments(app) == 2


# --- 9. a GET writes -------------------------------------------------------------------------

def _tally(app):
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(SearchTally.hits), 0)))


def test_item09_reloading_a_search_does_not_move_the_most_searched_list(app, client):
    for _ in range(5):
        assert client.get("/cari", query_string={"q": "bikin ktp"}).status_code == 200
    assert _tally(app) == 1
    client.get("/cari", query_string={"q": "Bikin  KTP"})             # the same words
    assert _tally(app) == 1
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    elsewhere.get("/cari", query_string={"q": "bikin ktp"})
    assert _tally(app) == 2


def test_item09_one_client_counts_a_bounded_number_of_searches_a_day(app, client):
    app.config["SEARCH_COUNTS_PER_CLIENT"] = "3 per day"
    for word in ("ktp", "paspor", "sim", "akta lahir", "kartu keluarga", "npwp"):
        client.get("/cari", query_string={"q": word})
    assert _tally(app) == 3


# --- 10. backups and restore -----------------------------------------------------------------

@pytest.fixture
def sqlite_app(test_databases, templates, tmp_path):
    """The app on an SQLite file of the demo schema at the newest migration (backups are
    SQLite's; PostgreSQL has pg_dump)."""
    path = tmp_path / "mpp.sqlite3"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
                     instance_path=str(tmp_path / "instance"))
    with app.app_context():
        db.create_all()
        stamp()
        db.engine.dispose()
    yield app, path


def _mode(path):
    return os.stat(path).st_mode & 0o777


def test_item10_the_database_and_its_backups_are_owner_only(sqlite_app, tmp_path):
    app, path = sqlite_app
    path.chmod(0o644)
    create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
               instance_path=str(tmp_path / "instance"))
    assert _mode(path) == 0o600                          # an existing database is tightened
    fresh = tmp_path / "baru" / "mpp.sqlite3"
    create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{fresh}"},
               instance_path=str(tmp_path / "instance"))
    assert _mode(fresh) == 0o600
    target = tmp_path / "cadangan.sqlite3"
    made = app.test_cli_runner().invoke(args=["ops", "backup", str(target)])
    assert made.exit_code == 0, made.output
    assert _mode(target) == 0o600


def test_item10_restore_refuses_a_damaged_or_foreign_file(sqlite_app, tmp_path):
    app, _ = sqlite_app
    runner = app.test_cli_runner()
    foreign = tmp_path / "lain.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE catatan (isi TEXT)")
    refused = runner.invoke(args=["ops", "restore", str(foreign), "--yes"])
    assert refused.exit_code != 0 and "no schema version of this app" in refused.output
    old = tmp_path / "lama.sqlite3"
    runner.invoke(args=["ops", "backup", str(old)])
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0123abcd'")
    refused = runner.invoke(args=["ops", "restore", str(old), "--yes"])
    assert refused.exit_code != 0 and "schema 0123abcd" in refused.output
    damaged = tmp_path / "rusak.sqlite3"
    runner.invoke(args=["ops", "backup", str(damaged)])
    data = bytearray(damaged.read_bytes())
    data[5000:9000] = b"\xff" * 4000                      # a torn page in the middle
    damaged.write_bytes(bytes(data))
    refused = runner.invoke(args=["ops", "restore", str(damaged), "--yes"])
    assert refused.exit_code != 0 and ("damaged" in refused.output
                                       or "not an SQLite database" in refused.output)
    text = tmp_path / "catatan.txt"
    text.write_text("bukan basis data")
    refused = runner.invoke(args=["ops", "restore", str(text), "--yes"])
    assert refused.exit_code != 0 and "not an SQLite database" in refused.output


# --- 11. Host header -------------------------------------------------------------------------

def test_item11_a_foreign_host_header_is_refused(client):
    assert client.get("/mpp/kota-kediri", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/v1/mpps", headers={"Host": "evil.example"}).status_code == 400


def test_item11_absolute_urls_use_the_configured_host(app):
    app.config["TRUSTED_HOSTS"] = ["localhost", "mpp.internal"]      # a probe's name, say
    client = app.test_client()
    listed = client.get("/api/v1/mpps", headers={"Host": "mpp.internal"}).get_json()
    assert listed[0]["url"].startswith("http://localhost/mpp/")
    app.config["CLOCK"] = NOW
    kiosk = enrol_kiosk(app.test_client())
    kiosk.environ_base["HTTP_HOST"] = "mpp.internal"
    printed = kiosk.get(take_ticket(kiosk).headers["Location"]).get_data(as_text=True)
    assert "mpp.internal" not in printed


def test_item11_production_needs_a_server_name(tmp_path):
    with pytest.raises(InsecureConfiguration, match="SERVER_NAME"):
        create_app({**BASE_CONFIG, "ENV_NAME": "production", "SERVER_NAME": None,
                    "SECRET_KEY": "s" * 40, "NIK_HMAC_KEY": "n" * 40,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))


# --- 12. staff pages cacheable ---------------------------------------------------------------

def test_item12_every_staff_page_is_no_store(app):
    with app.app_context():
        staff("pengelola@kediri.test", Role.MPP_MANAGER)
        db.session.commit()
    manager = app.test_client()
    login(manager, "pengelola@kediri.test")
    for path in ("/staf", "/staf/laporan", "/staf/kelola/audit",
                 "/staf/kelola/mpp/kota-kediri/petugas", "/staf/kelola/mpp/kota-kediri/perangkat",
                 "/staf/masuk", "/staf/perangkat"):
        response = manager.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


# --- 13. demo in production ------------------------------------------------------------------

def test_item13_the_demo_refuses_to_run_in_production(test_databases, tmp_path):
    url = test_databases.new_empty("demo_production")
    try:
        app = create_app({**BASE_CONFIG, "ENV_NAME": "production", "SECRET_KEY": "s" * 40,
                          "NIK_HMAC_KEY": "n" * 40, "SQLALCHEMY_DATABASE_URI": url,
                          "LOG_JSON": False}, instance_path=str(tmp_path))
        result = app.test_cli_runner().invoke(args=["init", "--demo"])
        assert result.exit_code != 0 and "--demo refuses" in result.output
        assert "password" not in result.output.split("--demo refuses")[0]
        with app.app_context():
            assert "user" not in inspect(db.engine).get_table_names()   # nothing was written
            db.engine.dispose()
    finally:
        test_databases.drop(url)


# --- 14. errors log the rule; fullwidth formula signs ----------------------------------------

def test_item14_a_500_logs_the_route_not_the_path(app, client, caplog, monkeypatch):
    from mpp_digital.queue import operations
    token = "rahasia-tiket-123456"

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(operations, "ticket_version", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/tiket/{token}")
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/tiket/<token>" in logged and token not in logged


@pytest.mark.parametrize("cell", ["＝HYPERLINK(\"x\")", "＋1", "－1", "＠SUM(A1)", "=1", "+1",
                                  "@x", "-2", "\t=1"])
def test_item14_csv_cells_that_a_spreadsheet_would_run_are_neutralised(cell):
    assert _safe(cell) == "'" + cell


def test_item14_ordinary_csv_cells_are_kept():
    assert _safe("Disdukcapil") == "Disdukcapil" and _safe(12) == "12" and _safe(None) == ""


# --- 15. 405 without Allow -------------------------------------------------------------------

def test_item15_every_405_carries_allow(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<" in rule.rule and not rule.rule.startswith("/api/"):
            continue
        url = re.sub(r"<(?:\w+:)?\w+>", "x", rule.rule)
        for method in ("DELETE", "PATCH", "PUT"):
            if method in rule.methods:
                continue
            response = client.open(url, method=method)
            if response.status_code != 405:
                continue
            allow = {m.strip() for m in response.headers.get("Allow", "").split(",")}
            assert "OPTIONS" in allow or rule.methods & allow, f"{method} {url}"
            checked += 1
    assert checked > 20
    api = client.delete("/api/v1/appointments")
    assert api.status_code == 405 and "POST" in api.headers["Allow"]
    assert api.get_json()["code"] == 405
