"""The clerk's console as a clerk uses it all day: what the ticket at the counter needs, a
transfer with a note for the next clerk, "Tidak hadir" asked once more, the last action undone
for a short time (audited), the waiting line polled with an ETag, and the staff header."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mpp_digital.accounts.models import AuditLog, Role
from mpp_digital.extensions import db
from mpp_digital.queue.models import EventKind, Ticket, TicketEvent, TicketStatus

from ..factories import NOW, csrf_token, enrol_kiosk, login, queue, staff, take_ticket


@pytest.fixture(autouse=True)
def hall_open(app):
    app.config["CLOCK"] = NOW


@pytest.fixture
def desk(app, client):
    """A clerk of line A signed in at its first counter, opened: (client, console URL, token)."""
    with app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
        counter_id = queue().counters[0].id
    login(client, "petugas@kediri.test")
    console = f"/staf/loket/{counter_id}"
    token = csrf_token(client.get(console).get_data(as_text=True))
    client.post(f"{console}/buka", data={"csrf_token": token})
    return client, console, token


def _kiosk(app, letter="A", priority=False):
    kiosk = enrol_kiosk(app.test_client())
    assert take_ticket(kiosk, letter=letter, priority=priority).status_code == 302


def _act(desk, action, **data):
    client, console, token = desk
    return client.post(f"{console}/{action}", data={"csrf_token": token, **data})


def _page(desk, query=""):
    client, console, _ = desk
    return client.get(console + query).get_data(as_text=True)


def _ticket(app, display_number=1, letter="A"):
    with app.app_context():
        return db.session.scalar(select(Ticket).where(Ticket.issued_queue_id == queue(
            letter=letter).id, Ticket.number == display_number))


def test_the_ticket_at_the_counter_shows_why_it_goes_first_and_how_long_it_waited(app, desk):
    _kiosk(app, priority=True)
    app.config["CLOCK"] = NOW + timedelta(minutes=12)
    _act(desk, "berikutnya")
    page = _page(desk)
    assert "A-001" in page and "Lansia" in page
    assert "12 menit sebelum dipanggil" in page and "datang 09.00" in page


def test_a_transfer_goes_to_another_line_by_default_and_its_note_reaches_the_next_clerk(
        app, client, desk):
    _kiosk(app)
    _act(desk, "berikutnya")
    page = _page(desk)
    with app.app_context():
        number = queue().counters[0].number
        b = queue(letter="B")
        b_id, b_counter = b.id, b.counters[0].id
    selected = page[page.index('id="queue"'):page.index("</select>")]
    assert f'selected value="{b_id}"' in selected or f'value="{b_id}" selected' in selected
    assert _act(desk, "alihkan", queue=str(b_id), note="x" * 201).status_code == 302
    assert _ticket(app).status == TicketStatus.CALLED                   # refused: too long
    assert "Catatan paling panjang 200 huruf." in _page(desk)
    assert _act(desk, "alihkan", queue=str(b_id),
                note="  Perlu  legalisir\nakta  ").status_code == 302
    assert _ticket(app).status == TicketStatus.WAITING
    with app.app_context():
        staff("petugas.b@kediri.test", Role.CLERK, letter="B")
        db.session.commit()
    other = app.test_client()
    login(other, "petugas.b@kediri.test")
    b_desk = (other, f"/staf/loket/{b_counter}",
              csrf_token(other.get(f"/staf/loket/{b_counter}").get_data(as_text=True)))
    line = _page(b_desk)
    assert f"dialihkan dari loket {number}: “Perlu legalisir akta”" in line
    _act(b_desk, "buka")
    _act(b_desk, "berikutnya")
    assert "“Perlu legalisir akta”" in _page(b_desk).split('id="line"')[0]


def test_no_show_asks_once_more(app, desk):
    _kiosk(app)
    _act(desk, "berikutnya")
    page = _page(desk)
    assert "?konfirmasi=tidak-hadir" in page and "Ya, tidak hadir" not in page
    confirm = _page(desk, "?konfirmasi=tidak-hadir")
    assert "Tandai A-001 tidak hadir?" in confirm and "Ya, tidak hadir" in confirm
    assert _ticket(app).status == TicketStatus.CALLED              # asking changes nothing
    _act(desk, "tidak-hadir")
    assert _ticket(app).status == TicketStatus.NO_SHOW


def test_the_last_action_is_undone_for_a_minute_and_audited(app, desk):
    _kiosk(app)
    _act(desk, "berikutnya")
    _act(desk, "selesai")
    assert _ticket(app).status == TicketStatus.DONE
    assert "Urungkan: selesai A-001" in _page(desk)
    _act(desk, "urungkan")
    assert _ticket(app).status == TicketStatus.CALLED              # back at the counter
    assert "Diurungkan: selesai A-001." in _page(desk)
    with app.app_context():
        kinds = db.session.scalars(select(TicketEvent.kind).order_by(TicketEvent.id)).all()
        assert kinds == [EventKind.ISSUED, EventKind.CALLED]     # the figures: never finished
        assert db.session.scalar(select(AuditLog.after).where(
            AuditLog.action == "ticket.undo"))["undone"] == "finished"
    _act(desk, "urungkan")                                       # the call, too
    assert _ticket(app).status == TicketStatus.WAITING and _ticket(app).counter_id is None
    _act(desk, "berikutnya")
    app.config["CLOCK"] = NOW + timedelta(seconds=61)
    assert "Urungkan" not in _page(desk).split('id="line"')[0]
    _act(desk, "urungkan")
    assert _ticket(app).status == TicketStatus.CALLED
    assert "Tidak ada tindakan yang masih bisa diurungkan." in _page(desk)


def test_an_undo_never_takes_back_what_another_counter_did_since(app, desk):
    _kiosk(app)
    _act(desk, "berikutnya")
    with app.app_context():
        b_id = queue(letter="B").id
        staff("petugas.b@kediri.test", Role.CLERK, letter="B")
        db.session.commit()
        b_counter = queue(letter="B").counters[0].id
    _act(desk, "alihkan", queue=str(b_id))
    other = app.test_client()
    login(other, "petugas.b@kediri.test")
    token = csrf_token(other.get(f"/staf/loket/{b_counter}").get_data(as_text=True))
    for action in ("buka", "berikutnya"):
        other.post(f"/staf/loket/{b_counter}/{action}", data={"csrf_token": token})
    _act(desk, "urungkan")
    ticket = _ticket(app)
    assert ticket.status == TicketStatus.CALLED and ticket.counter_id == b_counter
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "ticket.undo")) == 0


def test_the_line_answers_304_until_a_ticket_is_issued(app, desk):
    client, console, _ = desk
    first = client.get(f"{console}/antrean")
    assert first.status_code == 200 and "Belum ada yang menunggu." in first.get_data(
        as_text=True)
    assert first.headers["Cache-Control"] == "no-store"
    etag = first.headers["ETag"]
    assert client.get(f"{console}/antrean", headers={"If-None-Match": etag}).status_code == 304
    _kiosk(app)
    again = client.get(f"{console}/antrean", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "A-001" in again.get_data(as_text=True)
    assert app.test_client().get(f"{console}/antrean").status_code in (302, 401)


def test_staff_pages_have_the_staff_header_and_no_citizen_menu(app, desk):
    page = _page(desk)
    with app.app_context():
        number = queue().counters[0].number
    assert "petugas · Petugas loket · Mal Pelayanan Publik Kota Kediri" in page
    assert f"· Loket {number}</p>" in page and "Keluar" in page
    assert "Janji saya" not in page and 'id="site-q"' not in page
    assert 'data-key="n"' in page and "Pintasan keyboard" in page
