"""A visit checks in once at the kiosk with its code: the first step's ticket at once, each
later step's when the step before finishes or its own time comes; the ticket page shows the
whole plan."""
import re
from datetime import timedelta, timezone

import pytest
from sqlalchemy import select

from mpp_digital.accounts.models import Role
from mpp_digital.booking import slots, visits
from mpp_digital.booking.models import AppointmentStatus, Slot
from mpp_digital.extensions import db
from mpp_digital.queue import operations as ops
from mpp_digital.queue.models import Ticket, TicketStatus

from ..factories import NOW, citizen, csrf_token, enrol_kiosk, login, mpp, staff

BIRTH = ["akta-kelahiran", "kartu-keluarga-baru", "kartu-identitas-anak"]


@pytest.fixture
def visit(app):
    """A birth's three steps at Kota Kediri, booked the Friday before, from Monday 09.00."""
    booked_at = NOW - timedelta(days=3)
    with app.app_context():
        hall = mpp("kota-kediri")
        offerings = visits.offerings_at(db.session, hall, BIRTH)
        for offer in offerings:
            slots.generate_slots(db.session, offer, NOW.date(), NOW.date())
        monday = visits.openings(db.session, offerings, booked_at)[NOW.date()]
        found = visits.plan(visits.needs([o.service for o in offerings]),
                            {NOW.date(): monday}, visits.WALK).plans[0]
        by_service = {o.service_id: o for o in offerings}
        steps = [(by_service[s.key], db.session.get(Slot, s.opening.slot_id))
                 for s in found.steps]
        made, _ = visits.book_visit(db.session, hall, steps, citizen(31), booked_at, "k", 3)
        db.session.commit()
        starts = [s.slot.starts_at.replace(tzinfo=timezone.utc)
                  for s in visits.steps_in_order(made)]
        return made.code, citizen(31).nik.last4, starts


def _check_in(kiosk, code, last4):
    return kiosk.post("/mpp/kota-kediri/kiosk/check-in", data={"c-code": code, "c-last4": last4})


def _tickets(app):
    with app.app_context():
        rows = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
        return [(t.display, t.status, t.appointment_id) for t in rows]


def test_one_check_in_then_each_step_when_the_one_before_finishes(app, client, visit):
    code, last4, starts = visit
    app.config["CLOCK"] = starts[0] - timedelta(minutes=20)
    kiosk = enrol_kiosk(app.test_client())
    assert _check_in(kiosk, code, "0000" if last4 != "0000" else "1111").status_code == 409
    first = _check_in(kiosk, code.lower(), last4)
    assert first.status_code == 302 and len(_tickets(app)) == 1
    status_url = first.headers["Location"].removesuffix("/cetak")
    page = client.get(status_url).get_data(as_text=True)
    assert "Kunjungan Anda" in page and "Sekarang:" in page
    assert page.count("tiket diberikan saat langkah sebelumnya selesai") == 2
    again = _check_in(kiosk, code, last4)                        # the same kiosk session
    assert again.headers["Location"] == first.headers["Location"] and len(_tickets(app)) == 1
    assert _check_in(enrol_kiosk(app.test_client()), code, last4).status_code == 409
    # The clerk calls and serves the first step: the second step's ticket comes at once.
    with app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
        counter_id = db.session.scalar(select(Ticket)).queue.counters[0].id
    login(client, "petugas@kediri.test")
    console = f"/staf/loket/{counter_id}"
    token = csrf_token(client.get(console).get_data(as_text=True))
    for action in ("buka", "berikutnya", "selesai"):
        client.post(f"{console}/{action}", data={"csrf_token": token})
    tickets = _tickets(app)
    assert [t[1] for t in tickets] == [TicketStatus.DONE, TicketStatus.WAITING]
    page = app.test_client().get(status_url).get_data(as_text=True)
    assert re.search(r"tiket A-\d{3}</a> · menunggu", page)


def test_a_later_step_gets_its_ticket_when_its_time_comes(app, visit):
    code, last4, starts = visit
    app.config["CLOCK"] = starts[0] - timedelta(minutes=5)
    kiosk = enrol_kiosk(app.test_client())
    _check_in(kiosk, code, last4)
    runner = app.test_cli_runner()
    app.config["CLOCK"] = starts[1] - timedelta(minutes=31)
    assert "0 later steps" in runner.invoke(args=["booking", "waitlist"]).output
    app.config["CLOCK"] = starts[2] - timedelta(minutes=30)     # both later windows open
    assert "2 later steps" in runner.invoke(args=["booking", "waitlist"]).output
    assert "0 later steps" in runner.invoke(args=["booking", "waitlist"]).output
    assert [t[1] for t in _tickets(app)] == [TicketStatus.WAITING] * 3
    with app.app_context():
        steps = db.session.scalars(select(ops.Appointment.status)).all()
        assert set(steps) == {AppointmentStatus.CHECKED_IN}


def test_a_visit_outside_its_window_or_at_another_hall_is_refused(app, visit):
    code, last4, starts = visit
    app.config["CLOCK"] = starts[0] - timedelta(hours=2)
    kiosk = enrol_kiosk(app.test_client())
    assert _check_in(kiosk, code, last4).status_code == 409
    app.config["CLOCK"] = starts[0]
    other = enrol_kiosk(app.test_client(), "kota-mataram")
    assert other.post("/mpp/kota-mataram/kiosk/check-in",
                      data={"c-code": code, "c-last4": last4}).status_code == 409
    assert _tickets(app) == []
