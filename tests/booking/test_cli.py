from datetime import time

from sqlalchemy import func, select

from mpp_digital.booking.models import Slot
from mpp_digital.catalogue.models import OpeningHours
from mpp_digital.extensions import db

from ..factories import offering


def test_generate_slots_fills_the_horizon_and_lists_misfits(app, runner, client):
    result = runner.invoke(args=["booking", "generate-slots", "--mpp", "kota-kediri"])
    assert result.exit_code == 0, result.output
    assert "Slots generated for" in result.output and "no longer fit" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Slot.id))) > 100
    # A booking at 11.00, then Imigrasi Kediri shortens its mornings to 08.00–10.00.
    api_slots = client.get("/api/v1/mpps/kota-kediri/offerings/paspor-biasa/slots").get_json()
    late = next(s for s in api_slots if s["start"][11:16] == "11:00")
    from ..factories import nik, partner_headers
    booked = client.post("/api/v1/appointments", json={
        "mpp": "kota-kediri", "service": "paspor-biasa", "start": late["start"],
        "name": "Budi", "nik": nik(77), "phone": "081234567890"},
        headers=partner_headers(app))
    assert booked.status_code == 201
    with app.app_context():
        offer = offering("kota-kediri", "paspor-biasa")
        offer.hours = [OpeningHours(weekday=d, opens_at=time(8), closes_at=time(10))
                       for d in range(1, 6)]
        db.session.commit()
    again = runner.invoke(args=["booking", "generate-slots", "--mpp", "kota-kediri"])
    assert "1 bookings no longer fit the schedule" in again.output
    code = booked.get_json()["code"]
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}  kota-kediri  paspor-biasa" in again.output
    listed = runner.invoke(args=["booking", "misfits"])
    assert "Budi" in listed.output
