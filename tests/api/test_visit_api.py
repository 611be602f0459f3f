"""Visits through the API: plans for several services, and a partner booking one, every step
or none, checked against the OpenAPI document."""
from datetime import date, datetime

from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from sqlalchemy import func, select, update
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mpp_digital.accounts.api_clients import revoke_api_client
from mpp_digital.accounts.models import ApiClient
from mpp_digital.booking.models import Appointment, Slot, Visit
from mpp_digital.extensions import db

from ..factories import NOW, nik
from .conftest import checked as _checked

PLANS = "/api/v1/mpps/kota-kediri/visit-plans"
BIRTH = "akta-kelahiran,kartu-keluarga-baru,kartu-identitas-anak"


def _plan(client, openapi, services=BIRTH):
    answer = _checked(client, openapi, f"{PLANS}?services={services}").get_json()
    assert answer["plans"], answer
    return answer["plans"][0]


def _body(plan, serial=1, **changes):
    return {"mpp": "kota-kediri", "steps": [{"service": s["service"], "start": s["start"]}
                                            for s in plan["steps"]],
            "name": "Siti Aminah", "nik": nik(serial, born=date(1991, 2, 3), woman=True),
            "phone": "0812 3456 7890", **changes}


def _post(client, body, partner=None, key=None, openapi=None):
    headers = {"Idempotency-Key": key} if key else {}
    if partner:
        headers["Authorization"] = f"Bearer {partner}"
    response = client.post("/api/v1/visits", json=body, headers=headers)
    if openapi is not None:           # the answer as the document says (a fresh request copy)
        sent = Request(EnvironBuilder(method="POST", path="/api/v1/visits", json=body,
                                      headers=headers,
                                      base_url="http://localhost").get_environ())
        openapi.validate_response(WerkzeugOpenAPIRequest(sent),
                                  WerkzeugOpenAPIResponse(response))
    return response


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_plans_list_each_step_in_order_in_the_halls_offset(client, openapi):
    plan = _plan(client, openapi)
    assert [s["service"] for s in plan["steps"]] == BIRTH.split(",")
    starts = [datetime.fromisoformat(s["start"]) for s in plan["steps"]]
    assert starts == sorted(starts) and starts[0].utcoffset().total_seconds() == 7 * 3600
    assert plan["minutes"] >= 3 * 15
    later = _checked(client, openapi, f"{PLANS}?services={BIRTH}&from={plan['day']}")
    assert later.get_json()["plans"][0]["day"] >= plan["day"]


def test_plan_queries_answer_as_documented(client, openapi):
    for path, status in ((f"{PLANS}?services=akta-kelahiran", 422),
                         (f"{PLANS}?services=akta-kelahiran,akta-kelahiran", 422),
                         (f"{PLANS}?services=akta-kelahiran,tidak-ada", 422),
                         (f"{PLANS}?services=akta-kelahiran,aktivasi-ikd", 422),  # walk-in
                         (f"{PLANS}?services=" + ",".join(["a"] * 7), 422),
                         (f"{PLANS}?services=AKTA,KK", 422), (PLANS, 422),
                         (f"{PLANS}?services={BIRTH}&from=kemarin", 422),
                         (f"/api/v1/mpps/tidak-ada/visit-plans?services={BIRTH}", 404)):
        assert _checked(client, openapi, path).status_code == status, path


def test_a_partner_books_every_step_at_once(app, client, openapi, partner):
    plan = _plan(client, openapi)
    assert _post(client, _body(plan)).status_code == 401
    response = _post(client, _body(plan), partner, key="kunjungan-1", openapi=openapi)
    assert response.status_code == 201, response.get_json()
    visit = response.get_json()
    assert [s["service"] for s in visit["steps"]] == BIRTH.split(",")
    assert visit["nik"].endswith(nik(1, born=date(1991, 2, 3), woman=True)[-4:])
    assert visit["nik"].startswith("************") and "3456" not in visit["phone"]
    again = _post(client, _body(plan), partner, key="kunjungan-1")
    assert again.status_code == 201 and again.get_json()["code"] == visit["code"]
    other = _post(client, _body(plan, name="Orang Lain"), partner, key="kunjungan-1")
    assert other.status_code == 422
    assert _count(app, Visit) == 1 and _count(app, Appointment) == 3


def test_a_taken_step_books_nothing_and_bad_input_writes_nothing(app, client, openapi,
                                                                  partner):
    plan = _plan(client, openapi)
    taken = _post(client, _body(plan, serial=2), partner)
    assert taken.status_code == 201
    with app.app_context():      # the middle step's seats are gone (a slot holds one or two,
        db.session.execute(      # as the seats held back for walk-ins fall: by the hour)
            update(Slot).where(Slot.id == select(Appointment.slot_id).where(
                Appointment.service.has(slug="kartu-keluarga-baru")).scalar_subquery())
            .values(capacity=Slot.booked))
        db.session.commit()
    refused = _post(client, _body(plan, serial=3), partner, openapi=openapi)
    assert refused.status_code == 409 and "penuh" in refused.get_json()["message"]
    for body in (_body(plan, serial=4, steps=[]), _body(plan, serial=4, nik="123"),
                 _body(plan, serial=4, steps=[plan["steps"][0]] * 2),
                 _body(plan, serial=4, steps=[{"service": "akta-kelahiran",
                                               "start": "besok"}] * 2),
                 _body(plan, serial=4, mpp="tidak-ada")):
        assert _post(client, body, partner).status_code in (404, 422), body
    odd = _body(plan, serial=5)
    odd["steps"][0]["start"] = "2030-01-01T03:00:00+07:00"
    assert _post(client, odd, partner).status_code == 409
    assert _count(app, Visit) == 1 and _count(app, Appointment) == 3


def test_a_key_revoked_since_this_process_read_it_books_no_visit(app, client, openapi,
                                                                 partner):
    plan = _plan(client, openapi)
    assert _post(client, _body(plan, serial=2), partner).status_code == 201
    with app.app_context():
        revoke_api_client(db.session, db.session.scalar(select(ApiClient)), None, NOW)
        db.session.commit()
    later = _plan(client, openapi)
    assert _post(client, _body(later, serial=3), partner).status_code == 401
    assert _count(app, Visit) == 1 and _count(app, Appointment) == 3
