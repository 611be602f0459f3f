"""The shape of one catalogue row (one service at one MPP), shared by import, export and demo."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from .models import CATEGORIES, DurationUnit, OnlineMode
from .schedule import HoursSyntaxError, parse_hours

SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                       error="Gunakan huruf kecil, angka dan tanda hubung, mis. paspor-baru.")
LIST_FIELDS = ("requirements", "procedure", "legal_basis")


def _lines(**kwargs):
    return fields.List(fields.String(validate=validate.Length(min=1, max=1000)),
                       validate=validate.Length(min=1, max=60), **kwargs)


class OfferingRowSchema(Schema):
    """One row of a catalogue spreadsheet: the national service and how this MPP offers it."""
    # where and who
    mpp = fields.String(required=True, validate=SLUG)
    agency = fields.String(required=True, validate=SLUG)
    agency_name = fields.String(load_default=None, validate=validate.Length(max=160))
    agency_short_name = fields.String(load_default=None, validate=validate.Length(max=40))
    # the national service standard
    service = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=3, max=160))
    name_en = fields.String(load_default=None, validate=validate.Length(max=160))
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    summary = fields.String(load_default="", validate=validate.Length(max=2000))
    requirements = _lines(required=True)
    procedure = _lines(required=True)
    duration_value = fields.Integer(required=True, strict=False,
                                    validate=validate.Range(min=1, max=10000))
    duration_unit = fields.Enum(DurationUnit, by_value=True, required=True)
    fee = fields.Integer(required=True, validate=validate.Range(min=0, max=10**12))
    fee_note = fields.String(load_default="", validate=validate.Length(max=1000))
    product = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    legal_basis = _lines(required=True)
    online_mode = fields.Enum(OnlineMode, by_value=True, required=True)
    online_url = fields.Url(load_default=None, schemes={"https", "http"},
                            validate=validate.Length(max=300))
    keywords = fields.String(load_default="", validate=validate.Length(max=1000))
    # this MPP's offering
    queue = fields.String(load_default=None, validate=validate.Regexp(
        r"^[A-Z]{1,2}$", error="Huruf antrean 1–2 huruf besar, mis. A."))
    bookable = fields.Boolean(load_default=False)
    slot_minutes = fields.Integer(load_default=15, validate=validate.Range(min=1, max=480))
    seats_per_slot = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))
    daily_quota = fields.Integer(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=100000))
    walkin_share = fields.Integer(load_default=20, validate=validate.Range(min=0, max=100))
    horizon_days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=180))
    cutoff_minutes = fields.Integer(load_default=60, validate=validate.Range(min=0, max=10080))
    hours = fields.String(load_default="")
    notes = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates("hours")
    def _hours_parse(self, value, **kwargs):
        try:
            parse_hours(value)
        except HoursSyntaxError as exc:
            raise ValidationError(
                f"Tidak terbaca: {exc.args[0]!r}. Contoh: '1-4 08:00-15:00; 5 08:00-11:30' "
                "(1 = Senin … 7 = Minggu).") from None

    @validates_schema
    def _online_needs_url(self, data, **kwargs):
        if data.get("online_mode") == OnlineMode.ONLINE and not data.get("online_url"):
            raise ValidationError("Layanan daring penuh memerlukan tautan resmi.", "online_url")


SERVICE_FIELDS = ("name", "name_en", "category", "summary", "requirements", "procedure",
                  "duration_value", "duration_unit", "fee", "fee_note", "product",
                  "legal_basis", "online_mode", "online_url", "keywords")
OFFERING_FIELDS = ("bookable", "slot_minutes", "seats_per_slot", "daily_quota", "walkin_share",
                   "horizon_days", "cutoff_minutes", "notes")
COLUMNS = tuple(OfferingRowSchema().fields)


def from_spreadsheet(cells):
    """A CSV row as the schema expects it: empty cells absent, list cells split on new lines."""
    row = {}
    for key, value in cells.items():
        if key is None:                      # more cells than headers
            row["_extra"] = value
            continue
        value = (value or "").strip()
        if not value:
            continue
        if key in LIST_FIELDS:
            value = [line.strip() for line in re.split(r"\r?\n", value) if line.strip()]
        row[key] = value
    return row


def to_spreadsheet(row):
    """The inverse of from_spreadsheet: lists joined by new lines, None as an empty cell."""
    cells = {}
    for key in COLUMNS:
        value = row.get(key)
        if isinstance(value, list):
            value = "\n".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif value is None:
            value = ""
        cells[key] = str(getattr(value, "value", value))
    return cells
