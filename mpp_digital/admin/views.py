"""Back-office pages. Managers reach their own hall only (any other: 404); national admins
every hall and the national catalogue; clerks none (403). Each write is one unit of work with
its audit row."""
from datetime import timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from .. import clock
from ..accounts import operations as accounts
from ..accounts.models import AuditLog, Role, User
from ..booking import operations as booking
from ..booking.models import Appointment, AppointmentStatus, Slot
from ..catalogue import operations as catalogue
from ..catalogue.models import (CATEGORIES, Agency, Closure, Counter, DurationUnit, Mpp,
                                Offering, OnlineMode, Region, Service)
from ..catalogue.schedule import format_hours
from ..errors import DomainError
from ..extensions import begin_write, db
from ..filters import local_datetime
from . import api_clients, devices, forms
from .access import hall, national_only, staff_only

bp = Blueprint("admin", __name__, url_prefix="/staf/kelola")
bp.register_blueprint(devices.bp)
bp.register_blueprint(api_clients.bp)


def _audit(action, target, before, after, mpp_id=None):
    accounts.audit(db.session, current_user, clock.utc(clock.now()), action, target, before, after,
                   mpp_id=mpp_id)


def _snapshot(obj, fields):
    values = {}
    for name in fields:
        value = getattr(obj, name)
        values[name] = value.value if hasattr(value, "value") else (
            value.isoformat() if hasattr(value, "isoformat") else value)
    return values


def _show(form, refused):
    """A rule's refusal as an error of the field it is about."""
    form[refused.field].errors.append(refused.message)


def _done(message, endpoint, **values):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


# --- the start page --------------------------------------------------------------------------

@bp.get("/")
@staff_only
def index():
    if current_user.role == Role.MPP_MANAGER:
        return redirect(url_for(".mpp", slug=current_user.mpp.slug))
    halls = db.session.scalars(select(Mpp).order_by(Mpp.name)).all()
    return render_template("admin/index.html", halls=halls)


# --- a hall: details, hours, closures ----------------------------------------------------------

DETAIL_FIELDS = ("name", "address", "phone", "email")


def _hall_page(mpp, details=None, hours=None, closure=None, status=200):
    if details is None:
        details = forms.MppDetailsForm(obj=mpp, prefix="d")
    if hours is None:
        hours = forms.HoursForm(prefix="h", hours=format_hours(catalogue.intervals(mpp.hours)))
    closures = db.session.scalars(select(Closure).where(Closure.mpp_id == mpp.id)
                                  .order_by(Closure.starts_on.desc())).all()
    national = db.session.scalars(
        select(Closure).where(Closure.mpp_id.is_(None),
                              Closure.ends_on >= clock.local_day(mpp, clock.now()))
        .options(selectinload(Closure.open_mpps)).order_by(Closure.starts_on)).all()
    return render_template(
        "admin/mpp.html", mpp=mpp, details=details, hours=hours, national=national,
        closure=closure or forms.ClosureForm(prefix="c"), closures=closures,
        action=forms.ActionForm(),
        misfits=len(booking.misfits(db.session, mpp.id))), status


@bp.get("/mpp/<slug>")
@staff_only
def mpp(slug):
    return _hall_page(hall(slug))


@bp.post("/mpp/<slug>/detail")
@staff_only
def mpp_details(slug):
    begin_write(db.session)
    mpp = hall(slug)
    form = forms.MppDetailsForm(prefix="d")
    if not form.validate_on_submit():
        return _hall_page(mpp, details=form, status=422)
    before = _snapshot(mpp, DETAIL_FIELDS)
    form.populate_obj(mpp)
    mpp.email = mpp.email or None
    _audit("mpp.details", f"mpp:{mpp.slug}", before, _snapshot(mpp, DETAIL_FIELDS), mpp.id)
    return _done(_l("Data MPP disimpan."), ".mpp", slug=slug)


@bp.post("/mpp/<slug>/jam")
@staff_only
def mpp_hours(slug):
    begin_write(db.session)
    mpp = hall(slug)
    form = forms.HoursForm(prefix="h")
    if not form.validate_on_submit():
        return _hall_page(mpp, hours=form, status=422)
    before = format_hours(catalogue.intervals(mpp.hours))
    mpp.hours = catalogue.opening_hours(form.hours.parsed)
    db.session.flush()
    after = format_hours(catalogue.intervals(mpp.hours))
    _audit("mpp.hours", f"mpp:{mpp.slug}", {"hours": before}, {"hours": after}, mpp.id)
    booking.refresh_schedule(db.session, mpp, clock.now())
    moved = len(booking.misfits(db.session, mpp.id))
    if moved:
        flash(_l("Jam buka disimpan. %(count)d janji tidak lagi cocok dengan jadwal: pindahkan "
                 "atau batalkan.", count=moved), "warning")
        db.session.commit()
        return redirect(url_for(".misfits", slug=slug))
    return _done(_l("Jam buka disimpan."), ".mpp", slug=slug)


@bp.post("/mpp/<slug>/libur")
@staff_only
def add_closure(slug):
    begin_write(db.session)
    mpp = hall(slug)
    form = forms.ClosureForm(prefix="c")
    if not form.validate_on_submit():
        return _hall_page(mpp, closure=form, status=422)
    closure = Closure(mpp_id=mpp.id, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                      reason=form.reason.data.strip())
    db.session.add(closure)
    db.session.flush()
    _audit("closure.add", f"closure:{closure.id}", None,
           _snapshot(closure, ("starts_on", "ends_on", "reason")), mpp.id)
    booking.refresh_schedule(db.session, mpp, clock.now())
    return _done(_l("Hari tutup ditambahkan."), ".mpp", slug=slug)


@bp.post("/mpp/<slug>/libur/<int:closure_id>/hapus")
@staff_only
def remove_closure(slug, closure_id):
    begin_write(db.session)
    mpp = hall(slug)
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.mpp_id != mpp.id:
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    _audit("closure.remove", f"closure:{closure.id}",
           _snapshot(closure, ("starts_on", "ends_on", "reason")), None, mpp.id)
    db.session.delete(closure)
    db.session.flush()
    booking.refresh_schedule(db.session, mpp, clock.now())
    return _done(_l("Hari tutup dihapus."), ".mpp", slug=slug)


@bp.post("/mpp/<slug>/cuti-bersama/<int:closure_id>/<choice>")
@staff_only
def national_closure_choice(slug, closure_id, choice):
    """This hall stays open (buka) on a national closure, or closes with every MPP (tutup)."""
    begin_write(db.session)
    mpp = hall(slug)
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.mpp_id is not None or choice not in ("buka", "tutup"):
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    before = mpp in closure.open_mpps
    if choice == "buka" and not before:
        closure.open_mpps.append(mpp)
    elif choice == "tutup" and before:
        closure.open_mpps.remove(mpp)
    db.session.flush()
    _audit("closure.open" if choice == "buka" else "closure.close", f"closure:{closure.id}",
           {"open": before}, {"open": choice == "buka"}, mpp.id)
    booking.refresh_schedule(db.session, mpp, clock.now())
    return _done(_l("MPP tetap buka pada %(reason)s.", reason=closure.reason)
                 if choice == "buka" else
                 _l("MPP tutup pada %(reason)s.", reason=closure.reason), ".mpp", slug=slug)


# --- offerings ---------------------------------------------------------------------------------

OFFERING_FIELDS = ("bookable", "queue_id", "slot_minutes", "seats_per_slot", "daily_quota",
                   "walkin_share", "horizon_days", "cutoff_minutes", "notes")


def _offering(mpp, offering_id):
    offering = db.session.get(Offering, offering_id)
    if offering is None or offering.mpp_id != mpp.id:
        abort(404)
    return offering


def _offering_form(mpp, offering=None):
    # Filled from the object only to show it: a submission is judged on what was sent.
    form = forms.OfferingForm(obj=offering if request.method == "GET" else None, prefix="o")
    form.queue.choices = [SelectChoice("", _l("— tanpa antrean —"))] + [
        SelectChoice(str(q.id), f"{q.letter} · {q.name}") for q in mpp.queues]
    if offering is not None and request.method == "GET":
        form.queue.data = str(offering.queue_id or "")
        form.hours.data = format_hours(catalogue.intervals(offering.hours))
    return form


def _offering_snapshot(offering):
    values = _snapshot(offering, OFFERING_FIELDS)
    values["hours"] = format_hours(catalogue.intervals(offering.hours))
    return values


@bp.get("/mpp/<slug>/layanan")
@staff_only
def offerings(slug):
    return _offerings_page(hall(slug))


@bp.route("/mpp/<slug>/layanan/<int:offering_id>", methods=["GET", "POST"])
@staff_only
def offering(slug, offering_id):
    if request.method == "POST":
        begin_write(db.session)
    mpp = hall(slug)
    offering = _offering(mpp, offering_id)
    form = _offering_form(mpp, offering)
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("admin/offering.html", mpp=mpp, offering=offering, form=form), \
            200 if request.method == "GET" else 422
    before = _offering_snapshot(offering)
    for name in OFFERING_FIELDS:
        if name != "queue_id":
            setattr(offering, name, getattr(form, name).data)
    offering.notes = (form.notes.data or "").strip()
    offering.queue_id = int(form.queue.data) if form.queue.data else None
    parsed = getattr(form.hours, "parsed", None) if (form.hours.data or "").strip() else []
    offering.hours = catalogue.opening_hours(parsed)
    db.session.flush()
    _audit("offering.update", f"offering:{offering.id}", before, _offering_snapshot(offering),
           mpp.id)
    booking.refresh_schedule(db.session, mpp, clock.now())
    return _done(_l("Pengaturan layanan disimpan."), ".offerings", slug=slug)


def _offerings_page(mpp, failed=None, add_form=None, status=200):
    agencies = catalogue.agencies_at(mpp)
    day_forms = {}
    for agency, _, offerings in agencies:
        if failed is not None and failed[0] == agency.id:
            day_forms[agency.id] = failed[1]
            continue
        form = forms.AgencyDaysForm(prefix=f"a{agency.id}")
        own = [catalogue.intervals(o.hours) for o in offerings]
        form.hours.data = format_hours(own[0]) if own and all(h == own[0] for h in own) else ""
        day_forms[agency.id] = form
    return render_template("admin/offerings.html", mpp=mpp, agencies=agencies,
                           day_forms=day_forms, add_form=add_form or _add_offering_form(mpp),
                           ), status


def _add_offering_form(mpp):
    offered = {o.service_id for o in mpp.offerings}
    form = forms.AddOfferingForm(prefix="n")
    form.service.choices = [SelectChoice("", _l("— pilih layanan —"))] + [
        SelectChoice(str(s.id), f"{s.agency.short_name} · {s.name}")
        for s in db.session.scalars(select(Service).options(selectinload(Service.agency))
                                    .order_by(Service.name)) if s.id not in offered]
    return form


@bp.post("/mpp/<slug>/instansi/<int:agency_id>/hari")
@staff_only
def agency_days(slug, agency_id):
    begin_write(db.session)
    mpp = hall(slug)
    offerings = [o for o in mpp.offerings if o.service.agency_id == agency_id]
    if not offerings:
        abort(404)
    form = forms.AgencyDaysForm(prefix=f"a{agency_id}")
    if not form.validate_on_submit():
        return _offerings_page(mpp, failed=(agency_id, form), status=422)
    parsed = getattr(form.hours, "parsed", []) if (form.hours.data or "").strip() else []
    before = {o.service.slug: format_hours(catalogue.intervals(o.hours)) for o in offerings}
    for offering in offerings:
        offering.hours = catalogue.opening_hours(parsed)
    db.session.flush()
    after = {o.service.slug: format_hours(catalogue.intervals(o.hours)) for o in offerings}
    _audit("agency.days", f"mpp:{mpp.slug}/agency:{agency_id}", before, after, mpp.id)
    booking.refresh_schedule(db.session, mpp, clock.now())
    if booking.misfits(db.session, mpp.id):
        flash(_l("Hari instansi disimpan. Ada janji yang tidak lagi cocok: pindahkan atau "
                 "batalkan."), "warning")
        db.session.commit()
        return redirect(url_for(".misfits", slug=slug))
    return _done(_l("Hari instansi disimpan."), ".offerings", slug=slug)


@bp.post("/mpp/<slug>/layanan")
@staff_only
def add_offering(slug):
    begin_write(db.session)
    mpp = hall(slug)
    form = _add_offering_form(mpp)
    if not form.validate_on_submit():
        return _offerings_page(mpp, add_form=form, status=422)
    service = db.session.get(Service, int(form.service.data))
    offering = catalogue.add_offering(db.session, mpp, service)
    _audit("offering.add", f"offering:{offering.id}", None,
           {"service": service.slug, "queue": offering.queue.letter if offering.queue else None},
           mpp.id)
    return _done(_l("Layanan ditambahkan. Atur pemesanannya di halaman layanan."), ".offering",
                 slug=slug, offering_id=offering.id)


# --- queues and counters -----------------------------------------------------------------------

def _counter_form(mpp, counter=None, formdata=None):
    form = forms.CounterForm(obj=counter if formdata is None else None,
                             prefix=f"k{counter.id}" if counter else "k", formdata=formdata)
    form.queues.choices = [SelectChoice(str(q.id), f"{q.letter} · {q.name}") for q in mpp.queues]
    if counter is not None and formdata is None:
        form.queues.data = [str(q.id) for q in counter.queues]
    return form


def _queues_page(mpp, queue_form=None, counter_form=None, status=200):
    counters = db.session.scalars(select(Counter).where(Counter.mpp_id == mpp.id)
                                  .order_by(Counter.number)).all()
    return render_template(
        "admin/queues.html", mpp=mpp, queue_form=queue_form or forms.QueueForm(prefix="q"),
        counter_form=counter_form or _counter_form(mpp),
        counters=[(c, _counter_form(mpp, c)) for c in counters]), status


@bp.get("/mpp/<slug>/antrean")
@staff_only
def queues(slug):
    return _queues_page(hall(slug))


@bp.post("/mpp/<slug>/antrean")
@staff_only
def add_queue(slug):
    begin_write(db.session)
    mpp = hall(slug)
    form = forms.QueueForm(prefix="q")
    if not form.validate_on_submit():
        return _queues_page(mpp, queue_form=form, status=422)
    try:
        queue = catalogue.add_queue(db.session, mpp, form.letter.data, form.name.data)
    except catalogue.CatalogueRefused as refused:
        _show(form, refused)
        return _queues_page(mpp, queue_form=form, status=422)
    _audit("queue.add", f"queue:{queue.id}", None, _snapshot(queue, ("letter", "name")), mpp.id)
    return _done(_l("Antrean ditambahkan."), ".queues", slug=slug)


def _save_counter(mpp, counter, form):
    """False, with the reason on the form, when the counter cannot be saved."""
    if not form.validate_on_submit():
        return False
    try:
        catalogue.set_counter(db.session, mpp, counter, form.number.data, form.name.data,
                              [int(i) for i in form.queues.data])
    except catalogue.CatalogueRefused as refused:
        _show(form, refused)
        return False
    return True


def _counter_snapshot(counter):
    return {"number": counter.number, "name": counter.name,
            "queues": sorted(q.letter for q in counter.queues)}


@bp.post("/mpp/<slug>/loket")
@staff_only
def add_counter(slug):
    begin_write(db.session)
    mpp = hall(slug)
    form = _counter_form(mpp, formdata=request.form)
    counter = Counter()
    if not _save_counter(mpp, counter, form):
        db.session.rollback()
        return _queues_page(hall(slug), counter_form=form, status=422)
    _audit("counter.add", f"counter:{counter.id}", None, _counter_snapshot(counter), mpp.id)
    return _done(_l("Loket ditambahkan."), ".queues", slug=slug)


@bp.post("/mpp/<slug>/loket/<int:counter_id>")
@staff_only
def edit_counter(slug, counter_id):
    begin_write(db.session)
    mpp = hall(slug)
    counter = db.session.get(Counter, counter_id)
    if counter is None or counter.mpp_id != mpp.id:
        abort(404)
    form = _counter_form(mpp, counter, formdata=request.form)
    before = _counter_snapshot(counter)
    if not _save_counter(mpp, counter, form):
        db.session.rollback()
        return _queues_page(hall(slug), status=422, counter_form=form)
    _audit("counter.update", f"counter:{counter.id}", before, _counter_snapshot(counter), mpp.id)
    return _done(_l("Loket disimpan."), ".queues", slug=slug)


# --- clerk accounts ----------------------------------------------------------------------------

def _clerk_form(mpp):
    form = forms.ClerkForm(prefix="p")
    form.agency.choices = [SelectChoice("", _l("— pilih instansi —"))] + [
        SelectChoice(str(agency.id), agency.short_name)
        for agency, _, _ in catalogue.agencies_at(mpp)]
    form.counters.choices = [SelectChoice(str(c.id), _l("Loket %(number)d", number=c.number))
                             for c in sorted(mpp.counters, key=lambda c: c.number)]
    return form


def _clerks_page(mpp, form=None, status=200):
    users = db.session.scalars(select(User).where(User.mpp_id == mpp.id)
                               .options(selectinload(User.counters), selectinload(User.agency))
                               .order_by(User.active.desc(), User.name)).all()
    return render_template("admin/staff.html", mpp=mpp, users=users,
                           form=form or _clerk_form(mpp), action=forms.ActionForm()), status


@bp.get("/mpp/<slug>/petugas")
@staff_only
def clerks(slug):
    return _clerks_page(hall(slug))


@bp.post("/mpp/<slug>/petugas")
@staff_only
def add_clerk(slug):
    begin_write(db.session)
    mpp = hall(slug)
    form = _clerk_form(mpp)
    if not form.validate_on_submit():
        return _clerks_page(mpp, form, 422)
    chosen = {int(i) for i in form.counters.data}
    try:
        user = accounts.create_user(
            db.session, form.email.data, form.name.data.strip(), form.password.data, Role.CLERK,
            clock.utc(clock.now()), mpp_id=mpp.id, agency_id=int(form.agency.data),
            counters=[c for c in mpp.counters if c.id in chosen])
    except DomainError as refused:
        db.session.rollback()
        form.email.errors.append(refused.message)
        return _clerks_page(hall(slug), form, 422)
    _audit("user.add", f"user:{user.id}", None,
           {"email": user.email, "role": user.role.value, "agency_id": user.agency_id,
            "counters": sorted(c.number for c in user.counters)}, mpp.id)
    return _done(_l("Akun petugas dibuat."), ".clerks", slug=slug)


@bp.post("/mpp/<slug>/petugas/<int:user_id>/nonaktif")
@staff_only
def deactivate_clerk(slug, user_id):
    begin_write(db.session)
    mpp = hall(slug)
    user = db.session.get(User, user_id)
    if user is None or user.mpp_id != mpp.id or user.role != Role.CLERK:
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    accounts.deactivate(db.session, user, current_user, clock.utc(clock.now()))
    return _done(_l("Akun dinonaktifkan; semua sesinya berakhir."), ".clerks", slug=slug)


# --- bookings the schedule no longer fits ------------------------------------------------------

def _move_form(appointment, now):
    form = forms.MoveForm(prefix=f"m{appointment.id}")
    free = db.session.scalars(
        select(Slot).where(Slot.offering_id == appointment.offering_id,
                           Slot.retired.is_(False), Slot.booked < Slot.capacity,
                           Slot.starts_at > clock.utc(now),
                           Slot.starts_at < clock.utc(now + timedelta(days=30)))
        .order_by(Slot.starts_at).limit(60)).all()
    mpp = appointment.offering.mpp
    form.slot.choices = [SelectChoice("", _l("— pilih jadwal —"))] + [
        SelectChoice(str(s.id), local_datetime(s.starts_at.replace(tzinfo=timezone.utc),
                                               mpp.timezone)) for s in free]
    return form


def _misfits_page(mpp, failed=None, status=200):
    now = clock.now()
    rows = []
    for appointment in booking.misfits(db.session, mpp.id):
        if failed is not None and failed[0] == appointment.id:
            move = failed[1] if isinstance(failed[1], forms.MoveForm) else _move_form(
                appointment, now)
            cancel = failed[1] if isinstance(failed[1], forms.CancelForm) else forms.CancelForm(
                prefix=f"b{appointment.id}")
        else:
            move, cancel = _move_form(appointment, now), forms.CancelForm(
                prefix=f"b{appointment.id}")
        when = local_datetime(appointment.slot.starts_at.replace(tzinfo=timezone.utc),
                              mpp.timezone)
        rows.append((appointment, when, move, cancel))
    return render_template("admin/misfits.html", mpp=mpp, rows=rows), status


@bp.get("/mpp/<slug>/janji-terdampak")
@staff_only
def misfits(slug):
    return _misfits_page(hall(slug))


def _misfit(mpp, appointment_id):
    """An active booking of this hall whose slot left the schedule; 404 for anything else."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.offering.mpp_id != mpp.id or \
            appointment.status != AppointmentStatus.ACTIVE or not appointment.slot.retired:
        abort(404)
    return appointment


@bp.post("/mpp/<slug>/janji-terdampak/<int:appointment_id>/pindah")
@staff_only
def move_booking(slug, appointment_id):
    begin_write(db.session)
    mpp = hall(slug)
    appointment = _misfit(mpp, appointment_id)
    now = clock.now()
    form = _move_form(appointment, now)
    if not form.validate_on_submit():
        return _misfits_page(mpp, (appointment.id, form), 422)
    before = {"slot": appointment.slot.starts_at.isoformat(), "status": appointment.status.value}
    try:
        booking.move_by_staff(db.session, appointment, db.session.get(Slot, int(form.slot.data)),
                              form.message.data.strip(), now)
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for(".misfits", slug=slug))
    _audit("appointment.move", f"appointment:{appointment.id}", before,
           {"slot": appointment.slot.starts_at.isoformat(), "message": appointment.staff_message},
           mpp.id)
    return _done(_l("Janji dipindahkan. Warga melihat pesan Anda saat membuka janjinya."),
                 ".misfits", slug=slug)


@bp.post("/mpp/<slug>/janji-terdampak/<int:appointment_id>/batal")
@staff_only
def cancel_booking(slug, appointment_id):
    begin_write(db.session)
    mpp = hall(slug)
    appointment = _misfit(mpp, appointment_id)
    form = forms.CancelForm(prefix=f"b{appointment.id}")
    if not form.validate_on_submit():
        return _misfits_page(mpp, (appointment.id, form), 422)
    try:
        booking.cancel_by_staff(db.session, appointment, form.message.data.strip(), clock.now())
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for(".misfits", slug=slug))
    _audit("appointment.cancel", f"appointment:{appointment.id}", {"status": "active"},
           {"status": appointment.status.value, "message": appointment.staff_message}, mpp.id)
    return _done(_l("Janji dibatalkan. Warga melihat pesan Anda saat membuka janjinya."),
                 ".misfits", slug=slug)


# --- the audit log -----------------------------------------------------------------------------

@bp.get("/audit")
@staff_only
def audit_log():
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(200)
    slug = request.args.get("mpp")
    if current_user.role == Role.MPP_MANAGER:
        if slug and slug != current_user.mpp.slug:
            abort(404)
        query = query.where(AuditLog.mpp_id == current_user.mpp_id)
    elif slug:
        query = query.where(AuditLog.mpp_id == hall(slug).id)
    entries = db.session.scalars(query).all()
    names = dict(db.session.execute(select(User.id, User.email).where(
        User.id.in_({e.user_id for e in entries if e.user_id}))).all())
    return render_template("admin/audit.html", entries=entries, names=names)


# --- national: agencies, services, managers ----------------------------------------------------

@bp.get("/instansi")
@national_only
def agencies():
    return _agencies_page()


AGENCY_FIELDS = ("name", "short_name", "website")


@bp.route("/instansi/<int:agency_id>", methods=["GET", "POST"])
@national_only
def agency(agency_id):
    if request.method == "POST":
        begin_write(db.session)
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = forms.AgencyForm(obj=agency if request.method == "GET" else None, prefix="a")
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("admin/agency.html", agency=agency, form=form), \
            200 if request.method == "GET" else 422
    before = _snapshot(agency, AGENCY_FIELDS)
    form.populate_obj(agency)
    agency.website = agency.website or None
    _audit("agency.update", f"agency:{agency.slug}", before, _snapshot(agency, AGENCY_FIELDS))
    return _done(_l("Data instansi disimpan."), ".agencies")


SERVICE_FIELDS = ("name", "name_en", "category", "summary", "requirements", "procedure",
                  "duration_value", "duration_unit", "fee", "fee_note", "product",
                  "legal_basis", "online_mode", "online_url", "keywords")
LIST_FIELDS = ("requirements", "procedure", "legal_basis")


@bp.get("/layanan")
@national_only
def services():
    return render_template("admin/services.html", services=db.session.scalars(
        select(Service).options(selectinload(Service.agency)).order_by(Service.name)))


def _service_form(service):
    form = forms.ServiceForm(obj=service if request.method == "GET" else None, prefix="s")
    form.category.choices = [SelectChoice(k, v) for k, v in CATEGORIES.items()]
    form.duration_unit.choices = [SelectChoice(u.value, u.value) for u in DurationUnit]
    form.online_mode.choices = [SelectChoice(m.value, m.label) for m in OnlineMode]
    if request.method == "GET":
        for name in LIST_FIELDS:
            getattr(form, name).data = "\n".join(getattr(service, name))
        form.duration_unit.data = service.duration_unit.value
        form.online_mode.data = service.online_mode.value
    return form


def _service_values(form):
    """The form's fields as a service's values: one list item per non-empty line."""
    return {name: [line.strip() for line in getattr(form, name).data.splitlines()
                   if line.strip()] if name in LIST_FIELDS else getattr(form, name).data
            for name in SERVICE_FIELDS}


@bp.route("/layanan/<int:service_id>", methods=["GET", "POST"])
@national_only
def service(service_id):
    if request.method == "POST":
        begin_write(db.session)
    service = db.session.get(Service, service_id) or abort(404)
    form = _service_form(service)
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("admin/service.html", service=service, form=form), \
            200 if request.method == "GET" else 422
    before = _snapshot(service, SERVICE_FIELDS)
    catalogue.set_service(service, _service_values(form))
    db.session.flush()
    _audit("service.update", f"service:{service.slug}", before,
           _snapshot(service, SERVICE_FIELDS))
    return _done(_l("Standar layanan disimpan. Pencarian memakai teks baru setelah disimpan."),
                 ".services")


def _manager_form():
    form = forms.ManagerForm(prefix="g")
    form.mpp.choices = [SelectChoice("", _l("— pilih MPP —"))] + [
        SelectChoice(str(m.id), m.name)
        for m in db.session.scalars(select(Mpp).order_by(Mpp.name))]
    return form


def _managers_page(form=None, status=200):
    managers = db.session.scalars(select(User).where(User.role == Role.MPP_MANAGER)
                                  .options(selectinload(User.mpp))
                                  .order_by(User.mpp_id, User.name)).all()
    return render_template("admin/managers.html", managers=managers,
                           form=form or _manager_form()), status


@bp.get("/pengelola")
@national_only
def managers():
    return _managers_page()


@bp.post("/pengelola")
@national_only
def add_manager():
    begin_write(db.session)
    form = _manager_form()
    if not form.validate_on_submit():
        return _managers_page(form, 422)
    try:
        user = accounts.create_user(db.session, form.email.data, form.name.data.strip(),
                                    form.password.data, Role.MPP_MANAGER, clock.utc(clock.now()),
                                    mpp_id=int(form.mpp.data))
    except DomainError as refused:
        db.session.rollback()
        form.email.errors.append(refused.message)
        return _managers_page(form, 422)
    _audit("user.add", f"user:{user.id}", None,
           {"email": user.email, "role": user.role.value, "mpp_id": user.mpp_id}, user.mpp_id)
    return _done(_l("Akun pengelola dibuat."), ".managers")


# --- national: cuti bersama, new halls, agencies and services ----------------------------------

def _national_closures_page(form=None, status=200):
    closures = db.session.scalars(select(Closure).where(Closure.mpp_id.is_(None))
                                  .order_by(Closure.starts_on.desc())).all()
    return render_template("admin/national_closures.html", closures=closures,
                           form=form or forms.ClosureForm(prefix="c"),
                           action=forms.ActionForm()), status


@bp.get("/cuti-bersama")
@national_only
def national_closures():
    return _national_closures_page()


def _refresh_every_hall():
    now = clock.now()
    for mpp in db.session.scalars(select(Mpp)):
        booking.refresh_schedule(db.session, mpp, now)


@bp.post("/cuti-bersama")
@national_only
def add_national_closure():
    begin_write(db.session)
    form = forms.ClosureForm(prefix="c")
    if not form.validate_on_submit():
        return _national_closures_page(form, 422)
    closure = Closure(mpp_id=None, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                      reason=form.reason.data.strip())
    db.session.add(closure)
    db.session.flush()
    _audit("closure.add", f"closure:{closure.id}", None,
           _snapshot(closure, ("starts_on", "ends_on", "reason")))
    _refresh_every_hall()
    return _done(_l("Cuti bersama ditambahkan untuk semua MPP."), ".national_closures")


@bp.post("/cuti-bersama/<int:closure_id>/hapus")
@national_only
def remove_national_closure(closure_id):
    begin_write(db.session)
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.mpp_id is not None:
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    _audit("closure.remove", f"closure:{closure.id}",
           _snapshot(closure, ("starts_on", "ends_on", "reason")), None)
    db.session.delete(closure)
    db.session.flush()
    _refresh_every_hall()
    return _done(_l("Cuti bersama dihapus."), ".national_closures")


def _new_mpp_form():
    form = forms.NewMppForm(prefix="m")
    taken = select(Mpp.region_code)
    form.region.choices = [SelectChoice("", _l("— pilih kabupaten/kota —"))] + [
        SelectChoice(r.code, r.name) for r in db.session.scalars(
            select(Region).where(Region.code.not_in(taken)).order_by(Region.name))]
    return form


@bp.route("/mpp-baru", methods=["GET", "POST"])
@national_only
def new_mpp():
    if request.method == "POST":
        begin_write(db.session)
    form = _new_mpp_form()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("admin/new_mpp.html", form=form), \
            200 if request.method == "GET" else 422
    region = db.session.get(Region, form.region.data)
    mpp = Mpp(region=region, slug=region.slug, name=form.name.data.strip(),
              address=form.address.data.strip(), phone=form.phone.data.strip(),
              email=form.email.data or None)
    mpp.hours = catalogue.opening_hours(form.hours.parsed)
    db.session.add(mpp)
    db.session.flush()
    _audit("mpp.add", f"mpp:{mpp.slug}", None,
           {**_snapshot(mpp, DETAIL_FIELDS), "region": region.code,
            "hours": format_hours(catalogue.intervals(mpp.hours))}, mpp.id)
    return _done(_l("MPP dibuat. Tambahkan layanan, antrean dan pengelolanya."), ".mpp",
                 slug=mpp.slug)


def _agencies_page(form=None, status=200):
    return render_template("admin/agencies.html", form=form or forms.NewAgencyForm(prefix="a"),
                           agencies=db.session.scalars(select(Agency).order_by(Agency.name))
                           ), status


@bp.post("/instansi")
@national_only
def add_agency():
    begin_write(db.session)
    form = forms.NewAgencyForm(prefix="a")
    if not form.validate_on_submit():
        return _agencies_page(form, 422)
    try:
        agency = catalogue.add_agency(db.session, form.name.data, form.short_name.data,
                                      form.website.data)
    except catalogue.CatalogueRefused as refused:
        _show(form, refused)
        return _agencies_page(form, 422)
    _audit("agency.add", f"agency:{agency.slug}", None, _snapshot(agency, AGENCY_FIELDS))
    return _done(_l("Instansi ditambahkan."), ".agencies")


@bp.route("/layanan-baru", methods=["GET", "POST"])
@national_only
def new_service():
    if request.method == "POST":
        begin_write(db.session)
    form = forms.NewServiceForm(prefix="s")
    form.category.choices = [SelectChoice(k, v) for k, v in CATEGORIES.items()]
    form.duration_unit.choices = [SelectChoice(u.value, u.value) for u in DurationUnit]
    form.online_mode.choices = [SelectChoice(m.value, m.label) for m in OnlineMode]
    form.agency.choices = [SelectChoice("", _l("— pilih instansi —"))] + [
        SelectChoice(str(a.id), a.short_name)
        for a in db.session.scalars(select(Agency).order_by(Agency.short_name))]
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("admin/service.html", service=None, form=form), \
            200 if request.method == "GET" else 422
    try:
        service = catalogue.add_service(db.session, int(form.agency.data), _service_values(form))
    except catalogue.CatalogueRefused as refused:
        _show(form, refused)
        return render_template("admin/service.html", service=None, form=form), 422
    _audit("service.add", f"service:{service.slug}", None, _snapshot(service, SERVICE_FIELDS))
    return _done(_l("Layanan ditambahkan ke katalog nasional."), ".services")
