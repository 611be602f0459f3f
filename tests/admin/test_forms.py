"""Back-office forms: bad input is explained and changes nothing; good input is saved and
audited with the values before and after."""
import re

import pytest
from sqlalchemy import func, select, text

from mpp_digital import clock
from mpp_digital.accounts.models import AuditLog, Role, User
from mpp_digital.booking.models import Appointment, AppointmentStatus, Slot
from mpp_digital.catalogue.models import Agency, Counter, Mpp, Offering, Queue, Service
from mpp_digital.extensions import db

from ..factories import NOW, login, offering, own_week, staff, week
from .helpers import book, first_id, furnish

TABLES = ("mpp", "opening_hours", "closure", "offering", "queue", "counter", "counter_queue",
          "user", "user_counter", "agency", "service", "appointment", "slot", "audit_log")


def state():
    """Every row of every table the back office writes."""
    return {t: sorted(map(tuple, db.session.execute(text(f'SELECT * FROM "{t}"')).all()),
                      key=repr) for t in TABLES}


@pytest.fixture
def manager(app, login_as):
    with app.app_context():
        ids = furnish("kota-kediri", 1)
        db.session.commit()
    login_as(Role.MPP_MANAGER)
    return ids


@pytest.fixture
def admin(app, login_as):
    with app.app_context():
        staff("ada@kedirikota.go.id", Role.MPP_MANAGER)
        db.session.commit()
    login_as(Role.NATIONAL_ADMIN, email="admin@uji.test")


H = "/staf/kelola/mpp/kota-kediri"


def _manager_cases(ids):
    offering = f"{H}/layanan/{ids['offering_id']}"
    good_offering = {"o-slot_minutes": "15", "o-seats_per_slot": "1", "o-walkin_share": "20",
                     "o-horizon_days": "14", "o-cutoff_minutes": "60"}
    counter = {"k-number": "40", "k-queues": "abc"}
    return [
        (f"{H}/detail", {}),
        (f"{H}/detail", {"d-name": "MPP", "d-address": "Jl. A", "d-phone": "call me"}),
        (f"{H}/detail", {"d-name": "x" * 161, "d-address": "Jl. A", "d-phone": "0354"}),
        (f"{H}/detail", {"d-name": "MPP", "d-address": "Jl. A", "d-phone": "0354",
                         "d-email": "bukan-email"}),
        (f"{H}/detail", {"d-name": "   ", "d-address": "Jl. A", "d-phone": "0354"}),
        (f"{H}/jam", {}),
        (f"{H}/jam", {"h-d1-is_open": "y", "h-d1-opens": "Senin pagi"}),
        (f"{H}/jam", {"h-d1-is_open": "y", "h-d1-opens": "15:00", "h-d1-closes": "08:00"}),
        (f"{H}/jam", {"h-d1-is_open": "y", "h-d1-opens": "08:00"}),
        (f"{H}/jam", {"h-d1-is_open": "y", "h-d1-opens": "25:00", "h-d1-closes": "26:00"}),
        (f"{H}/jam", {"h-d1-is_open": "y", "h-d1-opens": "08:00", "h-d1-closes": "15:00",
                      "h-d1-break_from": "12:00"}),
        (f"{H}/jam", {"h-d1-is_open": "y", "h-d1-opens": "08:00", "h-d1-closes": "15:00",
                      "h-d1-break_from": "16:00", "h-d1-break_to": "17:00"}),
        (f"{H}/jam", {"h-d1-is_open": "y", "h-d1-opens": "٠٨:٠٠", "h-d1-closes": "15:00"}),
        (f"{H}/jam", {"h-d9-is_open": "y", "h-d9-opens": "08:00", "h-d9-closes": "15:00"}),
        (f"{H}/libur", {}),
        (f"{H}/libur", {"c-starts_on": "kemarin", "c-ends_on": "2030-01-01", "c-reason": "x"}),
        (f"{H}/libur", {"c-starts_on": "2030-01-05", "c-ends_on": "2030-01-01",
                        "c-reason": "x"}),
        (f"{H}/libur", {"c-starts_on": "2030-01-05", "c-ends_on": "2030-01-06",
                        "c-reason": ""}),
        (offering, {}),
        (offering, {**good_offering, "o-slot_minutes": "0"}),
        (offering, {**good_offering, "o-walkin_share": "101"}),
        (offering, {**good_offering, "o-horizon_days": "-3"}),
        (offering, {**good_offering, "o-daily_quota": "banyak"}),
        (offering, {**good_offering, "o-queue": "999999"}),
        (offering, {**good_offering, "o-hours-own": "y", "o-hours-d1-is_open": "y",
                    "o-hours-d1-opens": "tiap hari", "o-hours-d1-closes": "12:00"}),
        (offering, {**good_offering, "o-hours-own": "y"}),                  # no day open
        (offering, {**good_offering, "o-release_hour": "7"}),        # before the reminder
        (offering, {**good_offering, "o-release_hour": "jam enam"}),
        (f"{H}/antrean", {}),
        (f"{H}/antrean", {"q-letter": "a1", "q-name": "Baru"}),
        (f"{H}/antrean", {"q-letter": "A", "q-name": "Sudah ada"}),
        (f"{H}/loket", {}),
        (f"{H}/loket", counter),
        (f"{H}/loket", {"k-number": "1", "k-queues": str(ids["queue_id"])}),     # taken
        (f"{H}/loket/{ids['counter_id']}", {f"k{ids['counter_id']}-number": "0",
                                            f"k{ids['counter_id']}-queues": "1"}),
        (f"{H}/petugas", {}),
        (f"{H}/petugas", {"p-email": "baru@kedirikota.go.id", "p-name": "Baru",
                          "p-password": "pendek",
                          "p-agency": str(ids["agency_id"]),
                          "p-counters": str(ids["counter_id"])}),
        (f"{H}/petugas", {"p-email": "petugas1@kota-kediri.go.id", "p-name": "Kembar",
                          "p-password": "kata-sandi-panjang-1", "p-agency": str(ids["agency_id"]),
                          "p-counters": str(ids["counter_id"])}),
        (f"{H}/petugas", {"p-email": "baru@kedirikota.go.id", "p-name": "Baru",
                          "p-password": "kata-sandi-panjang-1", "p-agency": "999999",
                          "p-counters": str(ids["counter_id"])}),
        (f"{H}/janji-terdampak/{ids['appointment_id']}/pindah", {}),
        (f"{H}/janji-terdampak/{ids['appointment_id']}/pindah",
         {f"m{ids['appointment_id']}-slot": "999999",
          f"m{ids['appointment_id']}-message": "Maaf"}),
        (f"{H}/janji-terdampak/{ids['appointment_id']}/batal", {}),
        (f"{H}/instansi/{ids['agency_id']}/hari", {
            f"a{ids['agency_id']}-hours-own": "y", f"a{ids['agency_id']}-hours-d2-is_open": "y",
            f"a{ids['agency_id']}-hours-d2-opens": "kadang"}),
        (f"{H}/layanan", {}),
        (f"{H}/layanan", {"n-service": "999999"}),
        (f"{H}/layanan", {"n-service": str(ids["service_id"])}),        # already offered
    ]


def _refused(client, subtests, cases):
    """Each bad submission is its own subtest: one failing case hides none after it."""
    for url, data in cases:
        with subtests.test(url=url, data=data):
            response = client.post(url, data=data)
            assert response.status_code == 422
            assert "Ada yang perlu diperbaiki" in response.get_data(as_text=True)


def test_every_manager_form_refuses_bad_input_and_writes_nothing(app, client, manager, subtests):
    with app.app_context():
        manager["queue_id"] = db.session.get(Counter, manager["counter_id"]).queues[0].id
        manager["agency_id"] = db.session.get(Offering, manager["offering_id"]).service.agency_id
        manager["service_id"] = db.session.get(Offering, manager["offering_id"]).service_id
        before = state()
    _refused(client, subtests, _manager_cases(manager))
    with app.app_context():
        assert state() == before


def test_every_national_form_refuses_bad_input_and_writes_nothing(app, client, admin, subtests):
    with app.app_context():
        agency, service = first_id(Agency), first_id(Service)
        before = state()
    new_hall = {"m-region": "35.06", "m-name": "Mal Pelayanan Publik Kabupaten Kediri",
                "m-address": "Jl. Soekarno Hatta", "m-phone": "(0354) 123456",
                **week("1-5 08:00-15:00", "m")}
    good_service = {"s-name": "Layanan", "s-category": "kependudukan", "s-requirements": "KTP",
                    "s-procedure": "Datang", "s-duration_value": "1", "s-duration_unit": "days",
                    "s-fee": "0", "s-product": "Surat", "s-legal_basis": "UU",
                    "s-online_mode": "visit_only"}
    cases = [
        (f"/staf/kelola/instansi/{agency}", {}),
        (f"/staf/kelola/instansi/{agency}", {"a-name": "X", "a-short_name": "X",
                                             "a-website": "javascript:alert(1)"}),
        (f"/staf/kelola/layanan/{service}", {}),
        (f"/staf/kelola/layanan/{service}", {**good_service, "s-fee": "-1"}),
        (f"/staf/kelola/layanan/{service}", {**good_service, "s-category": "rahasia"}),
        (f"/staf/kelola/layanan/{service}", {**good_service, "s-online_mode": "online"}),
        (f"/staf/kelola/layanan/{service}", {**good_service, "s-duration_unit": "abad"}),
        (f"/staf/kelola/layanan/{service}", {**good_service, "s-requirements": "  "}),
        ("/staf/kelola/pengelola", {}),
        ("/staf/kelola/pengelola", {"g-mpp": "999999", "g-email": "p@kedirikota.go.id",
                                    "g-name": "P",
                                    "g-password": "kata-sandi-panjang-1"}),
        ("/staf/kelola/pengelola", {"g-mpp": "1", "g-email": "ada@kedirikota.go.id", "g-name": "P",
                                    "g-password": "kata-sandi-panjang-1"}),
        ("/staf/kelola/cuti-bersama", {}),
        ("/staf/kelola/cuti-bersama", {"c-starts_on": "2030-13-01", "c-ends_on": "2030-12-01",
                                       "c-reason": "Cuti"}),
        ("/staf/kelola/mpp-baru", {}),
        ("/staf/kelola/mpp-baru", {**new_hall, "m-region": "35.71"}),      # Kediri has one
        ("/staf/kelola/mpp-baru", {**new_hall, "m-d1-is_open": "y", "m-d1-opens": "buka terus",
                                   "m-d1-closes": "15:00"}),
        ("/staf/kelola/instansi", {}),
        ("/staf/kelola/instansi", {"a-name": "Dinas", "a-short_name": "Disdukcapil"}),
        ("/staf/kelola/layanan-baru", {}),
        ("/staf/kelola/layanan-baru", good_service),                       # which agency?
        ("/staf/kelola/layanan-baru", {**good_service, "s-agency": str(agency),
                                       "s-name": "Paspor biasa"}),         # exists
    ]
    _refused(client, subtests, cases)
    with app.app_context():
        assert state() == before


def _last_audit(action):
    return db.session.scalar(select(AuditLog).where(AuditLog.action == action)
                             .order_by(AuditLog.id.desc()))


def test_changing_hours_is_audited_and_lists_the_bookings_it_no_longer_fits(app, client,
                                                                            manager):
    with app.app_context():
        appointment = db.session.get(Appointment, manager["appointment_id"])
        weekday = appointment.slot.starts_at.isoweekday()
    other_days = ";".join(f"{d} 08:00-15:00" for d in range(1, 7) if d != weekday)
    response = client.post(f"{H}/jam", data=week(other_days))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/janji-terdampak")
    page = client.get(f"{H}/janji-terdampak").get_data(as_text=True)
    assert "Paspor" in page and "Pindahkan" in page
    assert "*" * 12 in page                          # the NIK only masked
    with app.app_context():
        row = _last_audit("mpp.hours")
        assert row.before["hours"].startswith("1-4 08:00-15:00")
        assert row.after["hours"] != row.before["hours"]
        assert row.user_id is not None and row.mpp_id is not None


def test_saving_hours_after_cancellations_never_fails(app, client, manager):
    """Issue 12: after some bookings were cancelled, saving the hours answered 500 (a slot
    that cancelled bookings still name was deleted). Now it saves, twice."""
    with app.app_context():
        from mpp_digital.booking.operations import cancel_appointment
        for serial in (11, 12):
            cancel_appointment(db.session, book("kota-kediri", serial, "kartu-keluarga-baru"),
                               clock.now())
        db.session.commit()
    for hours in ("1-4 09:00-12:00; 5 09:00-11:00", "1-5 08:00-10:00"):
        response = client.post(f"{H}/jam", data=week(hours))
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        assert _last_audit("mpp.hours").after["hours"] == "1-5 08:00-10:00"


def test_moving_and_cancelling_an_affected_booking_tell_the_citizen(app, client, manager):
    with app.app_context():
        second = book("kota-kediri", 7).id
        db.session.commit()
        first = db.session.get(Appointment, manager["appointment_id"])
        weekdays = {db.session.get(Appointment, i).slot.starts_at.isoweekday()
                    for i in (first.id, second)}
    # The agency stops coming on those weekdays: both bookings no longer fit.
    keep = "; ".join(f"{d} 08:00-12:00" for d in range(1, 6) if d not in weekdays)
    changed = client.post(f"{H}/layanan/{manager['offering_id']}", data={
        "o-bookable": "y", "o-slot_minutes": "15", "o-seats_per_slot": "1",
        "o-walkin_share": "20", "o-horizon_days": "14", "o-cutoff_minutes": "60",
        **own_week(keep, "o-hours")})
    assert changed.status_code == 302
    page = client.get(f"{H}/janji-terdampak").get_data(as_text=True)
    option = page.split(f'name="m{first.id}-slot"', 1)[1].split('value="', 2)[2].split('"')[0]
    moved = client.post(f"{H}/janji-terdampak/{first.id}/pindah",
                        data={f"m{first.id}-slot": option,
                              f"m{first.id}-message": "Jam layanan berubah; mohon datang pada "
                                                      "jadwal baru."})
    assert moved.status_code == 302
    cancelled = client.post(f"{H}/janji-terdampak/{second}/batal",
                            data={f"b{second}-message": "Layanan paspor tidak tersedia hari itu."})
    assert cancelled.status_code == 302
    with app.app_context():
        first = db.session.get(Appointment, first.id)
        slot = db.session.get(Slot, int(option))
        assert first.slot_id == slot.id and slot.booked == 1 and first.reschedules == 0
        assert first.staff_message.startswith("Jam layanan berubah")
        assert db.session.get(Appointment, second).status == AppointmentStatus.CANCELLED
        move = _last_audit("appointment.move")
        assert move.before["slot"] != move.after["slot"]
        assert _last_audit("appointment.cancel").after["status"] == "cancelled"
    assert "Tidak ada janji yang terdampak" in client.get(f"{H}/janji-terdampak").get_data(
        as_text=True)


def test_good_manager_input_is_saved_and_audited(app, client, manager):
    responses = [
        client.post(f"{H}/detail", data={"d-name": "MPP Kota Kediri", "d-address": "Jl. Dhoho",
                                         "d-phone": "(0354) 682955", "d-email": ""}),
        client.post(f"{H}/libur", data={"c-starts_on": "2030-02-01", "c-ends_on": "2030-02-02",
                                        "c-reason": "Pemadaman listrik"}),
        client.post(f"{H}/antrean", data={"q-letter": "Z", "q-name": "Informasi"}),
        client.post(f"{H}/layanan/{manager['offering_id']}", data={
            "o-bookable": "y", "o-slot_minutes": "20", "o-seats_per_slot": "2",
            "o-walkin_share": "30", "o-horizon_days": "21", "o-cutoff_minutes": "120",
            **own_week("1 08:00-12:00; 3 08:00-12:00", "o-hours"), "o-notes": "Bawa map"}),
    ]
    assert [r.status_code for r in responses] == [302] * 4
    with app.app_context():
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        assert hall.name == "MPP Kota Kediri" and hall.email is None
        details = _last_audit("mpp.details")
        assert details.before["name"] == "Mal Pelayanan Publik Kota Kediri"
        assert details.after["name"] == "MPP Kota Kediri"
        queue = db.session.scalar(select(Queue).where(Queue.mpp_id == hall.id,
                                                      Queue.letter == "Z"))
        assert queue.name == "Informasi"
        offering = db.session.get(Offering, manager["offering_id"])
        assert (offering.slot_minutes, offering.seats_per_slot, offering.walkin_share) == (20, 2,
                                                                                           30)
        change = _last_audit("offering.update")
        assert change.before["slot_minutes"] == 15 and change.after["slot_minutes"] == 20
        assert change.after["hours"] == "1 08:00-12:00; 3 08:00-12:00"
        assert _last_audit("closure.add").after["reason"] == "Pemadaman listrik"
        counter_id = manager["counter_id"]
    added = client.post(f"{H}/loket", data={"k-number": "50", "k-name": "Info",
                                            "k-queues": str(queue.id)})
    edited = client.post(f"{H}/loket/{counter_id}", data={
        f"k{counter_id}-number": "60", f"k{counter_id}-queues": str(queue.id)})
    assert (added.status_code, edited.status_code) == (302, 302)
    with app.app_context():
        counter = db.session.get(Counter, counter_id)
        assert counter.number == 60 and [q.letter for q in counter.queues] == ["Z"]
        assert _last_audit("counter.update").after == {"number": 60, "name": counter.name,
                                                       "queues": ["Z"]}


def test_a_manager_creates_and_deactivates_a_clerk(app, client, manager):
    with app.app_context():
        agency_id = db.session.get(Offering, manager["offering_id"]).service.agency_id
    created = client.post(f"{H}/petugas", data={
        "p-email": "Petugas.Baru@KediriKota.go.id", "p-name": "Petugas Baru",
        "p-password": "kata-sandi-panjang-1", "p-agency": str(agency_id),
        "p-counters": str(manager["counter_id"])})
    assert created.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "petugas.baru@kedirikota.go.id"))
        assert user.role == Role.CLERK and user.password_hash.startswith("scrypt")
        assert "kata-sandi" not in repr(_last_audit("user.add").after)
        user_id = user.id
    clerk = app.test_client()
    login(clerk, "petugas.baru@kedirikota.go.id", "kata-sandi-panjang-1")
    assert clerk.get("/staf").status_code == 200
    assert client.post(f"{H}/petugas/{user_id}/nonaktif").status_code == 302
    assert clerk.get("/staf").status_code == 302          # its session has ended


def test_national_edits_reach_the_public_pages_and_search(app, client, admin):
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.slug == "paspor-biasa"))
        data = {"s-name": "Paspor biasa (baru)", "s-name_en": "Ordinary passport",
                "s-category": service.category, "s-summary": "Ringkas",
                "s-requirements": "KTP-el\nKartu Keluarga\n", "s-procedure": "Datang\nFoto",
                "s-duration_value": "4", "s-duration_unit": "working_days", "s-fee": "350000",
                "s-fee_note": "", "s-product": "Paspor", "s-legal_basis": "PP 45/2024",
                "s-online_mode": "book_then_visit", "s-online_url": "",
                "s-keywords": "paspor zamrud"}
        service_id = service.id
    assert client.post(f"/staf/kelola/layanan/{service_id}", data=data).status_code == 302
    with app.app_context():
        service = db.session.get(Service, service_id)
        assert service.requirements == ["KTP-el", "Kartu Keluarga"]
        row = _last_audit("service.update")
        assert row.after["name"] == "Paspor biasa (baru)" and row.before["name"] != row.after[
            "name"]
    assert "Paspor biasa (baru)" in client.get("/layanan/paspor-biasa").get_data(as_text=True)
    found = client.get("/cari?q=zamrud").get_data(as_text=True)
    assert "Paspor biasa (baru)" in found
    made = client.post("/staf/kelola/pengelola", data={
        "g-mpp": "1", "g-email": "pengelola.baru@kedirikota.go.id", "g-name": "Baru",
        "g-password": "kata-sandi-panjang-1"})
    assert made.status_code == 302
    audit = client.get("/staf/kelola/audit").get_data(as_text=True)
    assert "service.update" in audit and "user.add" in audit


def test_a_manager_sets_an_agencys_days_and_adds_a_service(app, client, manager):
    with app.app_context():
        offering = db.session.get(Offering, manager["offering_id"])
        agency_id = offering.service.agency_id
        missing = db.session.scalar(select(Service.id).where(Service.id.not_in(
            select(Offering.service_id).where(Offering.mpp_id == offering.mpp_id))))
    days = client.post(f"{H}/instansi/{agency_id}/hari",
                       data=own_week("2 08:00-12:00", f"a{agency_id}-hours"))
    assert days.status_code == 302
    added = client.post(f"{H}/layanan", data={"n-service": str(missing)})
    assert added.status_code == 302 and "/layanan/" in added.headers["Location"]
    with app.app_context():
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        same_agency = [o for o in hall.offerings if o.service.agency_id == agency_id]
        assert all([(h.weekday, h.opens_at.hour) for h in o.hours] == [(2, 8)]
                   for o in same_agency)
        assert _last_audit("agency.days").after
        assert any(o.service_id == missing for o in hall.offerings)
        assert _last_audit("offering.add").before is None


def test_national_admin_opens_a_hall_and_adds_to_the_catalogue(app, client, admin):
    made = client.post("/staf/kelola/mpp-baru", data={
        "m-region": "35.06", "m-name": "Mal Pelayanan Publik Kabupaten Kediri",
        "m-address": "Jl. Soekarno Hatta", "m-phone": "(0354) 123456",
        **week("1-5 08:00-15:00", "m")})
    assert made.status_code == 302
    assert "Mal Pelayanan Publik Kabupaten Kediri" in client.get(
        "/mpp/kabupaten-kediri").get_data(as_text=True)
    assert client.post("/staf/kelola/instansi", data={
        "a-name": "Badan Pengawas Obat dan Makanan", "a-short_name": "BPOM"}).status_code == 302
    with app.app_context():
        bpom = db.session.scalar(select(Agency).where(Agency.slug == "bpom"))
        assert bpom.name == "Badan Pengawas Obat dan Makanan"
    created = client.post("/staf/kelola/layanan-baru", data={
        "s-agency": str(bpom.id), "s-name": "Sertifikat produksi pangan industri rumah tangga",
        "s-category": "perizinan", "s-requirements": "KTP-el\nSurat permohonan",
        "s-procedure": "Daftar\nPenyuluhan", "s-duration_value": "14",
        "s-duration_unit": "working_days", "s-fee": "0", "s-product": "SPP-IRT",
        "s-legal_basis": "Peraturan BPOM 22/2018", "s-online_mode": "online",
        "s-online_url": "https://oss.go.id"})
    assert created.status_code == 302, created.get_data(as_text=True)[-3000:]
    assert client.post("/staf/kelola/cuti-bersama", data={
        "c-starts_on": "2030-12-24", "c-ends_on": "2030-12-24",
        "c-reason": "Cuti bersama Natal"}).status_code == 302
    with app.app_context():
        service = db.session.scalar(select(Service).where(
            Service.slug == "sertifikat-produksi-pangan-industri-rumah-tangga"))
        assert service.agency_id == bpom.id and service.requirements == ["KTP-el",
                                                                         "Surat permohonan"]
        actions = set(db.session.scalars(select(AuditLog.action)))
        assert {"mpp.add", "agency.add", "service.add", "closure.add"} <= actions


def test_a_manager_keeps_the_hall_open_on_a_cuti_bersama_day(app, client, manager):
    from datetime import timedelta

    from mpp_digital.catalogue.models import Closure
    from mpp_digital.catalogue.operations import closures_for
    day = NOW.date() + timedelta(days=30)
    with app.app_context():
        closure = Closure(mpp_id=None, starts_on=day, ends_on=day, reason="Cuti bersama uji")
        db.session.add(closure)
        db.session.commit()
        closure_id = closure.id
    assert "Cuti bersama uji" in client.get(H).get_data(as_text=True)
    assert client.post(f"{H}/cuti-bersama/{closure_id}/buka").status_code == 302
    with app.app_context():
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        other = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-mataram"))
        assert closures_for(db.session, hall, day, day) == []                   # open here …
        assert [c[2] for c in closures_for(db.session, other, day, day)] == ["Cuti bersama uji"]  # … only
        assert _last_audit("closure.open").after == {"open": True}
    assert client.post(f"{H}/cuti-bersama/{closure_id}/tutup").status_code == 302
    with app.app_context():
        hall = db.session.scalar(select(Mpp).where(Mpp.slug == "kota-kediri"))
        assert [c[2] for c in closures_for(db.session, hall, day, day)] == ["Cuti bersama uji"]
    assert client.post(f"{H}/cuti-bersama/{closure_id}/libur").status_code == 404


def test_several_affected_bookings_move_at_once_to_the_nearest_free_slots(app, client,
                                                                           manager):
    """The picker and the batch start from the booked day: the nearest free times that day
    first, then the days after (not the first free slots of the horizon)."""
    with app.app_context():
        kk = offering("kota-kediri", "kartu-keluarga-baru")
        ids = [book("kota-kediri", serial, "kartu-keluarga-baru").id for serial in (7, 8)]
        db.session.commit()
        booked = {i: db.session.get(Appointment, i).slot.starts_at for i in ids}
        kk_id = kk.id
    # Disdukcapil now opens at 10.00: the early bookings no longer fit, but the day still has
    # room later.
    changed = client.post(f"{H}/layanan/{kk_id}", data={
        "o-bookable": "y", "o-slot_minutes": "15", "o-seats_per_slot": "1",
        "o-walkin_share": "20", "o-horizon_days": "14", "o-cutoff_minutes": "60",
        **own_week("1-5 10:00-12:00", "o-hours")})
    assert changed.status_code == 302
    page = client.get(f"{H}/janji-terdampak").get_data(as_text=True)
    assert "Beberapa sekaligus" in page
    picker = page.split(f'name="m{ids[0]}-slot"', 1)[1].split("</select>")[0]
    first_choice = re.findall(r'value="(\d+)"', picker)[0]
    with app.app_context():
        nearest = db.session.get(Slot, int(first_choice)).starts_at
    assert nearest.date() == booked[ids[0]].date() and nearest.hour == 3    # 10.00 WIB
    for bad in ({"action": "pindah", "p-message": "Maaf"},                 # nothing chosen
                {"action": "pindah", "p-ids": "999999", "p-message": "Maaf"},
                {"action": "batal", "p-ids": str(ids[0]), "p-message": "  "}):
        assert client.post(f"{H}/janji-terdampak/sekaligus", data=bad).status_code == 422
    moved = client.post(f"{H}/janji-terdampak/sekaligus", data={
        "action": "pindah", "p-ids": [str(i) for i in ids],
        "p-message": "Loket Disdukcapil buka pukul 10.00; jadwal Anda kami majukan."})
    assert moved.status_code == 302
    with app.app_context():
        for i in ids:
            appointment = db.session.get(Appointment, i)
            assert appointment.status == AppointmentStatus.ACTIVE
            assert not appointment.slot.retired
            assert appointment.slot.starts_at.date() == booked[i].date()
            assert appointment.staff_message.startswith("Loket Disdukcapil buka pukul 10.00")
        assert len({db.session.get(Appointment, i).slot_id for i in ids}) == 2   # one seat each
        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "appointment.move")) == 2
    left = client.get(f"{H}/janji-terdampak").get_data(as_text=True)
    assert "2 janji dipindahkan ke jadwal kosong terdekat" in left
