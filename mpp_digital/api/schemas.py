"""What the public API returns, as marshmallow schemas; the OpenAPI document is made from them."""
from flask import url_for
from marshmallow import Schema, ValidationError, fields, validate, validates
from webargs import fields as webargs_fields

from .. import clock
from ..booking.nik import NikInvalid, parse_nik
from ..booking.phone import PhoneInvalid, parse_phone

from ..catalogue.models import CATEGORIES, DurationUnit, OnlineMode
from ..catalogue.operations import intervals
from ..catalogue.schedule import format_hours


class MppQuerySchema(Schema):
    province = fields.String(validate=validate.Regexp(r"^[0-9]{2}$"),
                             metadata={"description": "Kemendagri province code, e.g. 35"})


class ServiceQuerySchema(Schema):
    agency = fields.String(validate=validate.Regexp(r"^[a-z0-9-]{1,60}$"),
                           metadata={"description": "agency slug, e.g. imigrasi"})
    category = fields.String(validate=validate.OneOf(list(CATEGORIES)))


class AreaSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class AgencySchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(required=True)


class OpeningHoursSchema(Schema):
    weekday = fields.Integer(required=True, metadata={"description": "ISO weekday, 1 = Monday"})
    opens_at = fields.Time(required=True, format="%H:%M")
    closes_at = fields.Time(required=True, format="%H:%M")


class MppSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    region = fields.Nested(AreaSchema, required=True)
    province = fields.Nested(AreaSchema, attribute="region.province", required=True)
    timezone = fields.String(required=True, metadata={"example": "Asia/Makassar"})
    address = fields.String(required=True)
    phone = fields.String(required=True)
    email = fields.String(allow_none=True)
    url = fields.Function(lambda mpp: url_for("catalogue.mpp", slug=mpp.slug, _external=True),
                          required=True, metadata={"type": "string", "format": "uri"})


class OfferingSchema(Schema):
    service = fields.String(attribute="service.slug", required=True)
    name = fields.String(attribute="service.name", required=True)
    agency = fields.String(attribute="service.agency.slug", required=True)
    fee = fields.Integer(attribute="service.fee", required=True)
    online_mode = fields.Enum(OnlineMode, by_value=True, attribute="service.online_mode",
                              required=True)
    bookable = fields.Boolean(required=True)
    queue = fields.String(attribute="queue.letter", allow_none=True)
    hours = fields.Function(lambda o: format_hours(intervals(o.hours)), required=True, metadata={
        "type": "string", "description": "the offering's own hours; empty = the MPP's hours"})


class MppDetailSchema(MppSchema):
    hours = fields.List(fields.Nested(OpeningHoursSchema), required=True)
    offerings = fields.List(fields.Nested(OfferingSchema), required=True)


class ServiceSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    agency = fields.Nested(AgencySchema, required=True)
    category = fields.String(required=True)
    fee = fields.Integer(required=True, metadata={"description": "Rupiah; 0 means free"})
    online_mode = fields.Enum(OnlineMode, by_value=True, required=True)


class PlaceSchema(Schema):
    mpp = fields.String(attribute="slug", required=True)
    name = fields.String(required=True)
    url = fields.Function(lambda mpp: url_for("catalogue.mpp", slug=mpp.slug, _external=True),
                          required=True, metadata={"type": "string", "format": "uri"})


class ServiceDetailSchema(ServiceSchema):
    summary = fields.String(required=True)
    requirements = fields.List(fields.String(), required=True)
    procedure = fields.List(fields.String(), required=True)
    duration_value = fields.Integer(required=True)
    duration_unit = fields.Enum(DurationUnit, by_value=True, required=True)
    fee_note = fields.String(required=True)
    product = fields.String(required=True)
    legal_basis = fields.List(fields.String(), required=True)
    online_url = fields.String(allow_none=True)
    offered_at = fields.List(fields.Nested(PlaceSchema), required=True)


class SearchQuerySchema(Schema):
    q = fields.String(required=True, validate=validate.Length(min=2, max=100),
                      metadata={"description": "what the citizen typed, e.g. bikin ktp"})
    mpp = fields.String(validate=validate.Regexp(r"^[a-z0-9-]{1,80}$"),
                        metadata={"description": "search only this MPP's offerings"})
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class SearchResultSchema(Schema):
    service = fields.String(required=True)
    title = fields.String(required=True)
    agency = fields.String(required=True)
    mpp = fields.String(required=True, allow_none=True)
    url = fields.String(required=True, metadata={"format": "uri"})


class SearchResponseSchema(Schema):
    query = fields.String(required=True)
    results = fields.List(fields.Nested(SearchResultSchema), required=True)


class SlotQuerySchema(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "first local day (today)"})
    to = fields.Date(metadata={"description": "last local day (the booking horizon)"})


class SlotSchema(Schema):
    start = fields.DateTime(required=True, metadata={"description": "in the MPP's time zone"})
    end = fields.DateTime(required=True)
    free = fields.Integer(required=True)


class CitizenRequestSchema(Schema):
    """Who a partner books for: checked as the web form checks them."""
    mpp = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{1,80}$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=120))
    nik = fields.String(required=True, validate=validate.Length(max=24), load_only=True)
    phone = fields.String(required=True, validate=validate.Length(max=24))
    email = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=254))

    @validates("nik")
    def _nik(self, value, **kwargs):
        try:
            parse_nik(value, clock.now().date())
        except NikInvalid as exc:
            raise ValidationError(str(exc.args[0])) from None

    @validates("phone")
    def _phone(self, value, **kwargs):
        try:
            parse_phone(value)
        except PhoneInvalid as exc:
            raise ValidationError(str(exc.args[0])) from None


class AppointmentRequestSchema(CitizenRequestSchema):
    service = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{1,80}$"))
    start = fields.AwareDateTime(required=True, metadata={
        "description": "the slot's start with its offset, as GET …/slots lists it"})


class AppointmentSchema(Schema):
    code = fields.String(required=True)
    status = fields.String(required=True)
    mpp = fields.String(required=True)
    service = fields.String(required=True)
    start = fields.DateTime(required=True)
    end = fields.DateTime(required=True)
    name = fields.String(required=True)
    nik = fields.String(required=True, metadata={"description": "masked: ************1234"})
    phone = fields.String(required=True, metadata={"description": "masked"})


class VisitPlanQuerySchema(Schema):
    services = webargs_fields.DelimitedList(
        fields.String(validate=validate.Regexp(r"^[a-z0-9-]{1,80}$")), required=True,
        validate=validate.Length(min=2, max=6),
        metadata={"description": "2 to 6 service slugs, comma-separated: "
                                 "akta-kelahiran,kartu-keluarga-baru"})
    from_ = fields.Date(data_key="from", metadata={"description": "first local day (today)"})


class PlanStepSchema(Schema):
    service = fields.String(required=True)
    start = fields.DateTime(required=True, metadata={"description": "in the MPP's time zone"})
    end = fields.DateTime(required=True)


class VisitPlanSchema(Schema):
    day = fields.Date(required=True)
    minutes = fields.Integer(required=True, metadata={"description": "first start to last end"})
    steps = fields.List(fields.Nested(PlanStepSchema), required=True)


class VisitPlansSchema(Schema):
    plans = fields.List(fields.Nested(VisitPlanSchema), required=True, metadata={
        "description": "up to 3 days on which every service fits, earliest first"})
    blocking = fields.List(fields.String(), required=True, metadata={
        "description": "when no day fits: the services without which the others fit"})
    full = fields.List(fields.String(), required=True, metadata={
        "description": "services with no free seat in the booking horizon"})
    without = fields.List(fields.Nested(VisitPlanSchema), required=True, metadata={
        "description": "plans for the others, without the first blocking service"})


class VisitStepRequestSchema(Schema):
    service = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{1,80}$"))
    start = fields.AwareDateTime(required=True)


class VisitRequestSchema(CitizenRequestSchema):
    steps = fields.List(fields.Nested(VisitStepRequestSchema), required=True,
                        validate=validate.Length(min=2, max=6),
                        metadata={"description": "each step as a plan lists it"})


class VisitSchema(Schema):
    code = fields.String(required=True)
    status = fields.String(required=True)
    mpp = fields.String(required=True)
    steps = fields.List(fields.Nested(PlanStepSchema), required=True)
    name = fields.String(required=True)
    nik = fields.String(required=True, metadata={"description": "masked: ************1234"})
    phone = fields.String(required=True, metadata={"description": "masked"})
