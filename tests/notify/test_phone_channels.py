"""WhatsApp (the Business Cloud API) and SMS (an HTTP gateway): the exact requests sent to a
local server standing in for both, the citizen's choice on the booking form, failures, and a
worker killed mid-batch in a process of its own."""
import json
import re
import signal
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

from sqlalchemy import select

from mpp_digital.booking.models import Appointment
from mpp_digital.extensions import begin_write, db
from mpp_digital.notify import operations as ops
from mpp_digital.notify.models import MessageStatus
from mpp_digital.notify.worker import drain_once

from ..booking.test_pages import _book, _first_day_url
from ..races import PROCESSES
from . import killed
from .test_booking_messages import _drain
from .test_booking_messages import _messages as _rows

PHONE = "6281311112222"            # "0813 1111 2222", as the APIs take it
NOW = datetime(2027, 1, 4, 1, 0, tzinfo=timezone.utc)


def _code(app):
    with app.app_context():
        code = db.session.scalar(select(Appointment.code).order_by(Appointment.id.desc()))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def test_the_form_offers_the_configured_phone_channels(app, client, gateway):
    page = client.get(_first_day_url(client)).get_data(as_text=True)
    assert "Kirim kabar ke ponsel lewat" in page
    assert re.findall(r'name="phone_channel"[^>]*value="([a-z]*)"', page) == \
        ["whatsapp", "sms", ""]
    assert re.search(r'checked[^>]*value="whatsapp"|value="whatsapp"[^>]*checked', page)
    app.config["NOTIFY_WHATSAPP_TOKEN"] = None              # WhatsApp no longer configured
    page = client.get(_first_day_url(client)).get_data(as_text=True)
    assert re.findall(r'name="phone_channel"[^>]*value="([a-z]*)"', page) == ["sms", ""]


def test_without_a_phone_channel_the_form_does_not_ask(app, client):
    page = client.get(_first_day_url(client)).get_data(as_text=True)
    assert "phone_channel" not in page and "Kirim kabar ke ponsel" not in page


def test_a_booking_by_whatsapp_sends_the_cloud_api_its_template(app, client, gateway):
    # A Sunday morning in Kediri: the first day offered is ahead, so are its reminders (on the
    # real clock, a booking made on the morning of its day has none left to queue).
    app.config["CLOCK"] = datetime(2027, 1, 3, 3, 0, tzinfo=timezone.utc)
    assert _book(client, phone_channel="whatsapp").headers["Location"] == "/janji"
    assert "dikirim lewat WhatsApp." in client.get("/janji").get_data(as_text=True)
    assert gateway.requests == []                            # nothing from the request
    _drain(app)
    _drain(app)
    assert len(gateway.requests) == 1                        # the proof, once
    request = gateway.requests[0]
    assert request["path"] == "/v21.0/1055551234/messages"
    assert request["headers"]["Authorization"] == "Bearer wa-token"
    assert request["headers"]["Content-Type"] == "application/json"
    body = gateway.json()
    text = body["template"]["components"][0]["parameters"][0]["text"]
    assert body == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": PHONE,
        "type": "template",
        "template": {"name": "mpp_kabar", "language": {"code": "id"},
                     "components": [{"type": "body",
                                     "parameters": [{"type": "text", "text": text}]}]}}
    assert text.startswith("Mal Pelayanan Publik Kota Kediri: janji Paspor biasa ")
    assert f"kode {_code(app)}. Lihat atau batalkan: http://localhost/janji/tautan/" in text
    assert "\n" not in text and "\t" not in text and "    " not in text   # the API's rules
    assert "2468" not in text and "Dewi" not in text           # neither NIK nor more than needed
    reminders = _rows(app, kind="booking.reminder", channel="whatsapp")
    assert reminders and all(m.status == MessageStatus.PENDING for m in reminders)


def test_an_english_booking_by_sms_sends_the_gateway_its_fields(app, client, gateway):
    app.config.update(NOTIFY_WHATSAPP_TOKEN=None, NOTIFY_SMS_ID_FIELD="ref",
                      NOTIFY_SMS_TO_FIELD="msisdn", NOTIFY_SMS_TEXT_FIELD="message",
                      NOTIFY_SMS_FIELDS={"sender": "MPPKEDIRI"})
    client.set_cookie("bahasa", "en", domain="localhost")
    _book(client, phone_channel="sms")
    _drain(app)
    [message] = _rows(app, kind="booking.proof")
    request = gateway.requests[0]
    assert len(gateway.requests) == 1 and request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer sms-token"
    text = gateway.json()["message"]
    assert gateway.json() == {"sender": "MPPKEDIRI", "msisdn": PHONE, "message": text,
                              "ref": f"mpp-message-{message.id}"}
    assert "passport" in text and "is confirmed" in text and _code(app) in text


def test_an_sms_gateway_that_takes_a_form(app, client, gateway):
    app.config.update(NOTIFY_WHATSAPP_TOKEN=None, NOTIFY_SMS_FORMAT="form",
                      NOTIFY_SMS_TOKEN=None)
    _book(client, phone_channel="sms")
    _drain(app)
    request = gateway.requests[0]
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in request["headers"]
    fields = parse_qs(request["body"].decode())
    assert sorted(fields) == ["text", "to"] and fields["to"] == [PHONE]
    assert _code(app) in fields["text"][0]


def test_choosing_no_phone_channel_sends_nothing_to_the_phone(app, client, gateway):
    _book(client, phone_channel="")
    assert "tidak akan mengirim pengingat" in client.get("/janji").get_data(as_text=True)
    assert _rows(app) == []


def test_a_channel_that_is_not_offered_is_refused_and_nothing_is_booked(app, client, gateway):
    app.config["NOTIFY_SMS_URL"] = None
    for garbage in ("sms", "telegram", "x" * 5000, "whatsapp\x00"):
        response = _book(client, phone_channel=garbage)
        assert response.status_code == 422, garbage
        assert "Pilih salah satu cara." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Appointment.id)) is None
    assert _rows(app) == []


def _queue(app, channel="whatsapp", count=1):
    with app.app_context():
        begin_write(db.session)
        for n in range(count):
            ops.enqueue(db.session, kind="test", channel=channel,
                        recipient="+6281311112222" if channel != "email"
                        else f"w{n}@example.test",
                        subject=f"Pesan {n}", body=f"Pesan {n}, kode 7K3Q-9XZ2-AB.",
                        due_at=NOW, now=NOW)
        db.session.commit()


def _drain_at(app, at):
    app.config["CLOCK"] = at
    with app.app_context():
        return drain_once(app.config)


def test_a_refused_request_fails_at_once_and_a_busy_gateway_is_tried_again(app, gateway):
    _queue(app, count=3)
    gateway.statuses = [400, 503, 429]
    assert _drain_at(app, NOW) == 3
    refused, busy, throttled = _rows(app)
    assert refused.status == MessageStatus.FAILED and refused.attempts == 1
    assert refused.last_error.startswith("HTTP 400") and "refused" in refused.last_error
    for row in (busy, throttled):
        assert row.status == MessageStatus.PENDING
        assert row.due_at == (NOW + timedelta(minutes=1)).replace(tzinfo=None)
    assert _drain_at(app, NOW + timedelta(minutes=1)) == 2
    assert [row.status for row in _rows(app)] == [MessageStatus.FAILED, MessageStatus.SENT,
                                                  MessageStatus.SENT]
    assert len(gateway.requests) == 5


def test_an_unreachable_gateway_is_tried_again(app, gateway):
    app.config["NOTIFY_SMS_URL"] = "http://127.0.0.1:9/sms"       # nobody listens there
    _queue(app, channel="sms")
    _drain_at(app, NOW)
    [row] = _rows(app)
    assert row.status == MessageStatus.PENDING and row.last_error.startswith("URLError")


def _kill(app, target, *args):
    config = {key: value for key, value in app.config.items() if key.startswith("NOTIFY_")}
    process = PROCESSES.Process(target=target, args=(app.config["SQLALCHEMY_DATABASE_URI"],
                                                     config, NOW, *args))
    process.start()
    process.join(120)
    assert process.exitcode == -signal.SIGKILL


def test_a_worker_process_killed_after_its_claim_loses_nothing(app, inbox):
    _queue(app, channel="email")
    _kill(app, killed.after_claim)
    [row] = _rows(app)
    assert row.status == MessageStatus.SENDING and inbox.mails == []
    assert _drain_at(app, NOW + timedelta(minutes=1)) == 0            # the lease still holds
    assert _drain_at(app, NOW + ops.LEASE + timedelta(seconds=1)) == 1
    assert _drain_at(app, NOW + ops.LEASE * 3) == 0
    assert len(inbox.mails) == 1 and _rows(app)[0].status == MessageStatus.SENT


def test_a_whatsapp_worker_killed_mid_batch_sends_each_message_once(app, gateway):
    _queue(app, count=3)
    _kill(app, killed.after_first_send, "WhatsAppChannel")
    first, second, third = _rows(app)
    assert len(gateway.requests) == 1 and first.status == MessageStatus.SENT
    assert second.status == third.status == MessageStatus.SENDING
    assert _drain_at(app, NOW + ops.LEASE + timedelta(seconds=1)) == 2
    sent = [json.loads(r["body"])["template"]["components"][0]["parameters"][0]["text"]
            for r in gateway.requests]
    assert sorted(sent) == ["Pesan 0, kode 7K3Q-9XZ2-AB.", "Pesan 1, kode 7K3Q-9XZ2-AB.",
                            "Pesan 2, kode 7K3Q-9XZ2-AB."]


def test_control_an_email_batch_killed_mid_way_is_sent_again_under_the_same_message_id(
        app, inbox):
    # E-mail is recorded once a batch: the window is real, and the copy that a kill causes
    # carries the Message-ID of the first, which mail clients use to drop it.
    _queue(app, channel="email", count=2)
    _kill(app, killed.after_first_send, "EmailChannel")
    assert len(inbox.mails) == 1
    assert [row.status for row in _rows(app)] == [MessageStatus.SENDING] * 2
    _drain_at(app, NOW + ops.LEASE + timedelta(seconds=1))
    ids = [mail["Message-ID"] for mail in inbox.mails]
    assert len(ids) == 3 and len(set(ids)) == 2 and ids[0] in ids[1:]
