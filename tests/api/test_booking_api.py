"""The booking API for other channels, checked against its OpenAPI document."""
from datetime import date, datetime

import pytest
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from sqlalchemy import event, func, select
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mpp_digital.accounts.api_clients import create_api_client, revoke_api_client
from mpp_digital.accounts.models import ApiClient
from mpp_digital.booking.models import Appointment, Slot
from mpp_digital.extensions import db

from ..factories import NOW, nik
from .conftest import checked as _checked

SLOTS = "/api/v1/mpps/kota-kediri/offerings/paspor-biasa/slots"


def _first_slot(client, openapi):
    slots = _checked(client, openapi, SLOTS).get_json()
    assert slots and all(s["free"] >= 1 for s in slots)
    return slots[0]


def _body(slot, serial=1, **changes):
    return {"mpp": "kota-kediri", "service": "paspor-biasa", "start": slot["start"],
            "name": "Siti Aminah", "nik": nik(serial, born=date(1991, 2, 3), woman=True),
            "phone": "0812 3456 7890", **changes}


def _post(client, openapi, body, key=None, partner=None):
    headers = {"Idempotency-Key": key} if key else {}
    if partner:
        headers["Authorization"] = f"Bearer {partner}"
    response = client.post("/api/v1/appointments", json=body, headers=headers)
    # The test client has read the request body; give the validator a fresh copy.
    # The document requires the partner's key: the validator sees the request as sent.
    sent = Request(EnvironBuilder(method="POST", path="/api/v1/appointments", json=body,
                                  headers=headers, base_url="http://localhost").get_environ())
    openapi.validate_response(WerkzeugOpenAPIRequest(sent), WerkzeugOpenAPIResponse(response))
    return response


def test_slots_list_free_seats_in_the_halls_own_offset(client, openapi):
    slot = _first_slot(client, openapi)
    start = datetime.fromisoformat(slot["start"])
    assert start.utcoffset().total_seconds() == 7 * 3600            # WIB
    assert start.hour >= 8 and start.isoweekday() <= 5
    mataram = client.get("/api/v1/mpps/kota-mataram/offerings/paspor-biasa/slots").get_json()
    assert datetime.fromisoformat(mataram[0]["start"]).utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("path, status, says", [
    ("/api/v1/mpps/kota-kediri/offerings/paspor-hilang/slots", 404,      # visit only
     {"message": "Layanan ini tidak dapat dipesan secara daring di MPP ini."}),
    ("/api/v1/mpps/kota-atlantis/offerings/paspor-biasa/slots", 404,
     {"message": "Layanan ini tidak tersedia di MPP tersebut."}),
    (SLOTS + "?from=kemarin", 422, {"errors": {"query": {"from": ["Not a valid date."]}}}),
    (SLOTS + "?from=2020-01-01&to=2020-01-31", 200, []),                # the past has none
])
def test_slot_queries_answer_as_documented(client, openapi, path, status, says):
    response = _checked(client, openapi, path)
    assert response.status_code == status
    answer = response.get_json()
    assert answer == says if isinstance(says, list) else says.items() <= answer.items()


def test_booking_returns_201_with_the_code_and_masked_data(app, client, openapi, partner):
    slot = _first_slot(client, openapi)
    response = _post(client, openapi, _body(slot), partner=partner)
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["code"]) == 10 and body["status"] == "active"
    assert body["nik"] == "************0001" and body["phone"] == "+62812****7890"
    assert body["start"] == slot["start"]
    assert nik(1, born=date(1991, 2, 3), woman=True) not in response.get_data(as_text=True)


def test_a_full_slot_or_a_limit_is_a_409_with_a_reason(app, client, openapi, partner):
    slot = _first_slot(client, openapi)
    assert _post(client, openapi, _body(slot, 1), partner=partner).status_code == 201
    again = _post(client, openapi, _body(slot, 1), partner=partner)
    assert again.status_code == 409 and "layanan ini" in again.get_json()["message"]
    full = _post(client, openapi, _body(slot, 2), partner=partner)
    assert full.status_code == 409 and "penuh" in full.get_json()["message"]


@pytest.mark.parametrize("changes, field", [
    ({"nik": "123"}, "nik"), ({"nik": "9999" + "0" * 12}, "nik"), ({"phone": "021 555"}, "phone"),
    ({"name": ""}, "name"), ({"start": "besok pagi"}, "start"),
    ({"start": "2027-01-04T08:00:00"}, "start"),                # no offset
    ({"mpp": "Kota Kediri"}, "mpp"), ({"extra": 1}, "extra"),
])
def test_bad_input_is_a_422_that_names_the_field_and_writes_nothing(app, client, openapi,
                                                                     partner, changes, field):
    slot = _first_slot(client, openapi)
    response = _post(client, openapi, _body(slot, **changes), partner=partner)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 0


def test_a_start_without_a_slot_is_a_409(client, openapi, partner):
    slot = _first_slot(client, openapi)
    response = _post(client, openapi, _body(slot, start=slot["start"].replace(":00+", ":07+")),
                     partner=partner)
    assert response.status_code == 409
    assert response.get_json()["message"] == "Jadwal itu tidak tersedia. Pilih jadwal lain."


def test_a_retried_request_with_the_same_key_returns_the_same_booking(app, client, openapi,
                                                                       partner):
    slot = _first_slot(client, openapi)
    first = _post(client, openapi, _body(slot), key="call-centre-42", partner=partner)
    second = _post(client, openapi, _body(slot), key="call-centre-42", partner=partner)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["code"] == second.get_json()["code"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 1
        assert db.session.scalar(select(func.sum(Slot.booked))) == 1
    other = _post(client, openapi, _body(slot, 2), key="call-centre-42", partner=partner)
    assert other.status_code == 422
    assert other.get_json()["message"] == \
        "Idempotency-Key ini sudah dipakai untuk permintaan lain."


def test_each_api_client_has_its_own_rate_limit(strict_app):
    with strict_app.app_context():
        _, key = create_api_client(db.session, "Call center", [], True, "2 per minute", None,
                                   NOW)
        db.session.commit()
    client = strict_app.test_client()
    slots = client.get(SLOTS).get_json()
    auth = {"Authorization": f"Bearer {key}"}
    statuses = [client.post("/api/v1/appointments", json=_body(slots[n], n),
                            headers=auth).status_code for n in range(1, 5)]
    assert statuses[:2] == [201, 201] and statuses[2:] == [429, 429]
    refused = client.post("/api/v1/appointments", json=_body(slots[9], 9), headers=auth)
    assert refused.get_json()["code"] == 429 and "Retry-After" in refused.headers


def test_a_nik_at_its_limit_is_refused_on_the_rows_read_with_the_slot(app, client, openapi,
                                                                       partner):
    """The NIK's active bookings come with the slot (one row each): the first three services
    take seats 1, 2 and 3, the fourth is over the limit of three."""
    for number, service in enumerate(("paspor-biasa", "akta-kelahiran",
                                      "kartu-keluarga-baru", "kartu-identitas-anak"), 1):
        slot = client.get(f"/api/v1/mpps/kota-kediri/offerings/{service}/slots").get_json()[0]
        answer = _post(client, openapi, _body(slot, service=service), partner=partner)
        if number <= 3:
            assert answer.status_code == 201, answer.get_json()
        else:
            assert answer.status_code == 409 and "3 janji aktif" in answer.get_json()["message"]
    with app.app_context():
        assert sorted(db.session.scalars(select(Appointment.nik_seat))) == [1, 2, 3]


def test_a_key_revoked_since_this_process_read_it_books_nothing(app, client, openapi, partner):
    """A process keeps the partners it has read, never whether they are still active: a key
    revoked since (as by another process) is refused by the booking's own transaction, and
    from then on before the request is read."""
    slot = _first_slot(client, openapi)
    assert _post(client, openapi, _body(slot, 1), partner=partner).status_code == 201
    with app.app_context():
        revoke_api_client(db.session, db.session.scalar(select(ApiClient)), None, NOW)
        db.session.commit()
    refused = _post(client, openapi, _body(slot, 2), partner=partner)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    garbage = client.post("/api/v1/appointments", json={"mpp": 1},
                          headers={"Authorization": f"Bearer {partner}"})
    assert garbage.status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count(Appointment.id))) == 1
        assert db.session.scalar(select(func.sum(Slot.booked))) == 1


def test_a_booking_reads_once_and_writes_twice(app, client, openapi, partner):
    """Once the partner is known (kept per process), a booking through the API is one read
    (hall, offering, slot, the partner still active, the NIK's bookings), the seat's UPDATE
    and the booking's INSERT (SQLite's BEGIN not counted)."""
    first, second = _checked(client, openapi, SLOTS).get_json()[:2]
    assert _post(client, openapi, _body(first, 1), partner=partner).status_code == 201
    seen = []

    def record(conn, cursor, statement, *args):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen.append(statement.split()[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert _post(client, openapi, _body(second, 2), partner=partner).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert seen == ["SELECT", "UPDATE", "INSERT"]
