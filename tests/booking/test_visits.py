"""Visits at the database: plans from the free seats, all steps booked or none, one booking
against the NIK's limit, and one step cancelled while the rest stays."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from mpp_digital.booking import operations as ops
from mpp_digital.booking import slots, visits
from mpp_digital.booking.models import (Appointment, AppointmentStatus, Slot, Visit,
                                        VisitStatus)
from mpp_digital.extensions import db

from ..factories import citizen, mpp, offering

NOW = datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc)          # Friday 08.00 WIB
BIRTH = ["akta-kelahiran", "kartu-keluarga-baru", "kartu-identitas-anak"]
KEY = "k"


@pytest.fixture
def hall(ctx):
    hall = mpp("kota-kediri")
    offerings = visits.offerings_at(db.session, hall, BIRTH)
    for offer in offerings:
        slots.generate_slots(db.session, offer, NOW.date(), NOW.date() + timedelta(days=14))
    db.session.commit()
    return hall, offerings


def _steps(offerings, found):
    by_service = {offer.service_id: offer for offer in offerings}
    return [(by_service[step.key], db.session.get(Slot, step.opening.slot_id))
            for step in found.steps]


def _booked(offerings):
    return {offer.service.slug: db.session.scalar(
        select(func.sum(Slot.booked)).where(Slot.offering_id == offer.id)) for offer in offerings}


def test_a_birth_is_planned_in_the_order_its_documents_need(hall):
    _, offerings = hall
    assert [o.service.slug for o in offerings] == BIRTH
    planning = visits.plan_visit(db.session, list(reversed(offerings)), NOW)
    assert planning.plans, planning
    first = planning.plans[0]
    assert first.day > NOW.date()                                # not within the cutoff
    slugs = {o.service_id: o.service.slug for o in offerings}
    assert [slugs[step.key] for step in first.steps] == BIRTH    # akta, then KK, then KIA
    for one, two in zip(first.steps, first.steps[1:]):
        assert one.opening.ends + visits.WALK <= two.opening.starts


def test_every_step_is_booked_and_the_visit_counts_once_against_the_limit(hall):
    place, offerings = hall
    found = visits.plan_visit(db.session, offerings, NOW).plans[0]
    visit, _ = visits.book_visit(db.session, place, _steps(offerings, found), citizen(1), NOW,
                              KEY, max_active=1)
    db.session.commit()
    assert visit.status == VisitStatus.ACTIVE and len(visit.code) == 10
    assert [s.service.slug for s in visit.steps] == BIRTH
    assert [s.holds_seat for s in visit.steps] == [False, False, True]
    assert len({s.nik_seat for s in visit.steps}) == 1
    assert _booked(offerings) == dict.fromkeys(BIRTH, 1)
    # One booking against a limit of one: nothing else for this NIK until it ends.
    other = offering("kota-kediri", "paspor-biasa")
    slots.generate_slots(db.session, other, NOW.date(), NOW.date() + timedelta(days=14))
    db.session.commit()
    free = slots.free_slots(db.session, other, found.day, NOW)[0]
    with pytest.raises(ops.LimitReached):
        ops.book_appointment(db.session, other, free, citizen(1), NOW, KEY, 1)
    db.session.rollback()
    ops.book_appointment(db.session, other, free, citizen(1), NOW, KEY, 2)   # a second seat


def test_a_full_step_books_nothing_and_says_which(hall):
    place, offerings = hall
    found = visits.plan_visit(db.session, offerings, NOW).plans[0]
    steps = _steps(offerings, found)
    last = steps[-1][1]
    last.booked = last.capacity                                   # taken meanwhile
    db.session.commit()
    with pytest.raises(ops.SlotFull) as refused:
        visits.book_visit(db.session, place, steps, citizen(2), NOW, KEY, 3)
    db.session.rollback()
    assert "Penerbitan Kartu Identitas Anak" in str(refused.value.message)
    assert db.session.scalar(select(func.count(Visit.id))) == 0
    assert db.session.scalar(select(func.count(Appointment.id))) == 0
    booked = _booked(offerings)
    assert booked["akta-kelahiran"] == booked["kartu-keluarga-baru"] == 0


def test_steps_out_of_order_overlapping_repeated_or_elsewhere_are_refused(hall):
    place, offerings = hall
    found = visits.plan_visit(db.session, offerings, NOW).plans[0]
    steps = _steps(offerings, found)
    akta, kk, kia = steps
    cases = [
        [akta, (kia[0], kk[1]), (kk[0], kia[1])],                 # KIA before the KK it needs
        [akta, (kk[0], akta[1])],                                  # at the same time
        [akta, akta],                                              # the same service twice
        [akta],                                                    # one step is no visit
    ]
    elsewhere = offering("kota-mataram", "kartu-keluarga-baru")
    slots.generate_slots(db.session, elsewhere, found.day, found.day)
    far = slots.free_slots(db.session, elsewhere, found.day, NOW)
    if far:
        cases.append([akta, (elsewhere, far[-1])])
    for case in cases:
        with pytest.raises(visits.VisitRefused):
            visits.book_visit(db.session, place, case, citizen(3), NOW, KEY, 3)
    assert db.session.scalar(select(func.count(Appointment.id))) == 0


def test_one_step_cancelled_keeps_the_rest_and_the_seat(hall):
    place, offerings = hall
    found = visits.plan_visit(db.session, offerings, NOW).plans[0]
    visit, _ = visits.book_visit(db.session, place, _steps(offerings, found), citizen(4), NOW,
                              KEY, max_active=1)
    db.session.commit()
    akta, kk, kia = visit.steps
    ops.cancel_appointment(db.session, kia, NOW)                   # the seat's holder goes
    db.session.commit()
    db.session.refresh(kk)
    assert kk.holds_seat and visit.status == VisitStatus.ACTIVE
    assert _booked(offerings)["kartu-identitas-anak"] == 0
    other = offering("kota-kediri", "paspor-biasa")
    slots.generate_slots(db.session, other, NOW.date(), NOW.date() + timedelta(days=14))
    db.session.commit()
    free = slots.free_slots(db.session, other, found.day, NOW)[0]
    with pytest.raises(ops.LimitReached):                           # still one visit held
        ops.book_appointment(db.session, other, free, citizen(4), NOW, KEY, 1)
    db.session.rollback()
    visits.cancel_visit(db.session, db.session.get(Visit, visit.id), NOW)
    db.session.commit()
    visit = db.session.get(Visit, visit.id)
    assert visit.status == VisitStatus.CANCELLED
    assert {s.status for s in visit.steps} == {AppointmentStatus.CANCELLED}
    ops.book_appointment(db.session, other, free, citizen(4), NOW, KEY, 1)   # free again


def test_a_visit_is_found_by_its_code_and_the_nik_last_4_only(hall):
    place, offerings = hall
    found = visits.plan_visit(db.session, offerings, NOW).plans[0]
    visit, _ = visits.book_visit(db.session, place, _steps(offerings, found), citizen(5), NOW,
                              KEY, 3)
    db.session.commit()
    last4 = citizen(5).nik.last4
    code = f"{visit.code[:4]}-{visit.code[4:8]}-{visit.code[8:]}".lower()
    assert visits.find_visit(db.session, code, last4).id == visit.id
    for wrong in (("AAAA-BBBB-CC", last4), (code, "0000" if last4 != "0000" else "1111"),
                  (code, "٠١٢٣"), (code, "")):
        with pytest.raises(ops.AppointmentNotFound):
            visits.find_visit(db.session, *wrong)


def test_seats_held_for_walk_ins_are_never_planned(hall):
    _, offerings = hall
    kia = next(o for o in offerings if o.service.slug == "kartu-identitas-anak")
    kia.walkin_share = 100                          # every seat kept for the counter
    slots.refresh_schedule(db.session, kia.mpp, NOW)
    db.session.commit()
    planning = visits.plan_visit(db.session, offerings, NOW)
    assert planning.plans == [] and planning.full == {kia.service_id}
    assert planning.blocking == [kia.service_id] and planning.without
