"""A visit is one message: one proof with every step and one calendar, one set of reminders
for its first step, re-queued when steps go."""
import re

from sqlalchemy import func, select

from mpp_digital.extensions import db
from mpp_digital.notify.models import Message, MessageStatus
from mpp_digital.notify.worker import work

from ..booking.test_visit_pages import NOW, _book


def test_a_visit_is_one_message_and_one_set_of_reminders(app, client, inbox):
    app.config["CLOCK"] = NOW
    _book(client, email="dewi@example.test")
    assert "dikirim lewat e-mail" in client.get("/kunjungan").get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(select(Message).order_by(Message.id)).all()
        assert [m.kind for m in rows] == ["visit.proof", "visit.reminder", "visit.reminder"]
    with app.app_context():
        work(app.config, once=True)
    (mail,) = inbox.mails
    text = mail.get_body(("plain",)).get_content()
    assert "3 layanan dalam satu kedatangan" in text and "/kunjungan/tautan/" in text
    assert "1. " in text and "3. " in text and "4321" not in text
    calendar = next(part for part in mail.iter_attachments())
    assert calendar.get_content().count("BEGIN:VEVENT") == 3
    page = client.get("/kunjungan").get_data(as_text=True)
    first = re.findall(r'action="/kunjungan/langkah/(\d+)/batal"', page)[0]
    client.post(f"/kunjungan/langkah/{first}/batal")          # the first step goes
    with app.app_context():
        reminders = db.session.scalars(select(Message).where(
            Message.kind == "visit.reminder").order_by(Message.id)).all()
        assert [m.status for m in reminders] == [MessageStatus.VOID] * 2 + \
            [MessageStatus.PENDING] * 2
    client.post("/kunjungan/batal")
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id)).where(
            Message.kind == "visit.reminder", Message.status == MessageStatus.PENDING)) == 0
