import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mpp_digital.accounts.models import Role
from mpp_digital.catalogue.models import Counter, Mpp
from mpp_digital.extensions import db
from num2words import num2words
from mpp_digital.queue.models import Ticket, TicketStatus

from ..factories import NOW, csrf_token, enrol_kiosk, login, queue, staff, take_ticket
from mpp_digital.accounts.devices import COOKIE



@pytest.fixture(autouse=True)
def hall_open(app):
    """Monday 09.00 WIB: Kota Kediri and Kota Mataram are open."""
    app.config["CLOCK"] = NOW


def _take(client, slug="kota-kediri", letter="A", priority=False):
    """A ticket from this hall's kiosk (the client is enrolled as it on first use)."""
    if client.get_cookie(COOKIE) is None:
        enrol_kiosk(client, slug)
    return take_ticket(client, slug, letter, priority)


def test_the_kiosk_gives_a_printable_ticket_with_a_status_qr(client):
    enrol_kiosk(client)
    page = client.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    assert '<span class="line-letter">A</span> Disdukcapil' in page and 'name="t-priority"' in page
    assert "KK, Akta Kelahiran, KIA, KTP" in page   # named by what people come for
    response = _take(client, priority=True)
    ticket_url = response.headers["Location"]
    assert re.fullmatch(r"/tiket/[\w-]+/cetak", ticket_url)
    printed = client.get(ticket_url).get_data(as_text=True)
    assert "A-001" in printed and "Prioritas" in printed and '<svg role="img"' in printed
    assert "Anda berikutnya" in printed and "data-autoprint" in printed
    assert 'http-equiv="refresh" content="15;url=/mpp/kota-kediri/kiosk"' in printed
    status = client.get(ticket_url.removesuffix("/cetak"))
    text = status.get_data(as_text=True)
    assert 'http-equiv="refresh" content="20"' in text and "urutan ke-1" in text


def test_a_bad_kiosk_press_is_explained(client):
    enrol_kiosk(client)
    assert client.post("/mpp/kota-kediri/kiosk/ambil", data={"t-queue": "999"}).status_code == 422
    refused = client.post("/mpp/kota-kediri/kiosk/check-in",
                          data={"c-code": "ABCDEFGHJK", "c-last4": "0001"})
    assert refused.status_code == 409
    assert "Check-in tidak dapat dilakukan" in refused.get_data(as_text=True)
    assert client.get("/tiket/tidak-ada").status_code == 404


def test_a_clerk_calls_the_ticket_and_the_citizen_sees_it(app, client):
    with app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
        counter = queue().counters[0]
        counter_id, number = counter.id, counter.number
    status_url = _take(app.test_client()).headers["Location"].removesuffix("/cetak")
    login(client, "petugas@kediri.test")
    console = f"/staf/loket/{counter_id}"
    token = csrf_token(client.get(console).get_data(as_text=True))
    for action in ("buka", "berikutnya"):
        assert client.post(f"{console}/{action}", data={"csrf_token": token}).status_code == 302
    page = client.get(console).get_data(as_text=True)
    assert "A-001" in page and "Mulai layani" in page
    assert f"Dipanggil ke loket {number}" in client.get(status_url).get_data(as_text=True)
    board = client.get("/mpp/kota-kediri/layar.json")
    assert board.get_json()["called"][0] == {
        "ticket": "A-001", "counter": number, "call": board.get_json()["called"][0]["call"],
        "say": f"Nomor antrean A satu, silakan ke loket {num2words(number, lang='id')}"}
    again = client.get("/mpp/kota-kediri/layar.json",
                       headers={"If-None-Match": board.headers["ETag"]})
    assert again.status_code == 304
    for action in ("mulai", "selesai"):
        client.post(f"{console}/{action}", data={"csrf_token": token})
    assert "Layanan selesai" in client.get(status_url).get_data(as_text=True)
    assert client.get("/mpp/kota-kediri/layar.json",
                      headers={"If-None-Match": board.headers["ETag"]}).status_code == 200
    html_board = client.get("/mpp/kota-kediri/layar").get_data(as_text=True)
    assert 'aria-live="polite"' in html_board and "board.js" in html_board
    assert "Belum ada panggilan." in html_board          # served: nobody is called now


def test_an_empty_queue_or_a_refusal_is_told_not_crashed(app, client):
    with app.app_context():
        staff("petugas@kediri.test", Role.CLERK)
        db.session.commit()
        counter_id = queue().counters[0].id
    login(client, "petugas@kediri.test")
    console = f"/staf/loket/{counter_id}"
    token = csrf_token(client.get(console).get_data(as_text=True))
    client.post(f"{console}/berikutnya", data={"csrf_token": token})
    assert "Buka loket dulu" in client.get(console).get_data(as_text=True)
    client.post(f"{console}/buka", data={"csrf_token": token})
    client.post(f"{console}/berikutnya", data={"csrf_token": token})
    assert "Tidak ada yang menunggu" in client.get(console).get_data(as_text=True)
    assert client.post(f"{console}/meledak", data={"csrf_token": token}).status_code == 404
    assert client.post(f"{console}/panggil", data={"csrf_token": token,
                                                   "ticket": "x"}).status_code == 400


# --- who may do what -----------------------------------------------------------------------

ROLES = ["anonymous", "clerk_here", "clerk_other_counter", "clerk_foreign", "manager_here",
         "manager_foreign", "national_admin"]
ALLOWED = {"clerk_here", "manager_here"}


@pytest.fixture
def people(app):
    """Accounts for every role, and the Kota Kediri counter of queue A they act on."""
    with app.app_context():
        staff("clerk_here@t.test", Role.CLERK, letter="A")
        staff("clerk_other_counter@t.test", Role.CLERK, letter="B")
        staff("clerk_foreign@t.test", Role.CLERK, slug="kota-mataram", letter="A")
        staff("manager_here@t.test", Role.MPP_MANAGER)
        staff("manager_foreign@t.test", Role.MPP_MANAGER, slug="kota-mataram")
        staff("national_admin@t.test", Role.NATIONAL_ADMIN)
        from mpp_digital.queue.operations import issue_ticket
        from ..factories import NOW
        ticket = issue_ticket(db.session, queue(), NOW.replace(year=2030))
        db.session.commit()
        return queue().counters[0].id, ticket.id, queue(letter="B").id


def _as(app, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, f"{role}@t.test")
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path", [
    ("GET", "/staf/loket/{id}"), ("POST", "/staf/loket/{id}/buka"),
    ("POST", "/staf/loket/{id}/berikutnya"), ("POST", "/staf/loket/{id}/selesai"),
    ("POST", "/staf/loket/{id}/panggil"), ("POST", "/staf/loket/{id}/alihkan"),
])
def test_staff_routes_answer_by_role_and_scope(app, people, role, method, path):
    counter_id, ticket_id, other_queue_id = people
    client = _as(app, role)
    url = path.format(id=counter_id)
    form = {"ticket": str(ticket_id), "queue": str(other_queue_id)}
    response = client.get(url) if method == "GET" else client.post(url, data=form)
    if role == "anonymous":
        assert response.status_code == 302 and "/staf/masuk" in response.headers["Location"]
    elif role in ALLOWED:
        assert response.status_code in (200, 302) and "/staf/masuk" not in response.headers.get(
            "Location", "")
    else:
        assert response.status_code == 404                  # not 403: no existence oracle
    with app.app_context():
        counter = db.session.get(Counter, counter_id)
        assert counter.is_open == (role in ALLOWED and path.endswith("/buka"))


@pytest.mark.parametrize("role", ROLES)
def test_the_staff_home_lists_only_ones_own_counters(app, people, role):
    response = _as(app, role).get("/staf")
    if role == "anonymous":
        assert response.status_code == 302
        return
    page = response.get_data(as_text=True)
    assert (f'href="/staf/loket/{people[0]}"' in page) == (role in ALLOWED)


def test_a_ticket_of_another_mpp_cannot_be_called(app, people, client):
    foreign = _take(app.test_client(), slug="kota-mataram")
    assert foreign.status_code == 302
    login(client, "manager_here@t.test")
    console = f"/staf/loket/{people[0]}"
    token = csrf_token(client.get(console).get_data(as_text=True))
    client.post(f"{console}/buka", data={"csrf_token": token})
    with app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id).join(Ticket.queue).join(Mpp).where(
            Mpp.slug == "kota-mataram"))
    response = client.post(f"{console}/panggil", data={"csrf_token": token,
                                                       "ticket": str(ticket_id)})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == TicketStatus.WAITING


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.dictionaries(st.sampled_from(["t-queue", "t-priority", "c-code", "csrf_token"]),
                            st.text(max_size=40)))
def test_garbage_at_the_kiosk_never_breaks_it(client, data):
    if client.get_cookie(COOKIE) is None:
        enrol_kiosk(client)                   # an enrolled kiosk: the form is really read
    for path in ("/mpp/kota-kediri/kiosk/ambil", "/mpp/kota-kediri/kiosk/check-in"):
        assert client.post(path, data=data).status_code < 500


@pytest.mark.parametrize("letter, number, counter, said", [
    ("A", 5, 1, "Nomor antrean A lima, silakan ke loket satu"),
    ("B", 12, 10, "Nomor antrean B dua belas, silakan ke loket sepuluh"),
    ("C", 118, 21, "Nomor antrean C seratus delapan belas, silakan ke loket dua puluh satu"),
])
def test_the_board_says_a_call_in_indonesian_words(letter, number, counter, said):
    from mpp_digital.queue.operations import spoken_call
    assert spoken_call(letter, number, counter) == said
