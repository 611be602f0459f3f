"""A visit through the pages: a life event pre-selects its services at the hall, the planner
proposes days, one form books every step, one proof with the merged checklist and one
calendar, a step or the whole visit cancelled; bad input is told and changes nothing."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from mpp_digital.booking.links import visit_token
from mpp_digital.booking.models import Appointment, AppointmentStatus, Slot, Visit, VisitStatus
from mpp_digital.extensions import db

from ..factories import nik

NOW = datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc)          # Friday 08.00 WIB
NIK = nik(4321)
PLAN = "/mpp/kota-kediri/kunjungan"


@pytest.fixture(autouse=True)
def friday(app):
    app.config["CLOCK"] = NOW


def _plan_links(client, query="?peristiwa=kelahiran"):
    page = client.get(PLAN + query).get_data(as_text=True)
    return [link.replace("&amp;", "&") for link in
            re.findall(r'href="(/mpp/kota-kediri/kunjungan/pesan\?[^"]+)"', page)], page


def _book(client, **fields):
    link = _plan_links(client)[0][0]
    data = {"name": "Dewi Lestari", "nik": NIK, "phone": "0813 1111 2222", **fields}
    return link, client.post(link, data=data)


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_hall_and_its_life_events_lead_to_the_planner(client):
    hall = client.get("/mpp/kota-kediri").get_data(as_text=True)
    assert 'href="/mpp/kota-kediri/kunjungan"' in hall
    assert 'href="/mpp/kota-kediri/peristiwa-hidup/kelahiran"' in hall
    event = client.get("/mpp/kota-kediri/peristiwa-hidup/kelahiran").get_data(as_text=True)
    assert event.index("Penerbitan Akta Kelahiran") < event.index("Penerbitan Kartu Keluarga")
    assert "Diurus daring." in event                       # BPJS Kesehatan: online
    assert 'href="/mpp/kota-kediri/kunjungan?peristiwa=kelahiran"' in event
    national = client.get("/peristiwa-hidup/kelahiran").get_data(as_text=True)
    assert "Fotokopi KK" in national and "untuk Penerbitan Akta Kelahiran" in national
    assert "Kelahiran anak" in client.get("/peristiwa-hidup").get_data(as_text=True)
    assert client.get("/peristiwa-hidup/tidak-ada").status_code == 404
    assert client.get("/mpp/kota-kediri/peristiwa-hidup/tidak-ada").status_code == 404


def test_a_life_event_preselects_what_the_hall_books_and_gets_plans(client):
    links, page = _plan_links(client)
    checked = re.findall(r'value="([a-z-]+)" id="layanan-\d+" checked', page)
    assert checked == ["akta-kelahiran", "kartu-identitas-anak", "kartu-keluarga-baru"]
    assert len(links) == 3 and "Sekitar" in page                 # three days proposed
    plan = page.split('id="plan-1"', 1)[1].split("</article>", 1)[0]
    assert plan.index("Akta Kelahiran") < plan.index("Kartu Keluarga") < plan.index(
        "Kartu Identitas Anak")                                  # in the order they need
    one = client.get(PLAN + "?layanan=paspor-biasa").get_data(as_text=True)
    assert "Pilih paling sedikit dua layanan" in one and "Pilih rencana" not in one
    odd = client.get(PLAN + "?layanan=%00&layanan=x" + "y" * 300 + "&layanan=paspor-biasa")
    assert odd.status_code == 200 and "Pilih paling sedikit dua layanan" in odd.get_data(
        as_text=True)
    assert client.get(PLAN + "?peristiwa=tidak-ada").status_code == 404


def test_one_form_books_every_step_and_one_proof_shows_them(app, client):
    link, response = _book(client)
    assert response.status_code == 302 and response.headers["Location"] == "/kunjungan"
    proof = client.get("/kunjungan")
    page = proof.get_data(as_text=True)
    assert proof.headers["Cache-Control"] == "no-store"
    assert "Kunjungan Anda tercatat" in page and "************4321" in page
    assert page.index("Penerbitan Akta Kelahiran") < page.index("Kartu Identitas Anak (KIA)")
    assert "Fotokopi KK <span class=\"meta\">untuk Penerbitan Akta Kelahiran, Penerbitan " \
           "Kartu Identitas Anak (KIA)</span>" in page
    assert page.count("Fotokopi KK <") == 1                      # listed once
    ics = client.get("/kunjungan/kalender.ics")
    assert ics.headers["Cache-Control"] == "no-store" and ics.data.count(b"BEGIN:VEVENT") == 3
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert visit.status == VisitStatus.ACTIVE and len(visit.steps) == 3
    # The same plan again: its seats are the NIK's already.
    again = client.post(link, data={"name": "Dewi Lestari", "nik": NIK,
                                    "phone": "0813 1111 2222"})
    assert again.status_code == 409 and "sudah memiliki janji aktif" in again.get_data(
        as_text=True)
    assert _count(app, Visit) == 1


def test_bad_input_is_told_and_books_nothing(app, client):
    link, _ = _plan_links(client)[0][0], None
    for fields in ({"name": "", "nik": NIK, "phone": "0813 1111 2222"},
                   {"name": "Dewi", "nik": "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", "phone": "0813 1111 2222"},
                   {"name": "Dewi", "nik": NIK, "phone": "telepon"},
                   {"name": "Dewi", "nik": NIK, "phone": "0813 1111 2222",
                    "phone_channel": "merpati"}):
        response = client.post(link, data=fields)
        assert response.status_code == 422, fields
        assert "Ada yang perlu diperbaiki" in response.get_data(as_text=True)
    slot_ids = re.findall(r"slot=(\d+)", link)
    for query in ("slot=abc", "", "slot=" + "&slot=".join(["999999"] * 2),
                  "slot=" + "&slot=".join(slot_ids[:1] * 2), "slot=" + slot_ids[0]):
        response = client.get(f"{PLAN}/pesan?{query}")
        assert response.status_code in (404, 422), query
        assert client.post(f"{PLAN}/pesan?{query}", data={
            "name": "Dewi", "nik": NIK, "phone": "0813 1111 2222"}).status_code in (404, 409,
                                                                                   422), query
    assert _count(app, Visit) == 0 and _count(app, Appointment) == 0
    other_hall = client.get("/mpp/kota-mataram/kunjungan/pesan?" + "&".join(
        f"slot={i}" for i in slot_ids))
    assert other_hall.status_code == 404


def test_one_step_or_the_whole_visit_is_cancelled(app, client):
    _book(client)
    page = client.get("/kunjungan").get_data(as_text=True)
    steps = re.findall(r'action="/kunjungan/langkah/(\d+)/batal"', page)
    assert len(steps) == 3
    client.post(f"/kunjungan/langkah/{steps[2]}/batal")
    page = client.get("/kunjungan").get_data(as_text=True)
    assert "Langkah Penerbitan Kartu Identitas Anak (KIA) dibatalkan" in page
    assert page.count("(dibatalkan)") == 1
    with app.app_context():
        statuses = db.session.scalars(select(Appointment.status).order_by(Appointment.id)).all()
        assert statuses == [AppointmentStatus.ACTIVE] * 2 + [AppointmentStatus.CANCELLED]
    assert client.post("/kunjungan/langkah/999999/batal").status_code == 404
    client.post("/kunjungan/batal")
    with app.app_context():
        assert db.session.scalar(select(Visit.status)) == VisitStatus.CANCELLED
    assert "Kunjungan tidak aktif" in client.get("/kunjungan").get_data(as_text=True)


def test_the_visit_code_opens_it_from_the_lookup_and_its_link(app, client):
    _book(client)
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        code = visit.code
        with app.test_request_context():
            token = visit_token(visit)
    other = app.test_client()
    wrong = other.post("/janji/cari", data={"code": code, "last4": "9999"})
    assert wrong.status_code == 404 and "tidak cocok" in wrong.get_data(as_text=True)
    found = other.post("/janji/cari", data={"code": code.lower(), "last4": "4321"})
    assert found.headers["Location"] == "/kunjungan"
    assert code[:4] in other.get("/kunjungan").get_data(as_text=True)
    third = app.test_client()
    assert third.get(f"/kunjungan/tautan/{token}").headers["Location"] == "/kunjungan"
    assert third.get(f"/kunjungan/tautan/{token[:-2]}xx").status_code == 404
    assert app.test_client().get("/kunjungan/kalender.ics").status_code == 404


def test_the_whole_visit_moves_to_another_day_or_not_at_all(app, client):
    _book(client)
    with app.app_context():
        before = db.session.scalar(select(Visit))
        code, old = before.code, sorted(s.slot_id for s in before.steps)
    page = client.get("/kunjungan").get_data(as_text=True)
    move = re.search(r'href="(/mpp/kota-kediri/kunjungan\?[^"]*pindah=1[^"]*)"', page)[1]
    links = [link.replace("&amp;", "&") for link in re.findall(
        r'href="(/kunjungan/pindah\?[^"]+)"', client.get(move.replace("&amp;", "&"))
        .get_data(as_text=True))]
    assert len(links) == 3
    new_slots = re.findall(r"slot=(\d+)", links[1])
    with app.app_context():                      # one step's new seat is taken meanwhile
        slot = db.session.get(Slot, int(new_slots[-1]))
        slot.booked, keep = slot.capacity, slot.booked
        db.session.commit()
    full = client.post(links[1])
    assert full.status_code == 409 and "Kunjungan tidak dipindah" in full.get_data(as_text=True)
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        assert sorted(s.slot_id for s in visit.steps) == old           # nothing changed
        db.session.get(Slot, int(new_slots[-1])).booked = keep
        db.session.commit()
    assert client.get(links[1]).status_code == 200
    moved = client.post(links[1])
    assert moved.headers["Location"] == "/kunjungan"
    assert "dipindah ke jadwal baru" in client.get("/kunjungan").get_data(as_text=True)
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        active = sorted(s.slot_id for s in visit.steps if s.status == AppointmentStatus.ACTIVE)
        assert visit.code == code and visit.status == VisitStatus.ACTIVE
        assert active == sorted(int(i) for i in new_slots)
        assert {s.cancelled_via for s in visit.steps if s.slot_id in old} == {"moved"}
        assert all(db.session.get(Slot, i).booked == 0 for i in old)   # the old seats free
    assert app.test_client().post(links[1]).headers["Location"] == "/janji/cari"


def test_one_step_moves_to_another_time_between_its_neighbours(app, client):
    _book(client)
    page = client.get("/kunjungan").get_data(as_text=True)
    last = re.findall(r'href="/kunjungan/langkah/(\d+)/ubah"', page)[-1]
    form = client.get(f"/kunjungan/langkah/{last}/ubah").get_data(as_text=True)
    choices = re.findall(r'name="slot"[^>]*value="(\d+)"', form) or re.findall(
        r'value="(\d+)"[^>]*name="slot"', form)
    assert choices
    with app.app_context():
        step = db.session.get(Appointment, int(last))
        old, others = step.slot_id, [s.slot.ends_at for s in step.visit.steps if s.id != step.id]
    for garbage in ("abc", "999999", str(old)):
        refused = client.post(f"/kunjungan/langkah/{last}/ubah", data={"slot": garbage})
        assert refused.status_code == 409 and "Pilih salah satu jam" in refused.get_data(
            as_text=True), garbage
    assert client.post(f"/kunjungan/langkah/{last}/ubah", data={}).status_code == 422
    moved = client.post(f"/kunjungan/langkah/{last}/ubah", data={"slot": choices[-1]})
    assert moved.headers["Location"] == "/kunjungan"
    with app.app_context():
        step = db.session.get(Appointment, int(last))
        assert step.slot_id == int(choices[-1]) and step.status == AppointmentStatus.ACTIVE
        assert db.session.get(Slot, old).booked == 0
        assert step.slot.starts_at >= max(others)                  # still after the others
    assert client.get("/kunjungan/langkah/999999/ubah").status_code == 404


def test_saya_datang_confirms_every_step_still_to_come(app, client):
    _book(client)
    page = client.get("/kunjungan").get_data(as_text=True)
    assert 'action="/kunjungan/datang"' in page
    step = re.findall(r'action="/kunjungan/langkah/(\d+)/batal"', page)[0]
    client.post(f"/kunjungan/langkah/{step}/batal")
    client.post("/kunjungan/datang")
    page = client.get("/kunjungan").get_data(as_text=True)
    assert "kami tunggu kedatangan Anda" in page and 'action="/kunjungan/datang"' not in page
    with app.app_context():
        steps = db.session.scalars(select(Appointment)).all()
        assert sorted((s.status.value, s.confirmed_at is not None) for s in steps) == \
            [("active", True), ("active", True), ("cancelled", False)]
