"""The hall's kiosk in kiosk mode: lines named by what people come for, found by a word,
closed lines say when they open (and issue nothing), the whole hall closed says so, and the
ticket screen goes back to the start by itself. Another browser gets the ordinary page."""
from datetime import time, timedelta

import pytest
from sqlalchemy import delete, func, select

from mpp_digital.catalogue.models import OpeningHours
from mpp_digital.catalogue.operations import short_label
from mpp_digital.extensions import db
from mpp_digital.queue.models import Ticket

from ..factories import NOW, enrol_kiosk, mpp, queue, take_ticket


@pytest.fixture(autouse=True)
def monday_morning(app):
    app.config["CLOCK"] = NOW                       # Monday 09.00 WIB


@pytest.mark.parametrize("name, label", [
    ("Penerbitan Kartu Keluarga (KK) baru", "KK"),
    ("Penerbitan KTP Elektronik (baru, rusak, atau perubahan data)", "KTP"),
    ("Perpanjangan SIM A", "SIM A"),
    ("Penerbitan Akta Kelahiran", "Akta Kelahiran"),
    ("Pasang baru listrik 900 VA", "Listrik 900 VA"),
    ("Pembayaran PBB-P2", "PBB-P2"),
    ("izin keramaian", "Izin keramaian"),
])
def test_a_service_is_called_what_people_call_it(name, label):
    assert short_label(name) == label


def _afternoon_only(app, letter):
    """The services of line `letter` at Kota Kediri open on Mondays from 13.00 only."""
    with app.app_context():
        line = queue(letter=letter)
        for offering in mpp().offerings:
            if offering.queue_id == line.id:
                db.session.execute(delete(OpeningHours).where(
                    OpeningHours.offering_id == offering.id))
                db.session.add(OpeningHours(offering_id=offering.id, weekday=1,
                                            opens_at=time(13), closes_at=time(15)))
        db.session.commit()


def _tickets(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def test_a_word_finds_the_line_and_a_closed_line_says_when_it_opens(app, client):
    enrol_kiosk(client)
    _afternoon_only(app, "D")
    page = client.get("/mpp/kota-kediri/kiosk", query_string={"cari": "paspor"})
    text = page.get_data(as_text=True)
    assert "Disdukcapil" not in text and "Imigrasi" in text
    assert "Tutup · buka lagi pukul 13.00 WIB" in text and " disabled" in text
    refused = take_ticket(client, letter="D")
    assert refused.status_code == 409
    assert ("Antrean D · Imigrasi sedang tutup. Nomor diambil lagi mulai pukul 13.00 WIB."
            in refused.get_data(as_text=True))
    assert _tickets(app) == 0
    assert take_ticket(client, letter="A").status_code == 302       # the others still issue
    nothing = client.get("/mpp/kota-kediri/kiosk", query_string={"cari": "zzz"})
    assert "Tidak ada layanan yang cocok." in nothing.get_data(as_text=True)


def test_a_closed_hall_says_when_it_opens_and_offers_no_ticket(app, client):
    enrol_kiosk(client)
    app.config["CLOCK"] = NOW - timedelta(hours=3)                  # 06.00 WIB
    page = client.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    assert "MPP sedang tutup. Nomor antrean dapat diambil pada jam buka hari ini" in page
    assert 'name="t-queue"' not in page
    assert take_ticket(client).status_code == 409 and _tickets(app) == 0


def test_the_kiosk_has_no_way_out_and_its_ticket_goes_back_to_the_start(app, client):
    enrol_kiosk(client)
    page = client.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    assert "kiosk.css" in page and "Semua layanan" not in page and "SP4N-LAPOR" not in page
    assert 'href="http' not in page
    printed = client.get(take_ticket(client).headers["Location"]).get_data(as_text=True)
    assert 'content="15;url=/mpp/kota-kediri/kiosk"' in printed and "Selesai" in printed
    assert 'href="http' not in printed and "Lihat status tiket" not in printed


def test_staff_and_phones_get_the_ordinary_pages(app, client):
    page = client.get("/mpp/kota-kediri/kiosk").get_data(as_text=True)
    assert "kiosk.css" not in page and "Semua layanan" in page
