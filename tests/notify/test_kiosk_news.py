"""A walk-in who gives a phone number at the kiosk hears "3 lagi sebelum giliran Anda" once and
"Dipanggil ke loket N" when called, by WhatsApp or SMS through the outbox; without a number,
or with a bad one, nothing is sent."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from mpp_digital.accounts.models import Role
from mpp_digital.extensions import db
from mpp_digital.notify.models import Message
from mpp_digital.notify.worker import work
from mpp_digital.queue.models import Ticket

from ..factories import NOW, csrf_token, enrol_kiosk, login, queue, staff


@pytest.fixture(autouse=True)
def hall_open(app):
    app.config["CLOCK"] = NOW                      # Monday 09.00 WIB: Kota Kediri is open


def _take(kiosk, phone=None, channel=None):
    with kiosk.application.app_context():
        data = {"t-queue": str(queue().id)}
    if phone is not None:
        data["t-phone"] = phone
    if channel is not None:
        data["t-phone_channel"] = channel
    return kiosk.post("/mpp/kota-kediri/kiosk/ambil", data=data)


def _texts(gateway):
    return [gateway.json(i)["template"]["components"][0]["parameters"][0]["text"]
            if "template" in gateway.json(i) else gateway.json(i)["text"]
            for i in range(len(gateway.requests))]


def _drain(app):
    with app.app_context():
        work(app.config, once=True)


@pytest.fixture
def desk(app, client):
    """A clerk's console for queue A with its counter open: returns `call()`."""
    with app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
        counter = queue().counters[0]
        console, number = f"/staf/loket/{counter.id}", counter.number
    login(client, "petugas@kediri.test")
    token = csrf_token(client.get(console).get_data(as_text=True))
    client.post(f"{console}/buka", data={"csrf_token": token})

    def act(action):
        assert client.post(f"{console}/{action}", data={"csrf_token": token}).status_code == 302

    def serve():
        act("berikutnya")
        act("selesai")
    act.serve, act.number = serve, number
    return act


def test_three_ahead_and_the_call_reach_the_phone_once(app, gateway, desk):
    kiosk = enrol_kiosk(app.test_client())
    page = kiosk.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    assert 'name="t-phone"' in page and 'value="whatsapp"' in page and 'value="sms"' in page
    for _ in range(4):
        _take(kiosk)                                              # A-001 … A-004: no phone
    printed = kiosk.get(_take(kiosk, "0812-3456-7890", "sms").headers["Location"])
    assert "Kabar giliran dikirim lewat SMS ke +62812****7890" in printed.get_data(as_text=True)
    _drain(app)
    assert gateway.requests == []                                 # 4 ahead: nothing yet
    desk.serve()                                                  # A-001 called and served
    _drain(app)
    assert _texts(gateway) == [gateway.json(0)["text"]]
    text = gateway.json(0)["text"]
    assert text.startswith("3 lagi sebelum giliran Anda – tiket A-005, Mal Pelayanan Publik")
    assert gateway.json(0)["to"] == "6281234567890" and "/tiket/" in text
    desk.serve()                                                  # near, told once
    desk.serve()
    desk.serve()
    _drain(app)
    assert len(gateway.requests) == 1
    desk("berikutnya")                                            # A-005 is called
    _drain(app)
    assert len(gateway.requests) == 2
    assert gateway.json(1)["text"] == (f"Dipanggil ke loket {desk.number}: tiket A-005, "
                                       "Mal Pelayanan Publik Kota Kediri.")


def test_a_recall_calls_the_phone_again_and_whatsapp_is_the_first_choice(app, gateway, desk):
    kiosk = enrol_kiosk(app.test_client())
    _take(kiosk, "+62 812 3456 7890")                  # the default channel: WhatsApp
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert (ticket.phone_channel, ticket.nudged) == ("whatsapp", True)   # none ahead
    desk("berikutnya")
    desk("ulang")
    _drain(app)
    assert [t.startswith("Dipanggil ke loket") for t in _texts(gateway)] == [True, True]
    assert gateway.json(0)["template"]["language"] == {"code": "id"}


def test_without_a_number_or_with_a_bad_one_nothing_is_sent(app, gateway, desk):
    kiosk = enrol_kiosk(app.test_client())
    for bad in ("12345", "0812-abcd-7890", "٠٨١٢٣٤٥٦٧٨٩٠", "0" * 500):
        response = _take(kiosk, bad)
        assert response.status_code == 422, bad
        assert "Tulis nomor ponsel Indonesia" in response.get_data(as_text=True)
    assert _take(kiosk, "0812 3456 7890", "telegram").status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Ticket.id)) is None
    _take(kiosk, "")
    desk("berikutnya")
    with app.app_context():
        assert db.session.scalars(select(Message)).all() == []


def test_without_a_phone_channel_the_kiosk_does_not_ask(app, client):
    kiosk = enrol_kiosk(app.test_client())
    page = kiosk.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    assert "t-phone" not in page
    assert _take(kiosk, "0812 3456 7890").status_code == 302       # ignored, not stored
    with app.app_context():
        assert db.session.scalar(select(Ticket.phone)) is None


def test_the_purge_forgets_the_phones_of_past_days(app, gateway):
    kiosk = enrol_kiosk(app.test_client())
    _take(kiosk, "0812 3456 7890")
    runner = app.test_cli_runner()
    assert "phones erased from 0 tickets" in runner.invoke(args=["privacy", "purge"]).output
    app.config["CLOCK"] = NOW + timedelta(days=2)
    assert "phones erased from 1 tickets" in runner.invoke(args=["privacy", "purge"]).output
    with app.app_context():
        assert db.session.scalar(select(Ticket.phone)) is None
