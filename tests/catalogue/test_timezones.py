from datetime import datetime, timezone

from mpp_digital.catalogue import operations as ops
from mpp_digital.extensions import db

# Monday 30 November 2026, 00:30 UTC: 07.30 WIB, 08.30 WITA, 09.30 WIT.
MONDAY_EARLY = datetime(2026, 11, 30, 0, 30, tzinfo=timezone.utc)


def _day(slug, moment):
    return ops.hall_day(db.session, ops.get_mpp(db.session, slug), moment, "id")


def test_each_hall_lives_in_its_provinces_zone(ctx):
    zones = {slug: ops.get_mpp(db.session, slug).timezone for slug in
             ("kota-kediri", "kota-mataram", "kabupaten-halmahera-utara", "kabupaten-sinjai")}
    assert zones == {"kota-kediri": "Asia/Jakarta", "kota-mataram": "Asia/Makassar",
                     "kabupaten-halmahera-utara": "Asia/Jayapura",
                     "kabupaten-sinjai": "Asia/Makassar"}


def test_the_same_instant_is_before_opening_in_kediri_but_open_further_east(ctx):
    kediri = ops.hall_day(db.session, ops.get_mpp(db.session, "kota-kediri"), MONDAY_EARLY, "id")
    mataram = ops.hall_day(db.session, ops.get_mpp(db.session, "kota-mataram"), MONDAY_EARLY, "id")
    halut = _day("kabupaten-halmahera-utara", MONDAY_EARLY)
    assert (kediri.local_now.hour, kediri.open_now) == (7, False)
    assert (mataram.local_now.hour, mataram.open_now) == (8, True)
    assert (halut.local_now.hour, halut.open_now) == (9, True)


def test_late_sunday_utc_is_already_monday_in_papua_time(ctx):
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc)
    halut = _day("kabupaten-halmahera-utara", sunday_night)
    kediri = ops.hall_day(db.session, ops.get_mpp(db.session, "kota-kediri"), sunday_night, "id")
    assert halut.local_now.date().isoweekday() == 1 and halut.status.is_open
    assert kediri.local_now.date().isoweekday() == 1 and not kediri.open_now   # 06.30 WIB


def test_a_national_holiday_closes_every_hall(ctx):
    independence_day = datetime(2027, 8, 17, 3, 0, tzinfo=timezone.utc)   # a Tuesday
    day = ops.hall_day(db.session, ops.get_mpp(db.session, "kota-kediri"), independence_day, "id")
    assert not day.open_now
    assert "Kemerdekaan" in day.status.closed_because


def test_mpp_pages_name_their_zone(client):
    assert "WITA" in client.get("/mpp/kota-mataram").get_data(as_text=True)
    assert "WIT" in client.get("/mpp/kabupaten-halmahera-utara").get_data(as_text=True)
    assert "WITA" not in client.get("/mpp/kabupaten-halmahera-utara").get_data(as_text=True)
    assert "WIB" in client.get("/mpp/kabupaten-bantul").get_data(as_text=True)
