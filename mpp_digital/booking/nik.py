"""The Nomor Induk Kependudukan: checked, then kept only as a keyed hash and its last 4 digits.

A NIK is 16 digits: province (2), regency (2), district (2), date of birth as DDMMYY with 40
added to the day for women, and a 4-digit serial. It is not a secret, but it identifies a
person, so the full number is never stored, logged, put in a URL or shown.
"""
import csv
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files

from flask_babel import lazy_gettext as _l

from ..validation import is_ascii_digits

_SEPARATORS = re.compile(r"[\s.\-]")


class NikInvalid(ValueError):
    """The reason is shown next to the NIK field."""


@lru_cache(maxsize=1)
def regency_codes():
    """Every "PPRR" code of the 514 kabupaten/kota shipped with the catalogue."""
    path = files("mpp_digital.catalogue") / "data" / "regions" / "regencies.csv"
    with path.open(encoding="utf-8") as fh:
        return frozenset(row["code"].replace(".", "") for row in csv.DictReader(fh))


@dataclass(frozen=True)
class Nik:
    """A checked NIK. Its repr hides the number, so it cannot leak into a log by accident."""
    digits: str

    def __repr__(self):
        return f"Nik(…{self.last4})"

    __str__ = __repr__

    @property
    def last4(self):
        return self.digits[-4:]

    def keyed_hash(self, key):
        """HMAC-SHA256 with the site's secret key: equal NIKs match, the number cannot be read."""
        return hmac.new(key.encode(), self.digits.encode(), hashlib.sha256).hexdigest()


def birth_date(digits, today):
    """The date of birth in a NIK (women's day + 40), or None when it is not a real date."""
    day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if day > 40:
        day -= 40
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        born = date(century + year, month, day)
    except ValueError:
        return None
    return born if born <= today else None


def nik_digits(text):
    """What a NIK typed as "3201 0101 9000 0001", or with dots and dashes, is made of."""
    return _SEPARATORS.sub("", text or "")


def parse_nik(text, today):
    """Accept "3201 0101 9000 0001" or with dots and dashes; raise NikInvalid with a reason."""
    digits = nik_digits(text)
    if not is_ascii_digits(digits, 16):
        raise NikInvalid(_l("NIK terdiri dari 16 angka, seperti tertulis di KTP atau KK."))
    if digits[:4] not in regency_codes():
        raise NikInvalid(_l("Empat angka pertama NIK bukan kode kabupaten/kota yang dikenal."))
    if birth_date(digits, today) is None:
        raise NikInvalid(_l("Angka ke-7 sampai ke-12 NIK bukan tanggal lahir yang mungkin."))
    if digits[12:] == "0000":
        raise NikInvalid(_l("Empat angka terakhir NIK tidak boleh 0000."))
    return Nik(digits)
