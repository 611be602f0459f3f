"""Jinja filters: local times (WIB/WITA/WIT), Rupiah, weekdays and durations in the page's language."""
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names
import segno
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale, gettext as _, ngettext
from markupsafe import Markup

from .i18n import language

TZ_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def tz_abbr(tzname):
    """WIB, WITA or WIT for an Indonesian time zone name."""
    return TZ_ABBREVIATIONS[tzname]


def clock(value):
    """A wall-clock time: 08.00 in Bahasa Indonesia, 8:00 AM in English."""
    return _clock(value, language())


# A hall page shows dozens of times and fees; Babel takes tens of microseconds for each.
@lru_cache(maxsize=4096)
def _clock(value, locale):
    return format_time(value, "short", locale=locale)


def local_datetime(value, tzname):
    """A UTC datetime shown in the hall's own zone: "Senin, 30 November 2026 08.00 WITA"."""
    local = value.astimezone(ZoneInfo(tzname))
    return f"{long_date(local.date())} {clock(local.time())} {tz_abbr(tzname)}"


def long_date(value):
    return format_date(value, "full", locale=get_locale())


def weekday_name(iso_weekday):
    return get_day_names("wide", locale=get_locale())[iso_weekday - 1]


def weekday_range(days):
    """[1, 2, 3, 4] → "Senin–Kamis"; [1, 3] → "Senin, Rabu"."""
    return _weekday_range(tuple(days), language())


@lru_cache(maxsize=1024)
def _weekday_range(days, locale):
    if len(days) > 2 and days == tuple(range(days[0], days[-1] + 1)):
        return f"{weekday_name(days[0])}–{weekday_name(days[-1])}"
    return ", ".join(weekday_name(d) for d in days)


def online_badge(mode):
    """How a service is done ("Datang langsung"), as a badge in the page's language."""
    return _online_badge(mode, language())


@lru_cache(maxsize=64)
def _online_badge(mode, locale):
    return Markup('<span class="badge badge-{}">{}</span>').format(mode.value, str(mode.label))


def rupiah(amount):
    """0 is "Gratis"; otherwise Rp350.000 (IDR350,000 in English)."""
    if amount == 0:
        return _("Gratis")
    return _rupiah(amount, language())


@lru_cache(maxsize=4096)
def _rupiah(amount, locale):
    return format_currency(amount, "IDR", locale=locale, format="¤#,##0", currency_digits=False)


def duration(value, unit):
    unit = getattr(unit, "value", unit)
    if unit == "minutes":
        return ngettext("%(num)d menit", "%(num)d menit", value)
    if unit == "hours":
        return ngettext("%(num)d jam", "%(num)d jam", value)
    if unit == "working_days":
        return ngettext("%(num)d hari kerja", "%(num)d hari kerja", value)
    return ngettext("%(num)d hari", "%(num)d hari", value)


def localized_name(service):
    """A service's English name on English pages, when it has one."""
    if language() == "en" and service.name_en:
        return service.name_en
    return service.name


def masked_nik(last4):
    """What a page may show of a NIK: ************1234."""
    return "*" * 12 + last4


def masked_phone(phone):
    """+62812****7890."""
    return phone[:6] + "*" * max(0, len(phone) - 10) + phone[-4:]


def decimal(value, places=None):
    """A number as the page's language writes it: 85,62 in Bahasa Indonesia, 85.62 in English.

    `places` fixes the decimals shown; None shows at most one ("3", "3,5"). CSV files keep the
    machine format; this is for people.
    """
    if not isinstance(value, (int, float, Decimal)):
        value = float(value)             # exact fractions of the IKM
    return _decimal(value, places, language())


@lru_cache(maxsize=8192)
def _decimal(value, places, locale):
    pattern = "#,##0" + ("." + "0" * places if places else "" if places == 0 else ".#")
    return format_decimal(value, format=pattern, locale=locale)


def percent(rate, places=1):
    """A share (0.091) as a percentage in the page's language: "9,1 %"."""
    return f"{decimal(rate * 100, places)} %"


def code_groups(code):
    """A booking code in groups that are easy to read aloud: 7K3Q-9XZ2-AB."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def qr_svg(text, title):
    """An inline SVG QR code (segno), labelled for screen readers.

    Always a regular QR code: for a short text segno would pick a Micro QR, which most phone
    cameras and kiosk scanners cannot read. The quiet zone is the standard four modules; the
    stylesheet draws it 168 px wide on screen and 30 mm on paper."""
    qr = segno.make(text, error="m", micro=False)
    svg = qr.svg_inline(scale=6, border=4, title=str(title))
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def init_app(app):
    app.jinja_env.filters.update(
        tz_abbr=tz_abbr, clock=clock, local_datetime=local_datetime, long_date=long_date,
        weekday_name=weekday_name, weekday_range=weekday_range, rupiah=rupiah,
        duration=duration, localized_name=localized_name, masked_nik=masked_nik,
        masked_phone=masked_phone, code_groups=code_groups, qr_svg=qr_svg,
        decimal=decimal, percent=percent, online_badge=online_badge)
