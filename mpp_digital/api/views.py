from datetime import timedelta
from functools import wraps

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort

from .. import clock
from ..accounts import api_clients
from ..booking import notices
from ..booking import operations as booking
from ..booking import slots as booking_slots
from ..booking import visits
from ..booking.models import Appointment
from ..booking.nik import Nik, nik_digits, parse_nik
from ..booking.phone import parse_phone
from ..extensions import begin_write, limiter
from ..filters import masked_nik, masked_phone

from ..catalogue import operations as ops
from ..catalogue import versioning
from ..extensions import db
from ..search import get_index
from ..search import operations as search_ops
from .schemas import (AppointmentRequestSchema, AppointmentSchema, MppDetailSchema,
                      MppQuerySchema, MppSchema, SearchQuerySchema, SearchResponseSchema,
                      ServiceDetailSchema, ServiceQuerySchema, ServiceSchema, SlotQuerySchema,
                      SlotSchema, VisitPlanQuerySchema, VisitPlansSchema, VisitRequestSchema,
                      VisitSchema)

bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="The public catalogue of MPPs and their services, free slots, and "
                           "booking for registered partners.")


@bp.get("/mpps")
@bp.arguments(MppQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, MppSchema(many=True))
def list_mpps(province=None):
    """MPPs, optionally of one province."""
    return ops.list_mpps(db.session, province)


@bp.get("/mpps/<slug>")
@bp.response(200, MppDetailSchema)
@bp.alt_response(404, response="DEFAULT_ERROR")
def get_mpp(slug):
    """One MPP with its opening hours and every service offered there."""
    return ops.get_mpp(db.session, slug)


@bp.get("/services")
@bp.arguments(ServiceQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, ServiceSchema(many=True))
def list_services(agency=None, category=None):
    """The national service descriptions, optionally of one agency or category."""
    return ops.list_services(db.session, agency=agency, category=category)


@bp.get("/services/<slug>")
@bp.response(200, ServiceDetailSchema)
@bp.alt_response(404, response="DEFAULT_ERROR")
def get_service(slug):
    """One service's public standard and the MPPs that offer it."""
    service = ops.get_service(db.session, slug)
    service.offered_at = ops.halls_offering(db.session, service.id, versioning.current())
    return service


@bp.get("/search")
@bp.arguments(SearchQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, SearchResponseSchema)
@bp.alt_response(404, response="DEFAULT_ERROR")
def search(q, limit, mpp=None):
    """Services matching what a citizen typed, best first; within one MPP with `mpp`."""
    version = versioning.current()
    if mpp:
        ops.hall_header(db.session, mpp, version)           # 404 for an unknown MPP
    outcome = search_ops.search(get_index(), db.session,
                                search_ops.SearchRequest(q, mpp=mpp, limit=limit),
                                version=version)
    return {"query": q, "results": [_search_result(hit.service, mpp) for hit in outcome.hits]}


def _search_result(service, mpp):
    url = (url_for("catalogue.offering", slug=mpp, service=service.slug, _external=True) if mpp
           else url_for("catalogue.service", slug=service.slug, _external=True))
    return {"service": service.slug, "title": service.name, "agency": service.agency_short_name,
            "mpp": mpp, "url": url}


@bp.get("/mpps/<mpp>/offerings/<service>/slots")
@bp.arguments(SlotQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, SlotSchema(many=True))
@bp.alt_response(404, response="DEFAULT_ERROR")
def slots(mpp, service, from_=None, to=None):
    """Bookable slots of a service at an MPP, with free seats, day by day."""
    offering = booking_slots.bookable_offering(db.session, mpp, service)
    now = clock.now()
    if booking_slots.missing_days(db.session, offering, now):
        begin_write(db.session)
        booking_slots.ensure_slots(db.session, offering, now)
        db.session.commit()
    today = clock.local_day(offering.mpp, now)
    first = max(from_ or today, today)
    last = min(to or today + timedelta(days=offering.horizon_days),
               today + timedelta(days=offering.horizon_days))
    found = []
    day = first
    while day <= last:
        found += [{"start": clock.to_local(offering.mpp, s.starts_at),
                   "end": clock.to_local(offering.mpp, s.ends_at), "free": s.free}
                  for s in booking_slots.free_slots(db.session, offering, day, now)]
        day += timedelta(days=1)
    return found


# --- booking, for partners ------------------------------------------------------------------
#
# Citizens book through the web form. The API books for partners (the national portal, a call
# centre) that the national admin registered: each sends its key as a bearer token, books only
# at its halls, under its own rate limit, and its Idempotency-Keys are its own.

def _api_client():
    """The partner this request authenticates as, or None (looked up once per request)."""
    if "api_client" not in g:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        g.api_client = (api_clients.partner_for_key(key.strip())
                        if scheme.lower() == "bearer" else None)
    return g.api_client


def _client_limit():
    client = _api_client()
    return client.rate_limit if client else current_app.config["API_UNAUTHENTICATED_RATE_LIMIT"]


def _client_key():
    client = _api_client()
    return f"api-client:{client.id}" if client else f"api-address:{get_remote_address()}"


def _unauthorized():
    abort(401, message="An API client key is needed: Authorization: Bearer <key>.",
          headers={"WWW-Authenticate": 'Bearer realm="mpp-digital"'})


def partner_required(view):
    """401 before anything else is read, unless the request carries an API client's key. (A
    key revoked since this process last read it passes here: the write's own transaction
    refuses it, with the same 401, and the process forgets it; api_clients.partner_for_key.)"""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if _api_client() is None:
            _unauthorized()
        return view(*args, **kwargs)
    return wrapped


def partner_booking(rule, request_schema, response_schema, what):
    """A partner's booking endpoint: POST `rule`, the partner's key and rate limit, the
    request and its 201 answer, the refusals, and the Idempotency-Key, documented once."""
    decorators = [
        bp.post(rule), limiter.limit(_client_limit, key_func=_client_key), partner_required,
        bp.arguments(request_schema()), bp.response(201, response_schema),
        *(bp.alt_response(status, response="DEFAULT_ERROR") for status in (401, 403, 404, 409)),
        bp.doc(security=[{"partnerKey": []}],
               parameters=[{"in": "header", "name": "Idempotency-Key", "required": False,
                            "schema": {"type": "string", "maxLength": 80},
                            "description": f"a retried request with the same key returns the "
                                           f"same {what}; keys are scoped to the API client"}])]

    def decorator(view):
        for wrap in reversed(decorators):
            view = wrap(view)
        return view
    return decorator


def _idempotency_key():
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not 1 <= len(key) <= 80:
        abort(422, message="Idempotency-Key: 1 to 80 characters.")
    return key


def _citizen(data, mpp, now):
    """Who the partner books for (the schema has checked the NIK and phone)."""
    return booking.Citizen(name=data["name"].strip(),
                           nik=parse_nik(data["nik"], clock.local_day(mpp, now)),
                           phone=parse_phone(data["phone"]), email=data["email"],
                           language=str(get_locale()))


@partner_booking("/appointments", AppointmentRequestSchema, AppointmentSchema, "booking")
def book(data):
    """Book a slot for a citizen, as a registered partner (national portal, call centre …).

    Needs `Authorization: Bearer <key>` of an API client; it books only at the halls the
    client was allowed. Citizens book through the web form.
    """
    client = _api_client()             # read outside the session: BEGIN has nothing to end
    key = _idempotency_key()
    halls = client.halls_allowed()
    nik_key = current_app.config["NIK_HMAC_KEY"]
    # The schema has checked the NIK; its keyed hash finds its bookings with the slot.
    nik_hmac = Nik(nik_digits(data["nik"])).keyed_hash(nik_key)
    begin_write(db.session)            # before any read: nothing loaded expires at BEGIN
    try:
        target = booking_slots.booking_target(db.session, data["mpp"], data["service"],
                                              data["start"], client.id, nik_hmac)
        if api_clients.revoked(client, target.client_active):
            _unauthorized()
        if halls is not None and target.offering.mpp_id not in halls:
            abort(403, message="This API client may not book at this MPP.")
        now = clock.now()
        citizen = _citizen(data, target.mpp, now)
        written = booking.write_booking(
            db.session, target.offering, target.slot, citizen, now, nik_key,
            current_app.config["BOOKING_MAX_ACTIVE_PER_NIK"], api_client_id=client.id,
            idempotency_key=key, fingerprint=booking.request_fingerprint(
                target.offering, data["start"], citizen, nik_key),
            nik_bookings=target.nik_bookings)
        if written.earlier is not None:
            answer = _appointment_json(written.earlier)
        else:
            if notices.reaches(citizen):     # the messages need the booking as an object
                notices.booked(db.session, db.session.get(Appointment, written.id), now)
            answer = _booking_json(target.mpp, data["service"], target.slot, written.row)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return answer


def _appointment_json(appointment):
    """An earlier booking (an Idempotency-Key's replay)."""
    return _booking_json(appointment.offering.mpp, appointment.service.slug, appointment.slot,
                         {"code": appointment.code, "status": appointment.status,
                          "name": appointment.name, "nik_last4": appointment.nik_last4,
                          "phone": appointment.phone})


def _booking_json(mpp, service_slug, slot, row):
    return {"code": row["code"], "status": row["status"].value, "mpp": mpp.slug,
            "service": service_slug, "start": clock.to_local(mpp, slot.starts_at),
            "end": clock.to_local(mpp, slot.ends_at), "name": row["name"],
            "nik": masked_nik(row["nik_last4"]), "phone": masked_phone(row["phone"])}


# --- visits: several services in one trip ---------------------------------------------------

def _offerings(mpp, slugs):
    """The bookable offerings of these services at `mpp`; 422 naming any that is not."""
    offerings = visits.offerings_at(db.session, mpp, slugs)
    missing = [slug for slug in dict.fromkeys(slugs)
               if slug not in {o.service.slug for o in offerings}]
    if missing:
        abort(422, message=f"Not bookable at this MPP: {', '.join(missing)}.")
    if len(offerings) != len(slugs):
        abort(422, message="Each service once.")
    return offerings


def _plan_json(mpp, plan, slugs):
    return {"day": plan.day, "minutes": int(plan.span.total_seconds() // 60),
            "steps": [{"service": slugs[step.key],
                       "start": step.opening.starts.astimezone(clock.zone(mpp)),
                       "end": step.opening.ends.astimezone(clock.zone(mpp))}
                      for step in plan.steps]}


@bp.get("/mpps/<mpp>/visit-plans")
@bp.arguments(VisitPlanQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, VisitPlansSchema)
@bp.alt_response(404, response="DEFAULT_ERROR")
def visit_plans(mpp, services, from_=None):
    """Days on which several services fit in one trip, each step's time in order."""
    hall = ops.get_hall(db.session, mpp)
    offerings = _offerings(hall, services)
    now = clock.now()
    missing = [o for o in offerings if booking_slots.missing_days(db.session, o, now)]
    if missing:
        begin_write(db.session)
        for offering in missing:
            booking_slots.ensure_slots(db.session, offering, now)
        db.session.commit()
        hall = ops.get_hall(db.session, mpp)
        offerings = _offerings(hall, services)
    found = visits.openings(db.session, offerings, now)
    if from_:
        found = {day: openings for day, openings in found.items() if day >= from_}
    planning = visits.plan(visits.needs([o.service for o in offerings]), found, visits.WALK)
    slugs = {o.service_id: o.service.slug for o in offerings}
    return {"plans": [_plan_json(hall, p, slugs) for p in planning.plans],
            "blocking": [slugs[key] for key in planning.blocking],
            "full": sorted(slugs[key] for key in planning.full),
            "without": [_plan_json(hall, p, slugs) for p in planning.without]}


@partner_booking("/visits", VisitRequestSchema, VisitSchema, "visit")
def book_visit(data):
    """Book every step of a visit for a citizen, or none, as a registered partner.

    The steps are a plan from GET /mpps/{mpp}/visit-plans. 409 names the step whose seat
    is gone (nothing is booked) or the NIK's limit; a visit counts as one booking.
    """
    client = _api_client()
    key = _idempotency_key()
    client_id = client.id
    halls = client.halls_allowed()
    begin_write(db.session)
    try:
        if api_clients.refused(db.session, client):
            _unauthorized()
        hall = ops.get_hall(db.session, data["mpp"])
        if halls is not None and hall.id not in halls:
            abort(403, message="This API client may not book at this MPP.")
        offerings = {o.service.slug: o for o in _offerings(
            hall, [step["service"] for step in data["steps"]])}
        steps = []
        for step in data["steps"]:
            offering = offerings[step["service"]]
            slot = booking_slots.slot_at(db.session, offering, step["start"])
            if slot is None:
                abort(409, message=f"{step['service']}: no slot starts at {step['start']}.")
            steps.append((offering, slot))
        now = clock.now()
        citizen = _citizen(data, hall, now)
        nik_key = current_app.config["NIK_HMAC_KEY"]
        visit, created = visits.book_visit(
            db.session, hall, steps, citizen, now, nik_key,
            current_app.config["BOOKING_MAX_ACTIVE_PER_NIK"], api_client_id=client_id,
            idempotency_key=key,
            fingerprint=visits.request_fingerprint(hall, steps, citizen, nik_key))
        if created:
            notices.visit_booked(db.session, visit, now)
        answer = _visit_json(visit)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return answer


def _visit_json(visit):
    mpp = visit.mpp
    return {"code": visit.code, "status": visit.status.value, "mpp": mpp.slug,
            "steps": [{"service": step.service.slug,
                       "start": clock.to_local(mpp, step.slot.starts_at),
                       "end": clock.to_local(mpp, step.slot.ends_at)}
                      for step in visits.steps_in_order(visit)
                      if step.status.value != "cancelled"],
            "name": visit.name, "nik": masked_nik(visit.nik_last4),
            "phone": masked_phone(visit.phone)}
