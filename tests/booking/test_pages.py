"""The booking pages, driven as a phone without JavaScript would: links, forms, redirects."""
import logging
import re
from datetime import date, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text

from mpp_digital.booking.models import Appointment, AppointmentStatus, Slot
from mpp_digital.extensions import db

from ..factories import csrf_token, nik, partner_headers

OFFERING = "/mpp/kota-kediri/layanan/paspor-biasa"
NIK = nik(2468, region="3506", born=date(1988, 8, 17), woman=True)


def _first_day_url(client, which=0):
    page = client.get(OFFERING + "/jadwal").get_data(as_text=True)
    return re.findall(r'href="(/mpp/kota-kediri/layanan/paspor-biasa/jadwal/[0-9-]+)"',
                      page)[which]


def _form(client, url, **fields):
    """GET the form, then POST it with its first radio choice and the given fields."""
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page)}
    radio = re.search(r'name="slot"[^>]*value="(\d+)"', page) or re.search(
        r'value="(\d+)"[^>]*name="slot"', page)
    if radio:
        data["slot"] = radio[1]
    data.update(fields)
    return client.post(url, data=data)


def _book(client, day=0, **fields):
    details = {"name": "Dewi Lestari", "nik": NIK, "phone": "0813 1111 2222", **fields}
    return _form(client, _first_day_url(client, day), **details)


def _count(app, model=Appointment):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_resident_books_and_gets_a_printable_proof(app, client):
    assert 'href="/mpp/kota-kediri/layanan/paspor-biasa/jadwal"' in client.get(OFFERING).get_data(
        as_text=True)
    response = _book(client)
    assert response.status_code == 302 and response.headers["Location"] == "/janji"
    proof = client.get("/janji")
    page = proof.get_data(as_text=True)
    assert proof.headers["Cache-Control"] == "no-store"
    assert "Janji Anda tercatat" in page and '<svg role="img"' in page
    assert "Dhoho Plaza" in page and "KTP-el asli" in page and "WIB" in page
    assert "************2468" in page and "+62813****2222" in page
    with app.app_context():
        code = db.session.scalar(select(Appointment.code))
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in page
    ics = client.get("/janji/kalender.ics")
    assert ics.headers["Content-Type"].startswith("text/calendar")
    body = ics.get_data(as_text=True)
    assert "DTSTART;TZID=Asia/Jakarta:" in body and "BEGIN:VTIMEZONE" in body and code in body


def test_the_booking_is_found_again_with_code_and_last_four_digits_then_cancelled(app, client):
    _book(client)
    with app.app_context():
        code = db.session.scalar(select(Appointment.code))
    client.post("/janji/selesai", data={"csrf_token": csrf_token(client.get("/janji").get_data(
        as_text=True))})
    assert client.get("/janji").headers["Location"] == "/janji/cari"
    wrong = _form(client, "/janji/cari", code=code, last4="2467")
    assert wrong.status_code == 404 and "tidak cocok" in wrong.get_data(as_text=True)
    found = _form(client, "/janji/cari", code=code.lower(), last4="2468")
    assert found.headers["Location"] == "/janji"
    page = client.get("/janji").get_data(as_text=True)
    assert 'href="/janji?batal=1#batal"' in page and "Ya, batalkan janji" not in page
    asked = client.get("/janji?batal=1").get_data(as_text=True)       # asked once more …
    assert "Ya, batalkan janji" in asked and "Tidak, simpan janji" in asked
    with app.app_context():                                          # … which changes nothing
        assert db.session.scalar(select(Appointment.status)) == AppointmentStatus.ACTIVE
    client.post("/janji/batal", data={"csrf_token": csrf_token(asked)})
    after = client.get("/janji").get_data(as_text=True)
    assert "Janji tidak aktif" in after and "Pesan jadwal lagi" in after
    with app.app_context():
        assert db.session.scalar(select(Appointment.status)) == AppointmentStatus.CANCELLED
        assert db.session.scalar(select(func.sum(Slot.booked))) == 0


def test_a_booking_is_rescheduled_once(app, client):
    # Not the first day listed: after midnight at the hall that is today, and a booking can
    # be moved only up to the day before its own.
    _book(client, day=1)
    days = client.get("/janji/ubah").get_data(as_text=True)
    urls = re.findall(r'href="(/janji/ubah/[0-9-]+)"', days)
    before = re.search(r"<dd><strong>([^<]+)</strong></dd>",
                       client.get("/janji").get_data(as_text=True))[1]
    moved = _form(client, urls[-1])
    assert moved.headers["Location"] == "/janji"
    page = client.get("/janji").get_data(as_text=True)
    after = re.search(r"<dd><strong>([^<]+)</strong></dd>", page)[1]
    assert f"Jadwal diubah: dari {before} menjadi {after}." in page and before != after
    assert client.get("/janji/ubah").headers["Location"] == "/janji"     # not twice
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        assert appointment.reschedules == 1
        assert db.session.scalar(select(func.sum(Slot.booked))) == 1


@pytest.mark.parametrize("fields, message", [
    ({"nik": "1234"}, "16 angka"), ({"nik": "9999" + NIK[4:]}, "kode kabupaten"),
    ({"phone": "021 5550 100"}, "ponsel Indonesia"), ({"name": ""}, "Tulis nama"),
    ({"slot": ""}, "Pilih salah satu jam"), ({"email": "bukan-email"}, "email yang benar"),
])
def test_bad_answers_are_explained_and_nothing_is_booked(app, client, fields, message):
    response = _book(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary" role="alert"' in page and message in page
    assert "<title>Kesalahan:" in page
    assert _count(app) == 0


def test_a_filled_honeypot_books_nothing(app, client):
    assert _book(client, website="http://spam.example").status_code == 422
    assert _count(app) == 0


def test_a_second_booking_of_the_same_service_is_refused_plainly(app, client):
    _book(client)
    again = _book(client)
    assert again.status_code == 409 and "sudah memiliki janji aktif" in again.get_data(
        as_text=True)
    assert _count(app) == 1


def test_without_the_csrf_token_nothing_is_written(strict_app):
    client = strict_app.test_client()
    url = _first_day_url(client)
    page = client.get(url).get_data(as_text=True)
    slot = re.search(r'value="(\d+)"', page.split('name="slot"', 1)[1])[1]
    forged = client.post(url, data={"slot": slot, "name": "X Y", "nik": NIK,
                                    "phone": "081311112222"})
    assert forged.status_code == 400 or "kedaluwarsa" in forged.get_data(as_text=True)
    assert _count(strict_app) == 0
    assert _form(client, url, name="Dewi", nik=NIK, phone="081311112222").status_code == 302
    assert _count(strict_app) == 1


def test_lookups_are_rate_limited(strict_app):
    strict_app.config["LOOKUP_RATE_LIMIT"] = "3 per minute"
    client = strict_app.test_client()
    statuses = [_form(client, "/janji/cari", code="ABCDEFGHJK", last4="1234").status_code
                for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    refused = _form(client, "/janji/cari", code="ABCDEFGHJK", last4="1234")
    assert "Terlalu banyak permintaan" in refused.get_data(as_text=True)


def test_the_full_nik_is_nowhere_after_a_booking(app, client, caplog):
    with caplog.at_level(logging.DEBUG):
        responses = [_book(client), client.get("/janji"), client.get("/janji/kalender.ics")]
        api = client.post("/api/v1/appointments", json={
            "mpp": "kota-kediri", "service": "kartu-keluarga-baru",
            "start": client.get("/api/v1/mpps/kota-kediri/offerings/kartu-keluarga-baru/slots")
            .get_json()[0]["start"], "name": "Dewi", "nik": NIK, "phone": "081311112222"},
            headers=partner_headers(app))
        responses.append(api)
    assert api.status_code == 201
    for response in responses:
        assert NIK not in response.get_data(as_text=True)
        assert NIK not in str(response.headers)
    assert NIK not in caplog.text
    with app.app_context():
        for table in inspect(db.engine).get_table_names():
            for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
                assert NIK not in " ".join(map(str, row)), table
        codes = db.session.scalars(select(Appointment.code)).all()
    for response in responses:
        assert not any(code in response.headers.get("Location", "") for code in codes)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(fields=st.fixed_dictionaries({}, optional={
    name: st.one_of(st.text(max_size=300), st.binary(max_size=50).map(
        lambda b: b.decode("latin-1")), st.sampled_from(["", "0", "-1", "99999999999", "\x00"]))
    for name in ("slot", "name", "nik", "phone", "email", "website", "csrf_token")}))
def test_garbage_in_any_booking_field_never_breaks_the_page(app, client, fields):
    url = "/mpp/kota-kediri/layanan/paspor-biasa/jadwal/2030-01-07"
    for target in (url, "/janji/cari", "/janji/batal", "/janji/ubah/2030-01-07"):
        response = client.post(target, data=fields)
        assert response.status_code < 500, (target, fields)


@pytest.fixture
def partner(app):
    """One API client's headers for every example of a property test."""
    return partner_headers(app)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.one_of(
    st.dictionaries(st.sampled_from(["mpp", "service", "start", "name", "nik", "phone", "email",
                                     "x"]),
                    st.one_of(st.none(), st.integers(), st.text(max_size=60), st.booleans(),
                              st.lists(st.integers(), max_size=3))),
    st.text(max_size=50), st.integers(), st.none()))
def test_garbage_json_to_the_booking_api_never_breaks_it(app, client, partner, body):
    response = client.post("/api/v1/appointments", json=body, headers=partner)
    assert response.status_code in (404, 409, 422), (body, response.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/mpp/kota-kediri/layanan/paspor-biasa/jadwal/kemarin",
                                  "/mpp/kota-kediri/layanan/paspor-hilang/jadwal",
                                  "/janji/ubah/2030-13-45", "/janji/kalender.ics"])
def test_odd_booking_addresses_are_404_or_redirects(client, path):
    assert client.get(path).status_code in (302, 404)


def test_a_days_times_are_grouped_by_part_of_the_day(client):
    page = client.get(_first_day_url(client)).get_data(as_text=True)
    groups = re.findall(r'<fieldset class="radios radios-grid">\s*<legend>([^<]+)</legend>'
                        r'(.*?)</fieldset>', page, re.S)
    assert [name for name, _ in groups][:1] == ["Pagi"] and len(groups) >= 2
    times = [re.findall(r"<label[^>]*>(\d\d\.\d\d)</label>", body) for _, body in groups]
    assert all(t < "11.00" for t in times[0]) and all(t >= "11.00" for t in times[1])
    assert sum(len(t) for t in times) == page.count('name="slot"')     # each time once


def test_a_booking_on_a_day_that_has_since_closed_says_so_at_the_top(app, client):
    from mpp_digital.catalogue.models import Closure, Mpp
    assert _book(client, day=1).status_code == 302     # not today: it may still be moved
    assert "kini tutup" not in client.get("/janji").get_data(as_text=True)
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        day = (appointment.slot.starts_at.replace(tzinfo=timezone.utc)
               .astimezone(ZoneInfo("Asia/Jakarta")).date())
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        db.session.add(Closure(mpp_id=hall.id, starts_on=day, ends_on=day,
                               reason="Pemadaman listrik"))
        db.session.commit()
    page = client.get("/janji").get_data(as_text=True)
    top = page[:page.index('class="ticket"')]
    assert "Hari atau jam janji Anda kini tutup." in top and "Pemadaman listrik" in top
    assert "Pilih jadwal lain" in top                   # it may still be moved once


def test_in_english_the_catalogues_own_texts_say_they_are_in_indonesian(client):
    indonesian = client.get(OFFERING).get_data(as_text=True)
    assert "in Indonesian" not in indonesian and "dalam bahasa Indonesia" not in indonesian
    client.get("/bahasa/en")
    english = client.get(OFFERING).get_data(as_text=True)
    assert 'Requirements <span class="lang-note" lang="en">(in Indonesian)</span>' in english
    assert '<ul class="checklist" lang="id">' in english


def test_the_list_of_days_follows_a_catalogue_change_on_the_next_request(app, client):
    """The list keeps what it reads of the offering per catalogue version: a shorter horizon,
    then an offering no longer bookable, show on the very next request."""
    from mpp_digital.catalogue.models import Mpp, Offering, Service

    def listed():
        page = client.get(OFFERING + "/jadwal")
        return page.status_code, len(re.findall(r'href="[^"]+/jadwal/[0-9-]+"',
                                                page.get_data(as_text=True)))

    def change(**values):
        with app.app_context():
            offering = db.session.scalar(
                select(Offering).join(Offering.mpp).join(Offering.service)
                .where(Mpp.slug == "kota-kediri", Service.slug == "paspor-biasa"))
            for name, value in values.items():
                setattr(offering, name, value)
            db.session.commit()

    status, before = listed()
    assert status == 200 and before > 3
    change(horizon_days=2)
    status, after = listed()
    # The window ends two days and one from now: days 0 … 2, and day 3's slots that start
    # before this hour (3 days at night, 4 in opening hours).
    assert status == 200 and 0 < after <= 4 < before
    change(bookable=False)
    refused = client.get(OFFERING + "/jadwal")
    assert refused.status_code == 404
    assert "tidak dapat dipesan secara daring" in refused.get_data(as_text=True)
