"""Indonesian mobile numbers: accepted as people write them, kept as +62…."""
import re

from flask_babel import lazy_gettext as _l

from ..validation import is_ascii_digits


class PhoneInvalid(ValueError):
    pass


def parse_phone(text):
    """"0812-3456-7890", "62812…", "+62 812 …" → "+6281234567890"; raise PhoneInvalid."""
    digits = re.sub(r"[\s().\-]", "", text or "")
    if digits.startswith("+62"):
        digits = digits[3:]
    elif digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if not is_ascii_digits(digits) or not digits.startswith("8") or not 9 <= len(digits) <= 12:
        raise PhoneInvalid(_l("Tulis nomor ponsel Indonesia, misalnya 0812 3456 7890."))
    return "+62" + digits
