"""The bookings a schedule change no longer fits: move each to a free slot or cancel it, with a
message the citizen sees on the booking."""
from datetime import timedelta

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from .. import clock
from ..booking import slots
from ..booking.models import Appointment, AppointmentStatus, Slot
from ..errors import DomainError
from ..extensions import db
from ..filters import local_datetime
from . import forms, operations
from .access import hall, staff_only
from .pages import done, writes

bp = Blueprint("misfits", __name__, url_prefix="/mpp/<slug>/janji-terdampak")


NEAREST = 40          # slots offered in a booking's move picker


def nearest_free(appointment, now, limit=NEAREST):
    """Free slots of the booking's service to move it to, nearest first: the same day (by how
    far from the booked time), then the following days in order, then earlier days still
    ahead; within 30 days."""
    mpp = appointment.offering.mpp
    booked = appointment.slot.starts_at
    day = clock.to_local(mpp, booked).date()
    free = db.session.scalars(
        select(Slot).where(Slot.offering_id == appointment.offering_id,
                           Slot.retired.is_(False), Slot.booked < Slot.capacity,
                           Slot.starts_at > clock.utc(now),
                           Slot.starts_at < clock.utc(now + timedelta(days=30)))
        .order_by(Slot.starts_at)).all()

    def distance(slot):
        local = clock.to_local(mpp, slot.starts_at).date()
        if local == day:
            return (0, abs((slot.starts_at - booked).total_seconds()))
        return (1 if local > day else 2, slot.starts_at.timestamp())
    return sorted(free, key=distance)[:limit]


def _move_form(appointment, now):
    form = forms.MoveForm(prefix=f"m{appointment.id}")
    mpp = appointment.offering.mpp
    form.slot.choices = [SelectChoice("", _l("— pilih jadwal —"))] + [
        SelectChoice(str(s.id), local_datetime(clock.to_local(mpp, s.starts_at), mpp.timezone))
        for s in nearest_free(appointment, now)]
    return form


def _bulk_form(misfits):
    form = forms.BulkSettleForm(prefix="p")
    form.ids.choices = [SelectChoice(str(a.id), a.code) for a in misfits]
    return form


def _page(mpp, failed=None, bulk=None):
    """Every misfit with its two forms, and the form that settles several at once; `failed`
    is (appointment id, the form it refused)."""
    now = clock.now()
    rows = []
    misfits = slots.misfits(db.session, mpp.id)
    for appointment in misfits:
        refused = failed[1] if failed is not None and failed[0] == appointment.id else None
        move = refused if isinstance(refused, forms.MoveForm) else _move_form(appointment, now)
        cancel = refused if isinstance(refused, forms.CancelForm) else forms.CancelForm(
            prefix=f"b{appointment.id}")
        rows.append((appointment, local_datetime(clock.to_local(mpp, appointment.slot.starts_at),
                                                 mpp.timezone), move, cancel))
    return render_template("admin/misfits.html", mpp=mpp, rows=rows,
                           bulk=bulk or _bulk_form(misfits))


@bp.get("")
@staff_only
def index(slug):
    return _page(hall(slug))


def _misfit(mpp, appointment_id):
    """An active booking of this hall whose slot left the schedule; 404 for anything else."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.offering.mpp_id != mpp.id or \
            appointment.status != AppointmentStatus.ACTIVE or not appointment.slot.retired:
        abort(404)
    return appointment


def _settle(mpp, appointment, form, operation, message):
    """Move or cancel: a refused form redraws the page; a refused rule (the slot filled in the
    meantime) is told above the list."""
    if not form.validate_on_submit():
        return _page(mpp, (appointment.id, form)), 422
    try:
        operation(current_user, clock.now())
    except DomainError as refused:
        db.session.rollback()
        return done(refused.message, ".index", "error", slug=mpp.slug)
    return done(message, ".index", slug=mpp.slug)


@bp.post("/<int:appointment_id>/pindah")
@staff_only
@writes
def move(slug, appointment_id):
    mpp = hall(slug)
    appointment = _misfit(mpp, appointment_id)
    form = _move_form(appointment, clock.now())
    return _settle(mpp, appointment, form, lambda actor, now: operations.move_misfit(
                       db.session, appointment, db.session.get(Slot, int(form.slot.data)),
                       form.message.data, actor, now),
                   _l("Janji dipindahkan. Warga melihat pesan Anda saat membuka janjinya."))


@bp.post("/<int:appointment_id>/batal")
@staff_only
@writes
def cancel(slug, appointment_id):
    mpp = hall(slug)
    appointment = _misfit(mpp, appointment_id)
    form = forms.CancelForm(prefix=f"b{appointment.id}")
    return _settle(mpp, appointment, form, lambda actor, now: operations.cancel_misfit(
                       db.session, appointment, form.message.data, actor, now),
                   _l("Janji dibatalkan. Warga melihat pesan Anda saat membuka janjinya."))


@bp.post("/sekaligus")
@staff_only
@writes
def settle_several(slug):
    """Several affected bookings at once, with one message: each moved to its nearest free
    slot (nearest_free), or all cancelled. A booking with no free slot left is kept and said."""
    mpp = hall(slug)
    misfits = slots.misfits(db.session, mpp.id)
    form = _bulk_form(misfits)
    if not form.validate_on_submit():
        return _page(mpp, bulk=form), 422
    chosen = [a for a in misfits if str(a.id) in set(form.ids.data)]
    now, actor = clock.now(), current_user
    moved, kept = 0, []
    for appointment in chosen:
        if form.action == "batal":
            operations.cancel_misfit(db.session, appointment, form.message.data, actor, now)
            continue
        for slot in nearest_free(appointment, now, limit=5):
            try:
                with db.session.begin_nested():
                    operations.move_misfit(db.session, appointment, slot, form.message.data,
                                           actor, now)
                moved += 1
                break
            except DomainError:          # taken meanwhile (by this batch, too): the next
                continue
        else:
            kept.append(appointment)
    if form.action == "batal":
        return done(_l("%(count)d janji dibatalkan. Warga melihat pesan Anda saat membuka "
                       "janjinya.", count=len(chosen)), ".index", slug=slug)
    if kept:
        return done(_l("%(moved)d janji dipindahkan; %(kept)d tidak punya jadwal kosong dalam "
                       "30 hari dan tetap di daftar.", moved=moved, kept=len(kept)),
                    ".index", "warning", slug=slug)
    return done(_l("%(count)d janji dipindahkan ke jadwal kosong terdekat. Warga melihat pesan "
                   "Anda saat membuka janjinya.", count=moved), ".index", slug=slug)
