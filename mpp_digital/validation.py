"""Input that must be ASCII digits (NIK, the NIK's last 4, phone numbers, ids, codes).

Python's Unicode-aware digit tests also accept fullwidth, Arabic-Indic and other digits, which
`int()` then reads as numbers while hashes and comparisons see other text: one person would
count as two. Every "digits only" input is checked with these ASCII patterns instead.
"""
import re

from wtforms.validators import ValidationError

# Letters of codes people read aloud and type (bookings, device enrolment): no 0/O, 1/I/L, U.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"

_DIGITS = re.compile(r"[0-9]+")
_CODE = re.compile(r"[A-Za-z0-9 -]+")


def is_ascii_digits(text, length=None):
    """True for a non-empty string of ASCII digits (of exactly `length`, when given)."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return False
    return length is None or len(text) == length


def parse_id(text):
    """A row id from a form or cookie: a positive int, or None for anything else."""
    if not is_ascii_digits(text) or len(text) > 18:
        return None
    number = int(text)
    return number if number > 0 else None


def is_code_text(text):
    """A booking code as people type it: ASCII letters and digits, spaces and dashes."""
    return isinstance(text, str) and bool(_CODE.fullmatch(text))


class AsciiDigits:
    """WTForms validator: the field holds ASCII digits only (of `length`, when given)."""

    def __init__(self, message, length=None):
        self.message = message
        self.length = length

    def __call__(self, form, field):
        if field.data and not is_ascii_digits(field.data.strip(), self.length):
            raise ValidationError(self.message)


class CodeText:
    """WTForms validator: a booking code of ASCII letters, digits, spaces and dashes."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data and not is_code_text(field.data):
            raise ValidationError(self.message)
