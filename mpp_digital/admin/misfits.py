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
        SelectChoice(str(s.id), local_datetime(clock.to_local(mpp, s.starts_at), mpp.timezone))
        for s in free]
    return form


def _page(mpp, failed=None):
    """Every misfit with its two forms; `failed` is (appointment id, the form it refused)."""
    now = clock.now()
    rows = []
    for appointment in slots.misfits(db.session, mpp.id):
        refused = failed[1] if failed is not None and failed[0] == appointment.id else None
        move = refused if isinstance(refused, forms.MoveForm) else _move_form(appointment, now)
        cancel = refused if isinstance(refused, forms.CancelForm) else forms.CancelForm(
            prefix=f"b{appointment.id}")
        rows.append((appointment, local_datetime(clock.to_local(mpp, appointment.slot.starts_at),
                                                 mpp.timezone), move, cancel))
    return render_template("admin/misfits.html", mpp=mpp, rows=rows)


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
