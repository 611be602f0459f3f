"""The manager's figures of reminders and the waitlist: reminders sent, confirmations,
cancellations from a message's link, releases, offers accepted and lapsed, and the no-show
rate of bookings with and without a reminder."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from mpp_digital import clock
from mpp_digital.accounts.models import Role
from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots, waitlist
from mpp_digital.booking.models import (AppointmentStatus, OfferStatus, SeatOffer,
                                        WaitStatus)
from mpp_digital.booking.notices import REMINDER
from mpp_digital.extensions import db
from mpp_digital.notify import operations as outbox
from mpp_digital.notify.models import MessageStatus
from mpp_digital.reports.reminders import reminder_figures

from ..factories import citizen, offering

BOOKED = datetime(2027, 1, 4, 1, 0, tzinfo=timezone.utc)       # Monday 08.00 WIB
LATER = datetime(2027, 1, 30, 5, 0, tzinfo=timezone.utc)      # every slot is over


def _reminded(appointment, status=MessageStatus.SENT):
    message = outbox.enqueue(db.session, kind=REMINDER, channel="email", recipient="a@b.test",
                             subject="Pengingat", body="…", due_at=BOOKED, now=BOOKED,
                             about=f"appointment:{appointment.id}")
    message.status = status
    return message


def _hall(app):
    """Seven bookings at Kota Kediri in January 2027, and two offers from the waitlist."""
    offer = offering()
    day = BOOKED.date() + timedelta(days=2)
    slots.generate_slots(db.session, offer, day, day + timedelta(days=10))
    free = [s for d in range(10) for s in slots.free_slots(db.session, offer,
                                                           day + timedelta(days=d), BOOKED)]
    made = [ops.book_appointment(db.session, offer, free[n], citizen(n + 1), BOOKED, "k", 3)[0]
            for n in range(7)]
    came, missed, unreminded, confirmed, by_link, released, failed = made
    for appointment in (came, missed, confirmed, by_link, released):
        _reminded(appointment)
    _reminded(confirmed)                                      # both reminders reached them
    _reminded(failed, MessageStatus.FAILED)                   # tried, never delivered
    came.status = confirmed.status = AppointmentStatus.CHECKED_IN
    confirmed.confirmed_at = clock.utc(BOOKED)
    ops.cancel_appointment(db.session, by_link, BOOKED, via="link")
    ops.cancel_appointment(db.session, released, BOOKED, via="release")
    entry = waitlist.join(db.session, offer, day, day + timedelta(days=7),
                          ops.Citizen("Wati", citizen(20).nik, "+6281300000000"), "k", BOOKED)
    later = waitlist.join(db.session, offer, day + timedelta(days=1), day + timedelta(days=7),
                          ops.Citizen("Budi", citizen(21).nik, "+6281300000001"), "k", BOOKED)
    for status, who, slot in ((OfferStatus.ACCEPTED, entry, free[8]),
                              (OfferStatus.LAPSED, later, free[9])):
        db.session.add(SeatOffer(entry_id=who.id, slot_id=slot.id, status=status,
                                 offered_at=clock.utc(BOOKED),
                                 expires_at=clock.utc(BOOKED) + timedelta(minutes=30)))
    db.session.execute(update(type(entry)).values(status=WaitStatus.LAPSED))
    db.session.commit()
    return offer.mpp


def test_the_figures_count_each_outcome_once(app):
    with app.app_context():
        mpp = _hall(app)
        figures = reminder_figures(db.session, mpp, BOOKED.date().replace(day=1),
                                   BOOKED.date().replace(day=31), LATER)
        assert (figures.bookings, figures.reminded, figures.reminders_sent) == (7, 5, 6)
        assert (figures.confirmed, figures.cancelled_by_link, figures.released) == (1, 1, 1)
        assert figures.offers == {"open": 0, "accepted": 1, "lapsed": 1, "withdrawn": 0}
        # Over: came + confirmed (checked in), missed; unreminded and failed never came.
        assert (figures.with_reminder.came, figures.with_reminder.missed) == (2, 1)
        assert (figures.without_reminder.came, figures.without_reminder.missed) == (0, 2)
        assert figures.without_reminder.no_show_rate == 1.0
        # Before the slots are over, nobody counts as missing.
        early = reminder_figures(db.session, mpp, BOOKED.date().replace(day=1),
                                 BOOKED.date().replace(day=31), BOOKED)
        assert early.with_reminder.bookings == early.without_reminder.bookings == 0
        # Another month: nothing.
        assert not reminder_figures(db.session, mpp, BOOKED.date().replace(month=2, day=1),
                                    BOOKED.date().replace(month=2, day=28), LATER).any


def test_the_manager_reads_them_on_the_report(app, client, login_as):
    app.config["CLOCK"] = LATER
    with app.app_context():
        _hall(app)
    login_as(Role.MPP_MANAGER)
    page = client.get("/staf/laporan?tahun=2027&bulan=1").get_data(as_text=True)
    section = page.split('id="reminders"', 1)[1].split("</section>", 1)[0]
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', section))
    assert cells["Pengingat terkirim"] == "6" and cells["Dikonfirmasi “Saya datang”"] == "1"
    assert cells["Dibatalkan dari tautan pesan"] == "1"
    assert cells["Tawaran kursi daftar tunggu diambil"] == "1"
    assert "Dengan pengingat" in section and "33" in section and "100" in section
    other = client.get("/staf/laporan?tahun=2027&bulan=2").get_data(as_text=True)
    assert "Belum ada janji pada periode ini." in other
