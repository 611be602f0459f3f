from datetime import date

import pytest

from mpp_digital.booking.nik import NikInvalid, birth_date, parse_nik
from mpp_digital.booking.phone import PhoneInvalid, parse_phone

from ..factories import nik

TODAY = date(2026, 11, 29)


def test_a_valid_nik_is_accepted_with_spaces_dots_and_dashes():
    number = nik(1)
    spaced = " ".join(number[i:i + 4] for i in range(0, 16, 4))
    assert parse_nik(spaced, TODAY).digits == number
    assert parse_nik(number[:6] + "." + number[6:12] + "-" + number[12:], TODAY).last4 == "0001"


def test_womens_day_of_birth_is_plus_forty():
    assert birth_date(nik(born=date(1985, 3, 7), woman=True), TODAY) == date(1985, 3, 7)
    assert parse_nik(nik(born=date(1985, 3, 31), woman=True), TODAY)


def test_two_digit_years_are_read_as_the_latest_possible_century():
    assert birth_date(nik(born=date(2020, 5, 1)), TODAY) == date(2020, 5, 1)
    assert birth_date(nik(born=date(1930, 5, 1)), TODAY) == date(1930, 5, 1)


@pytest.mark.parametrize("text, reason", [
    ("", "16 angka"), ("12345", "16 angka"), (nik(1)[:15], "16 angka"), (nik(1) + "1", "16 angka"),
    ("3571ab0101900001", "16 angka"),
    ("9999" + nik(1)[4:], "kode kabupaten"),          # no regency 99.99
    ("3500" + nik(1)[4:], "kode kabupaten"),
    (nik(1)[:6] + "320190" + "0001", "tanggal lahir"),  # 32 January
    (nik(1)[:6] + "011390" + "0001", "tanggal lahir"),  # month 13
    (nik(1)[:6] + "720190" + "0001", "tanggal lahir"),  # 72 - 40 = 32
    (nik(1)[:6] + "300290" + "0001", "tanggal lahir"),  # 30 February
    (nik(1)[:12] + "0000", "0000"),
])
def test_impossible_niks_are_refused_with_a_reason(text, reason):
    with pytest.raises(NikInvalid) as refused:
        parse_nik(text, TODAY)
    assert reason in str(refused.value.args[0])


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(NikInvalid):
        parse_nik(nik(born=date(2026, 12, 25)), TODAY)


def test_the_nik_never_shows_itself():
    parsed = parse_nik(nik(1234), TODAY)
    assert nik(1234) not in repr(parsed) and nik(1234) not in str(parsed)
    assert repr(parsed).endswith("1234)")
    assert parsed.keyed_hash("a") == parsed.keyed_hash("a") != parsed.keyed_hash("b")
    assert nik(1234) not in parsed.keyed_hash("a") and len(parsed.keyed_hash("a")) == 64


@pytest.mark.parametrize("text, expected", [
    ("0812 3456 7890", "+6281234567890"), ("0812-3456-789", "+628123456789"),
    ("+62 812 3456 7890", "+6281234567890"), ("6281234567890", "+6281234567890"),
    ("(0812) 345.678", "+62812345678"),
])
def test_phone_numbers_are_kept_as_plus_62(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize("text", ["", "0212345678", "+1 415 555 0100", "08123", "0812abcdefg",
                                  "08123456789012345"])
def test_non_mobile_numbers_are_refused(text):
    with pytest.raises(PhoneInvalid):
        parse_phone(text)
