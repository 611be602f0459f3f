from datetime import date, time

import pytest

from mpp_digital.catalogue.schedule import (HoursSyntaxError, Interval, day_status,
                                            effective_hours, format_hours, group_by_hours,
                                            group_week, parse_hours)

KEDIRI = "1-4 08:00-15:00; 5 08:00-11:30"


def test_kediri_hours_parse_into_one_interval_a_weekday():
    hours = parse_hours(KEDIRI)
    assert [iv.weekday for iv in hours] == [1, 2, 3, 4, 5]
    assert hours[0] == Interval(1, time(8), time(15))
    assert hours[-1] == Interval(5, time(8), time(11, 30))


def test_format_is_the_inverse_of_parse():
    text = "1 08:00-12:00; 3 08:00-12:00; 6 08:00-12:00"
    assert format_hours(parse_hours(text)) == text
    assert format_hours(parse_hours(KEDIRI)) == KEDIRI
    assert format_hours(parse_hours("1 13:00-15:00; 1 08:00-12:00")) == \
        "1 08:00-12:00; 1 13:00-15:00"


def test_indonesian_dots_and_empty_text_are_accepted():
    assert parse_hours("1-5 08.00-15.00") == parse_hours("1-5 08:00-15:00")
    assert parse_hours("") == [] and parse_hours(None) == []


@pytest.mark.parametrize("text", ["Senin 08:00-15:00", "1-4", "8 08:00-15:00", "4-1 08:00-15:00",
                                  "1 15:00-08:00", "1 08:00-08:00", "1 25:00-26:00",
                                  "1 08:00-24:30", "1 08:00 15:00"])
def test_unreadable_hours_are_refused(text):
    with pytest.raises(HoursSyntaxError):
        parse_hours(text)


def test_group_week_merges_consecutive_days_with_the_same_hours():
    groups = group_week(parse_hours("1 08:00-12:00; 2-4 08:00-15:00; 5 08:00-11:30; 6 08:00-11:30"))
    assert [days for days, _ in groups] == [[1], [2, 3, 4], [5, 6]]


def test_group_by_hours_joins_days_that_share_hours_even_apart():
    groups = group_by_hours(parse_hours("1 08:00-12:00; 2 08:00-15:00; 3 08:00-12:00"))
    assert groups == [([1, 3], [(time(8), time(12))]), ([2], [(time(8), time(15))])]


def test_an_offering_with_its_own_hours_replaces_the_hall_hours():
    hall = parse_hours(KEDIRI)
    imigrasi = parse_hours("1 08:00-12:00; 3 08:00-12:00")
    assert effective_hours(hall, imigrasi) == imigrasi
    assert effective_hours(hall, []) == hall


def test_a_holiday_or_closure_shuts_an_otherwise_open_day():
    hours = parse_hours(KEDIRI)
    monday = date(2026, 11, 30)
    assert day_status(monday, hours).spans == ((time(8), time(15)),)
    assert day_status(monday, hours, holiday_name="Hari Raya").closed_because == "Hari Raya"
    closure = [(date(2026, 11, 29), date(2026, 12, 1), "Renovasi")]
    status = day_status(monday, hours, closure)
    assert not status.is_open and status.closed_because == "Renovasi"
    assert not day_status(date(2026, 11, 29), hours).is_open      # a Sunday
