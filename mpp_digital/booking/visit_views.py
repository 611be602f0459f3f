"""A visit's pages: choose services (or a life event), see the days on which they all fit,
book a plan, and the visit's proof, calendar and cancellations."""
from flask import (Blueprint, abort, current_app, flash, make_response, redirect,
                   render_template, request, session, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from .. import clock
from ..catalogue import life_events
from ..catalogue import operations as catalogue
from ..catalogue.models import Agency, Offering, Service
from ..errors import DomainError
from ..filters import clock as wall_clock
from ..extensions import begin_write, db, limiter
from ..forms import ConfirmForm
from ..notify.compose import channels_for
from ..validation import parse_id
from . import notices, slots, visits
from . import operations as ops
from .calendar import visit_ics
from .links import read_visit_token
from .forms import CitizenForm, RescheduleForm as StepForm
from .models import Appointment, AppointmentStatus, Slot, Visit
from .views import VISIT_SESSION_KEY as SESSION_KEY
from .views import opened

bp = Blueprint("visits", __name__)


def _bookable(mpp):
    """The hall's bookable offerings, by agency and name, with what the planner needs."""
    return db.session.scalars(
        select(Offering).join(Offering.service).join(Service.agency)
        .where(Offering.mpp_id == mpp.id, Offering.bookable.is_(True))
        .options(selectinload(Offering.service).selectinload(Service.needs),
                 selectinload(Offering.service).selectinload(Service.agency))
        .order_by(Agency.short_name, Service.name)).all()


def _ensure_slots(offerings):
    now = clock.now()
    missing = [o for o in offerings if slots.missing_days(db.session, o, now)]
    if missing and not current_app.config["READ_ONLY"]:
        begin_write(db.session)
        for offering in missing:
            slots.ensure_slots(db.session, offering, now)
        db.session.commit()


@bp.get("/mpp/<slug>/kunjungan")
def plan(slug):
    mpp = catalogue.get_hall(db.session, slug)
    offerings = _bookable(mpp)
    by_slug = {o.service.slug: o for o in offerings}
    event = None
    if request.args.get("peristiwa"):
        event = life_events.get_event(db.session, request.args["peristiwa"])
        if event is None:
            abort(404)
        chosen = [step.service.slug for step in event.steps if step.service.slug in by_slug]
    else:
        chosen = [s for s in dict.fromkeys(request.args.getlist("layanan")) if s in by_slug]
    planning, problem = None, None
    if len(chosen) > visits.MAX_STEPS:
        problem = _("Pilih paling banyak %(max)d layanan untuk satu kunjungan.",
                    max=visits.MAX_STEPS)
    elif len(chosen) == 1 and not event:
        problem = _("Pilih paling sedikit dua layanan. Untuk satu layanan, pesan jadwal dari "
                    "halaman layanan itu.")
    elif len(chosen) >= 2:
        picked = [by_slug[s] for s in chosen]
        _ensure_slots(picked)
        planning = visits.plan_visit(db.session, picked, clock.now())
    services = {o.service_id: o.service for o in offerings}
    moving = request.args.get("pindah") == "1" and isinstance(session.get(SESSION_KEY), int)
    return render_template("booking/visit_plan.html", mpp=mpp, offerings=offerings,
                           target="visits.move" if moving else "visits.book",
                           chosen=set(chosen), event=event, planning=planning,
                           problem=problem, services=services,
                           local=lambda moment: clock.to_local(mpp, moment.replace(tzinfo=None)))


def _plan_steps(mpp, slot_ids):
    """The plan a citizen picked: [(offering, slot)] at this hall, checked as a visit."""
    ids = [parse_id(value) for value in slot_ids[:visits.MAX_STEPS + 1]]
    if not ids or None in ids:
        abort(404)
    chosen = db.session.scalars(select(Slot).where(Slot.id.in_(ids)).options(
        selectinload(Slot.offering).selectinload(Offering.service)
        .selectinload(Service.needs))).all()
    if len(chosen) != len(set(ids)) or any(s.offering.mpp_id != mpp.id for s in chosen):
        abort(404)
    return sorted(((slot.offering, slot) for slot in chosen), key=lambda s: s[1].starts_at)


def _booking_limit():
    return current_app.config["BOOKING_RATE_LIMIT"]


@bp.route("/mpp/<slug>/kunjungan/pesan", methods=["GET", "POST"])
@limiter.limit(_booking_limit, methods=["POST"])
def book(slug):
    if request.method == "POST":
        begin_write(db.session)
    mpp = catalogue.get_hall(db.session, slug)
    steps = _plan_steps(mpp, request.args.getlist("slot"))
    now = clock.now()
    form = CitizenForm(today=clock.local_day(mpp, now))
    refusal = None
    if form.validate_on_submit():
        try:
            visit, _ = visits.book_visit(db.session, mpp, steps, form.citizen(str(get_locale())),
                                      now, current_app.config["NIK_HMAC_KEY"],
                                      current_app.config["BOOKING_MAX_ACTIVE_PER_NIK"])
            notices.visit_booked(db.session, visit, now)
            visit_id = visit.id
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            refusal = exc.message
        else:
            session[SESSION_KEY] = visit_id
            return redirect(url_for(".visit"))
    elif request.method == "GET":
        try:
            visits.check_steps(mpp, steps)
        except DomainError as exc:
            refusal = exc.message
    status = 409 if refusal and request.method == "POST" else (
        422 if form.errors or refusal else 200)
    return render_template("booking/visit_book.html", mpp=mpp, steps=steps, form=form,
                           refusal=refusal,
                           local=lambda naive: clock.to_local(mpp, naive)), status


def _session_visit():
    return opened(SESSION_KEY, Visit, [
        selectinload(Visit.steps).selectinload(Appointment.slot),
        selectinload(Visit.steps).selectinload(Appointment.service)
        .selectinload(Service.agency)])


@bp.get("/kunjungan")
def visit():
    visit = _session_visit()
    if visit is None:
        return redirect(url_for("booking.lookup"))
    mpp = visit.mpp
    ordered, active = visits.steps_in_order(visit), visits.upcoming(visit)
    return render_template(
        "booking/visit.html", visit=visit, mpp=mpp, steps=ordered, active=active,
        checklist=visits.merged_checklist([step.service for step in active]),
        reminded_by=channels_for(visit.email, visit.phone_channel), form=ConfirmForm(),
        local=lambda naive: clock.to_local(mpp, naive))


@bp.get("/kunjungan/tautan/<token>")
def link(token):
    """A message's link: opens the visit's page on this device, until its last step ends."""
    found = read_visit_token(token)
    visit = db.session.get(Visit, found[0]) if found else None
    if visit is None or visit.code != found[1] or not any(
            clock.utc(clock.now()) < step.slot.ends_at for step in visit.steps):
        abort(404)
    session[SESSION_KEY] = visit.id
    return redirect(url_for(".visit"))


@bp.get("/kunjungan/kalender.ics")
def calendar():
    visit = _session_visit()
    if visit is None:
        abort(404)
    response = make_response(visit_ics(visit, visits.upcoming(visit)))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="kunjungan-mpp.ics"'
    return response


def _answer(change, message):
    """A button on the visit's page: `change(visit, now)` in one write, then the page again
    with `message` (a function of the visit) or the refusal."""
    visit = _session_visit()
    if visit is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for("booking.lookup"))
    begin_write(db.session)
    try:
        change(visit, clock.now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
        flash(message(visit))
    return redirect(url_for(".visit"))


@bp.post("/kunjungan/datang")
def confirm():
    """"Saya datang": every step still to come is confirmed (the reminders' answer)."""
    return _answer(lambda visit, now: visits.confirm_visit(db.session, visit, now),
                   lambda visit: _("Terima kasih, kami tunggu kedatangan Anda."))


@bp.post("/kunjungan/batal")
def cancel():
    def change(visit, now):
        visits.cancel_visit(db.session, visit, now)
        notices.visit_changed(db.session, visit, now)
    return _answer(change, lambda visit: _("Kunjungan Anda sudah dibatalkan. Kursinya kini "
                                           "bisa dipesan warga lain."))


@bp.post("/kunjungan/langkah/<int:step_id>/batal")
def cancel_step(step_id):
    def step_of(visit):
        return next((s for s in visit.steps if s.id == step_id), None) or abort(404)

    def change(visit, now):
        ops.cancel_appointment(db.session, step_of(visit), now)
        db.session.refresh(visit)
        notices.visit_changed(db.session, visit, now)
    return _answer(change, lambda visit: _("Langkah %(service)s dibatalkan; langkah lain "
                                           "tetap.", service=step_of(visit).service.name))


@bp.route("/kunjungan/pindah", methods=["GET", "POST"])
@limiter.limit(_booking_limit, methods=["POST"])
def move():
    """The visit's steps still to come, moved to the plan chosen on the planner."""
    if request.method == "POST":
        begin_write(db.session)
    visit = _session_visit()
    if visit is None:
        return redirect(url_for("booking.lookup"))
    mpp = visit.mpp
    steps = _plan_steps(mpp, request.args.getlist("slot"))
    refusal = None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        now = clock.now()
        try:
            visits.move_visit(db.session, visit, steps, now,
                              current_app.config["BOOKING_MAX_ACTIVE_PER_NIK"])
            notices.visit_changed(db.session, visit, now, proof=True)
        except DomainError as exc:
            db.session.rollback()
            refusal = exc.message
        else:
            db.session.commit()
            flash(_("Kunjungan Anda dipindah ke jadwal baru."))
            return redirect(url_for(".visit"))
    return render_template("booking/visit_move.html", visit=visit, mpp=mpp, steps=steps,
                           refusal=refusal, form=ConfirmForm(),
                           local=lambda naive: clock.to_local(mpp, naive)), \
        409 if refusal else 200


@bp.route("/kunjungan/langkah/<int:step_id>/ubah", methods=["GET", "POST"])
def move_step(step_id):
    """Another time the same day for one step, between the steps before and after it."""
    if request.method == "POST":
        begin_write(db.session)
    visit = _session_visit()
    if visit is None:
        return redirect(url_for("booking.lookup"))
    step = next((s for s in visit.steps if s.id == step_id), None)
    if step is None or step.status != AppointmentStatus.ACTIVE:
        abort(404)
    mpp, now = visit.mpp, clock.now()
    choices = visits.step_choices(db.session, visit, step, now)
    form = StepForm(slot_choices=[
        SelectChoice(str(s.id), wall_clock(clock.to_local(mpp, s.starts_at).time()))
        for s in choices])
    refusal = None
    if form.validate_on_submit():
        try:
            visits.move_step(db.session, visit, step,
                             db.session.get(Slot, parse_id(form.slot.data) or 0), now)
            notices.visit_changed(db.session, visit, now, proof=True)
        except DomainError as exc:
            db.session.rollback()
            refusal = exc.message
        else:
            db.session.commit()
            flash(_("Jam %(service)s diubah; langkah lain tetap.", service=step.service.name))
            return redirect(url_for(".visit"))
    return render_template("booking/visit_step.html", visit=visit, mpp=mpp, step=step,
                           form=form, refusal=refusal,
                           local=lambda naive: clock.to_local(mpp, naive)), \
        (409 if refusal else 422 if form.errors else 200)


@bp.post("/kunjungan/selesai")
def forget():
    if ConfirmForm().validate_on_submit():
        session.pop(SESSION_KEY, None)
    return redirect(url_for("catalogue.home"))


@bp.after_request
def no_store(response):
    """A visit's pages hold personal data: browsers and proxies must not keep them."""
    if request.endpoint in ("visits.visit", "visits.calendar", "visits.book"):
        response.headers["Cache-Control"] = "no-store"
    return response
