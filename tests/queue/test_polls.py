"""The board and the ticket page are polled all day: an unchanged hall answers 304 after one
indexed read, and any ticket event (or a minute passing, for the wait estimate) changes the
answer."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from mpp_digital.accounts.models import Role
from mpp_digital.extensions import db
from mpp_digital.queue import operations as ops

from ..factories import NOW, first_counter, open_counter, queue, staff

BOARD = "/mpp/kota-kediri/layar.json"


@pytest.fixture(autouse=True)
def fixed_clock(app):
    app.config["CLOCK"] = NOW


@contextmanager
def statements(app):
    """The SQL statements run inside the block (not SQLite's explicit BEGIN)."""
    seen = []

    def record(conn, cursor, statement, *args):
        if statement.strip().upper() != "BEGIN":
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _issue(app):
    with app.app_context():
        ticket = ops.issue_ticket(db.session, queue(), NOW)
        db.session.commit()
        return ticket.token, ticket.display


def _call_next(app):
    with app.app_context():
        counter = open_counter(first_counter())
        clerk = staff(f"petugas{counter.id}@kediri.test", Role.CLERK)
        ops.call_next(db.session, counter, clerk, NOW)
        db.session.commit()
        return counter.number


def test_the_board_answers_304_until_a_ticket_is_called_then_200_with_the_call(app, client):
    _, display = _issue(app)
    first = client.get(BOARD)
    assert first.status_code == 200 and first.get_json()["called"] == []
    etag = first.headers["ETag"]
    with statements(app) as seen:
        again = client.get(BOARD, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert len(seen) == 1, seen                     # one indexed read, no catalogue, no queue
    number = _call_next(app)
    called = client.get(BOARD, headers={"If-None-Match": etag})
    assert called.status_code == 200 and called.headers["ETag"] != etag
    call = called.get_json()["called"][0]
    assert (call["ticket"], call["counter"]) == (display, number) and call["call"] > 0
    assert call["say"].startswith(f"Nomor antrean {display[0]} ")


def test_a_new_line_or_another_day_changes_the_board(app, client):
    etag = client.get(BOARD).headers["ETag"]
    app.config["CLOCK"] = NOW + timedelta(days=1)
    assert client.get(BOARD, headers={"If-None-Match": etag}).status_code == 200
    etag = client.get(BOARD).headers["ETag"]
    with app.app_context():
        from mpp_digital.admin.operations import add_queue
        add_queue(db.session, queue().mpp, "Z", "Loket baru", None, NOW)
        db.session.commit()
    changed = client.get(BOARD, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert {"queue": "Z", "name": "Loket baru", "count": 0} in changed.get_json()["waiting"]


def test_the_ticket_page_revalidates_until_the_ticket_is_called(app, client):
    token, _ = _issue(app)
    page = f"/tiket/{token}"
    first = client.get(page)
    assert first.status_code == 200 and "Anda di urutan ke-1" in first.get_data(as_text=True)
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    with statements(app) as seen:
        assert client.get(page, headers={"If-None-Match": etag}).status_code == 304
    assert len(seen) == 1, seen
    number = _call_next(app)
    called = client.get(page, headers={"If-None-Match": etag})
    assert called.status_code == 200
    assert f"Dipanggil ke loket {number}" in called.get_data(as_text=True)


def test_the_ticket_page_changes_its_etag_as_the_clock_moves_on(app, client):
    token, _ = _issue(app)
    etag = client.get(f"/tiket/{token}").headers["ETag"]
    app.config["CLOCK"] = NOW + timedelta(seconds=30)
    assert client.get(f"/tiket/{token}", headers={"If-None-Match": etag}).status_code == 304
    app.config["CLOCK"] = NOW + timedelta(minutes=1)
    assert client.get(f"/tiket/{token}", headers={"If-None-Match": etag}).status_code == 200


def test_the_ticket_page_etag_carries_the_language(app, client):
    token, _ = _issue(app)
    etag = client.get(f"/tiket/{token}").headers["ETag"]
    client.set_cookie("bahasa", "en", domain="localhost")
    english = client.get(f"/tiket/{token}", headers={"If-None-Match": etag})
    assert english.status_code == 200 and "in line" in english.get_data(as_text=True).lower()


def test_unknown_halls_and_tickets_are_404s(client):
    assert client.get("/mpp/atlantis/layar.json").status_code == 404
    assert client.get("/tiket/tidak-ada").status_code == 404


def test_control_without_the_version_bump_a_call_would_stay_hidden(app, client, monkeypatch):
    """The ETag is only as good as the bump in the ticket's transaction: without it the board
    keeps answering 304 after a call (what the tests above would catch)."""
    monkeypatch.setattr(ops, "bump_hall", lambda *args, **kwargs: None)
    _issue(app)
    etag = client.get(BOARD).headers["ETag"]
    _call_next(app)
    assert client.get(BOARD, headers={"If-None-Match": etag}).status_code == 304


def test_a_weakened_etag_from_a_compressing_proxy_still_revalidates(app, client):
    etag = client.get(BOARD).headers["ETag"]
    assert client.get(BOARD, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get("/mpp/kota-kediri", headers={
        "If-None-Match": "W/" + client.get("/mpp/kota-kediri").headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", [
    "/mpp/kota-kediri/layar", BOARD, "/mpp/kota-kediri/kiosk",
    "/mpp/kota-kediri/layanan/kartu-keluarga-baru/jadwal", "/cari?q=ktp&mpp=kota-kediri"])
def test_the_busy_pages_never_load_a_halls_whole_catalogue(app, client, monkeypatch, path):
    from mpp_digital.catalogue import operations as catalogue

    def whole_catalogue(*args, **kwargs):
        raise AssertionError("catalogue.get_mpp loaded the hall's whole catalogue")

    monkeypatch.setattr(catalogue, "get_mpp", whole_catalogue)
    assert client.get(path).status_code == 200


def test_the_ticket_page_never_loads_the_halls_whole_catalogue(app, client, monkeypatch):
    token, _ = _issue(app)
    from mpp_digital.catalogue import operations as catalogue
    monkeypatch.setattr(catalogue, "get_mpp", lambda *a, **k: pytest.fail("get_mpp"))
    assert client.get(f"/tiket/{token}").status_code == 200


def test_phones_waiting_in_one_line_are_told_from_one_reading_of_it_per_hall_change(app, client):
    """After a call every phone in the hall asks again: the line (its order, service times and
    open counters) is read once for the new hall version, and each phone finds its place."""
    first, _ = _issue(app)
    second, _ = _issue(app)
    third, _ = _issue(app)
    assert "urutan ke-1" in client.get(f"/tiket/{first}").get_data(as_text=True)
    with statements(app) as seen:
        page = client.get(f"/tiket/{third}").get_data(as_text=True)
    assert "urutan ke-3" in page
    assert len(seen) == 2, seen               # the hall's version and the ticket, nothing else
    _call_next(app)                           # a new hall version: the line is read again
    assert "urutan ke-1" in client.get(f"/tiket/{second}").get_data(as_text=True)
    assert "urutan ke-2" in client.get(f"/tiket/{third}").get_data(as_text=True)


def test_a_line_read_before_the_ticket_is_still_answered(app, client, monkeypatch):
    """A line remembered for the hall's version may have been read after a later change than
    this request's (a ticket issued or called between two reads): the ticket is placed from a
    fresh reading, never missing from the line."""
    token, _ = _issue(app)
    real = ops.line_state

    def stale(session, queue, day, now, policy=ops.Policy(), version=None):
        state = real(session, queue, day, now, policy, version)
        return ops.LineState((), state.per_visit, state.counters) if version else state
    monkeypatch.setattr(ops, "line_state", stale)
    response = client.get(f"/tiket/{token}")
    assert response.status_code == 200 and "urutan ke-1" in response.get_data(as_text=True)
