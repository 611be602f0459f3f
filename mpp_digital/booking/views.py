from datetime import date, timedelta

from flask import (Blueprint, abort, current_app, flash, make_response, redirect,
                   render_template, request, session, url_for)
from flask_babel import get_locale, gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from .. import clock
from . import slots
from ..errors import DomainError
from ..catalogue import versioning
from ..extensions import begin_write, committed_connection, db, limiter, remembered
from ..filters import clock as wall_clock
from ..filters import long_date, tz_abbr
from ..notify.compose import channels_for
from ..validation import parse_id
from . import notices
from . import operations as ops
from .calendar import appointment_ics
from . import visits, waitlist
from .links import read_token, read_waitlist_token, still_valid, waitlist_token
from ..forms import ConfirmForm
from .forms import BookingForm, LookupForm, RescheduleForm, WaitlistForm
from .models import Appointment, Slot, WaitlistEntry

bp = Blueprint("booking", __name__)
SESSION_KEY = "appointment"
VISIT_SESSION_KEY = "visit"          # the visit this browser opened (visit_views)


def _ensure_slots(offering):
    """Generate missing days; a POST does it inside the write transaction it already began."""
    if slots.missing_days(db.session, offering, clock.now()):
        if request.method == "POST":
            slots.ensure_slots(db.session, offering, clock.now())
            return
        begin_write(db.session)
        slots.ensure_slots(db.session, offering, clock.now())
        db.session.commit()


def _parse_day(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def _when(mpp, starts_at):
    """"Senin, 07 Desember 2026, 08.00 WIB": a booked time as a message says it."""
    local = clock.to_local(mpp, starts_at)
    return f"{long_date(local.date())}, {wall_clock(local.time())} {tz_abbr(mpp.timezone)}"


def _slot_choices(offering, slots):
    return [SelectChoice(str(s.id), wall_clock(clock.to_local(offering.mpp, s.starts_at).time()))
            for s in slots]


PARTS_OF_DAY = ((11, _l("Pagi")), (15, _l("Siang")), (24, _l("Sore")))   # before these hours


def _slot_parts(offering, slots):
    """[(label, {slot ids})] of the parts of the day that have a free time, in order: a day's
    forty times read as a few short rows."""
    parts = {}
    for slot in slots:
        hour = clock.to_local(offering.mpp, slot.starts_at).hour
        label = next(label for until, label in PARTS_OF_DAY if hour < until)
        parts.setdefault(label, set()).add(str(slot.id))
    return [(label, parts[label]) for _, label in PARTS_OF_DAY if label in parts]


@bp.get("/mpp/<slug>/layanan/<service>/jadwal")
def days(slug, service):
    version = versioning.current()
    target = slots.days_target(db.session, slug, service, version)
    now = clock.now()
    # Generated days stay until the catalogue changes (new hours, a closure), which makes a
    # new version: once per version, day and offering in a process, the check is enough.
    remembered("slots-ensured", (version, target.id, clock.local_day(target.mpp, now)),
               lambda: _ensure_slots(slots.bookable_offering(db.session, slug, service)) or True)
    with committed_connection() as connection:      # one read: no transaction around it
        days = slots.available_days(db.session, target, now, connection)
    return render_template("booking/days.html", offering=target, mpp=target.mpp,
                           service=target.service, days=days)


def _booking_limit():
    return current_app.config["BOOKING_RATE_LIMIT"]


@bp.route("/mpp/<slug>/layanan/<service>/jadwal/<day>", methods=["GET", "POST"])
@limiter.limit(_booking_limit, methods=["POST"])
def book(slug, service, day):
    if request.method == "POST":
        begin_write(db.session)        # before any read, so that nothing loaded expires
    offering = slots.bookable_offering(db.session, slug, service)
    day = _parse_day(day)
    _ensure_slots(offering)
    now = clock.now()
    free = slots.free_slots(db.session, offering, day, now)
    form = BookingForm(today=clock.local_day(offering.mpp, now),
                       slot_choices=_slot_choices(offering, free))
    refusal = None
    if form.validate_on_submit():
        try:
            session[SESSION_KEY] = _book(offering, form, now)
        except DomainError as exc:
            db.session.rollback()
            refusal = exc.message
        else:
            return redirect(url_for(".appointment"))
    status = 409 if refusal else (422 if form.errors else 200)
    return render_template("booking/book.html", offering=offering, mpp=offering.mpp,
                           service=offering.service, day=day, form=form, slots=free,
                           refusal=refusal, parts=_slot_parts(offering, free),
                           wait_form=None if free else WaitlistForm(today=form.today)), status


# --- the waitlist ---------------------------------------------------------------------------

@bp.post("/mpp/<slug>/layanan/<service>/jadwal/<day>/tunggu")
@limiter.limit(_booking_limit)
def join_waitlist(slug, service, day):
    begin_write(db.session)
    offering = slots.bookable_offering(db.session, slug, service)
    day = _parse_day(day)
    now = clock.now()
    today = clock.local_day(offering.mpp, now)
    if not today <= day <= today + timedelta(days=offering.horizon_days):
        abort(404)                     # a day nobody can book: nothing to wait for
    form = WaitlistForm(today=today)
    refusal = None
    if form.validate_on_submit():
        citizen = form.citizen(str(get_locale()))
        last = day + timedelta(days=7 if form.within.data == "week" else 0)
        try:
            entry = waitlist.join(db.session, offering, day, last, citizen,
                                  current_app.config["NIK_HMAC_KEY"], now)
        except DomainError as exc:
            db.session.rollback()
            refusal = exc.message
        else:
            token = waitlist_token(entry)
            db.session.commit()
            return redirect(url_for(".waiting", token=token))
    else:
        db.session.rollback()
    status = 409 if refusal else 422
    return render_template("booking/book.html", offering=offering, mpp=offering.mpp,
                           service=offering.service, day=day, form=form, slots=[],
                           parts=[], refusal=refusal, wait_form=form), status


def _entry(token):
    entry_id = read_waitlist_token(token)
    entry = db.session.get(WaitlistEntry, entry_id) if entry_id is not None else None
    if entry is None:
        abort(404)
    return entry


@bp.get("/antrean-tunggu/<token>")
def waiting(token):
    if not current_app.config["READ_ONLY"] and waitlist.due_to_lapse(db.session, clock.now()):
        begin_write(db.session)
        waitlist.lapse_due(db.session, clock.now())
        db.session.commit()
    entry = _entry(token)
    mpp = entry.offering.mpp
    offer = waitlist.open_offer(db.session, entry)
    return render_template(
        "booking/waiting.html", entry=entry, mpp=mpp, service=entry.service, token=token,
        offer=offer, form=ConfirmForm(),
        position=waitlist.position(db.session, entry) if entry.status == "waiting" else None,
        starts_at=clock.to_local(mpp, offer.slot.starts_at) if offer else None,
        expires_at=clock.to_local(mpp, offer.expires_at) if offer else None)


@bp.post("/antrean-tunggu/<token>/<answer>")
def waiting_answer(token, answer):
    if answer not in ("ambil", "keluar"):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    begin_write(db.session)
    now = clock.now()
    waitlist.lapse_due(db.session, now)
    entry = _entry(token)
    try:
        if answer == "keluar":
            waitlist.leave(db.session, entry, now)
        else:
            appointment = ops.take_offer(db.session, entry, now,
                                         current_app.config["BOOKING_MAX_ACTIVE_PER_NIK"])
            notices.booked(db.session, appointment, now)
            session[SESSION_KEY] = appointment.id
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message)
        return redirect(url_for(".waiting", token=token))
    db.session.commit()
    if answer == "ambil":
        return redirect(url_for(".appointment"))
    flash(_("Anda sudah keluar dari daftar tunggu."))
    return redirect(url_for(".waiting", token=token))


def _book(offering, form, now):
    slot_id = parse_id(form.slot.data) or 0
    citizen = form.citizen(str(get_locale()))
    appointment, _ = ops.book_appointment(
        db.session, offering, db.session.get(Slot, slot_id), citizen, now,
        current_app.config["NIK_HMAC_KEY"], current_app.config["BOOKING_MAX_ACTIVE_PER_NIK"])
    notices.booked(db.session, appointment, now)
    appointment_id = appointment.id
    db.session.commit()
    return appointment_id


def opened(key, model, options):
    """The booking (or visit) this browser opened, its id kept in the session under `key`;
    None, and the key forgotten, when there is none."""
    row_id = session.get(key)
    row = db.session.get(model, row_id, options=options) if isinstance(row_id, int) else None
    if row is None:
        session.pop(key, None)
    return row


def _session_appointment():
    return opened(SESSION_KEY, Appointment, [selectinload(Appointment.slot),
                                             selectinload(Appointment.service)])


@bp.get("/janji")
def appointment():
    appointment = _session_appointment()
    if appointment is None:
        return redirect(url_for(".lookup"))
    offering = appointment.offering
    active = appointment.status.value == "active"
    return render_template("booking/appointment.html", appointment=appointment,
                           offering=offering, mpp=offering.mpp, service=appointment.service,
                           starts_at=clock.to_local(offering.mpp, appointment.slot.starts_at),
                           can_reschedule=ops.can_reschedule(appointment, clock.now()),
                           reminded_by=channels_for(appointment.email,
                                                     appointment.phone_channel),
                           closed=slots.closed_on_its_day(db.session, appointment,
                                                          str(get_locale())) if active else None,
                           confirm_cancel=active and request.args.get("batal") == "1",
                           form=ConfirmForm())


@bp.get("/janji/kalender.ics")
def calendar():
    appointment = _session_appointment()
    if appointment is None:
        abort(404)
    response = make_response(appointment_ics(appointment))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="janji-mpp.ics"'
    return response


def _lookup_limit():
    return current_app.config["LOOKUP_RATE_LIMIT"]


@bp.route("/janji/cari", methods=["GET", "POST"])
@limiter.limit(_lookup_limit, methods=["POST"])
def lookup():
    form = LookupForm()
    refusal = None
    if form.validate_on_submit():
        try:
            found = ops.find_appointment(db.session, form.code.data, form.last4.data)
        except DomainError as exc:
            refusal = exc.message
            try:                # a visit's code: the same form, the same answer on a mismatch
                visit = visits.find_visit(db.session, form.code.data, form.last4.data)
            except DomainError:
                pass
            else:
                session[VISIT_SESSION_KEY] = visit.id
                return redirect(url_for("visits.visit"))
        else:
            session[SESSION_KEY] = found.id
            return redirect(url_for(".appointment"))
    status = 404 if refusal else (422 if form.errors else 200)
    return render_template("booking/lookup.html", form=form, refusal=refusal), status


@bp.post("/janji/batal")
def cancel():
    form = ConfirmForm()
    appointment = _session_appointment()
    if appointment is None or not form.validate_on_submit():
        return redirect(url_for(".lookup"))
    begin_write(db.session)
    try:
        ops.cancel_appointment(db.session, appointment, clock.now())
        notices.cancelled(db.session, appointment, clock.now())
    except DomainError:
        db.session.rollback()
    else:
        db.session.commit()
    return redirect(url_for(".appointment"))


@bp.get("/janji/ubah")
def reschedule_days():
    appointment = _session_appointment()
    if appointment is None or not ops.can_reschedule(appointment, clock.now()):
        return redirect(url_for(".appointment"))
    _ensure_slots(appointment.offering)
    return render_template("booking/reschedule_days.html", appointment=appointment,
                           mpp=appointment.offering.mpp,
                           days=slots.available_days(db.session, appointment.offering, clock.now()))


@bp.route("/janji/ubah/<day>", methods=["GET", "POST"])
def reschedule(day):
    appointment = _session_appointment()
    now = clock.now()
    if appointment is None or not ops.can_reschedule(appointment, now):
        return redirect(url_for(".appointment"))
    day = _parse_day(day)
    offering = appointment.offering
    free = [s for s in slots.free_slots(db.session, offering, day, now)
            if s.id != appointment.slot_id]
    form = RescheduleForm(slot_choices=_slot_choices(offering, free))
    refusal = None
    if form.validate_on_submit():
        begin_write(db.session)
        appointment = _session_appointment()
        slot_id = parse_id(form.slot.data) or 0
        was = _when(offering.mpp, appointment.slot.starts_at)
        try:
            ops.reschedule_appointment(db.session, appointment,
                                       db.session.get(Slot, slot_id), now)
            notices.moved(db.session, appointment, now)
            moved_to = _when(offering.mpp, appointment.slot.starts_at)
        except DomainError as exc:
            db.session.rollback()
            refusal = exc.message
        else:
            db.session.commit()
            flash(_("Jadwal diubah: dari %(was)s menjadi %(now)s.", was=was, now=moved_to))
            return redirect(url_for(".appointment"))
    status = 409 if refusal else (422 if form.errors else 200)
    return render_template("booking/reschedule.html", appointment=appointment,
                           mpp=offering.mpp, day=day, form=form, refusal=refusal), status


# --- the links in messages ------------------------------------------------------------------
#
# A reminder's "Saya datang" and "Batalkan" open this page (a GET never changes anything); its
# buttons post back to it. The link is signed and names one booking (links.py).

def _linked(token):
    """The booking a message's link names, while its slot has not ended; 404 otherwise."""
    found = read_token(token)
    appointment = db.session.get(Appointment, found[0], options=[
        selectinload(Appointment.slot), selectinload(Appointment.service)]) if found else None
    if appointment is None or not still_valid(appointment, found[1], clock.now()):
        abort(404)
    return appointment


@bp.get("/janji/tautan/<token>")
def link(token):
    appointment = _linked(token)
    mpp = appointment.offering.mpp
    return render_template("booking/link.html", appointment=appointment, mpp=mpp,
                           service=appointment.service, token=token, form=ConfirmForm(),
                           starts_at=clock.to_local(mpp, appointment.slot.starts_at))


@bp.post("/janji/tautan/<token>/<answer>")
def link_answer(token, answer):
    if answer not in ("datang", "batal") or not ConfirmForm().validate_on_submit():
        abort(404 if answer not in ("datang", "batal") else 400)
    begin_write(db.session)
    appointment = _linked(token)
    now = clock.now()
    try:
        if answer == "datang":
            ops.confirm_appointment(db.session, appointment, now)
        else:
            ops.cancel_appointment(db.session, appointment, now, via="link")
            notices.cancelled(db.session, appointment, now)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message)
    else:
        db.session.commit()
        flash(_("Terima kasih, kami tunggu kedatangan Anda.") if answer == "datang"
              else _("Janji Anda sudah dibatalkan. Kursinya kini bisa dipesan warga lain."))
    return redirect(url_for(".link", token=token))


@bp.post("/janji/selesai")
def forget():
    if ConfirmForm().validate_on_submit():
        session.pop(SESSION_KEY, None)
    return redirect(url_for("catalogue.home"))


@bp.after_request
def no_store(response):
    """Pages about a booking hold personal data: browsers and proxies must not keep them."""
    if request.endpoint in ("booking.appointment", "booking.calendar", "booking.lookup",
                            "booking.book", "booking.reschedule", "booking.link",
                            "booking.waiting", "booking.join_waitlist"):
        response.headers["Cache-Control"] = "no-store"
    return response
