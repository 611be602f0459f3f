"""A hall's page: its details, opening hours and closures, and whether it stays open on a
national closure."""
from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..booking import slots
from ..catalogue import operations as catalogue
from ..catalogue.models import Closure
from ..extensions import db
from ..forms import ConfirmForm
from . import forms, operations
from .access import hall, staff_only
from .pages import confirmed, done, submit, writes

bp = Blueprint("hall", __name__, url_prefix="/mpp/<slug>")


def _page(mpp, details=None, hours=None, closure=None):
    closures = db.session.scalars(select(Closure).where(Closure.mpp_id == mpp.id)
                                  .order_by(Closure.starts_on.desc())).all()
    national = db.session.scalars(
        select(Closure).where(Closure.mpp_id.is_(None),
                              Closure.ends_on >= clock.local_day(mpp, clock.now()))
        .options(selectinload(Closure.open_mpps)).order_by(Closure.starts_on)).all()
    return render_template(
        "admin/mpp.html", mpp=mpp, national=national, closures=closures, action=ConfirmForm(),
        details=details or forms.MppDetailsForm(obj=mpp, prefix="d"),
        hours=hours or forms.WeekHoursForm.of(catalogue.intervals(mpp.hours), prefix="h"),
        closure=closure or forms.ClosureForm(prefix="c"),
        misfits=len(slots.misfits(db.session, mpp.id)))


@bp.get("")
@staff_only
def index(slug):
    return _page(hall(slug))


@bp.post("/detail")
@staff_only
@writes
def details(slug):
    mpp = hall(slug)
    form = forms.MppDetailsForm(prefix="d")
    return submit(form, lambda f: _page(mpp, details=f),
                  lambda actor, now: operations.change_details(db.session, mpp, form.data,
                                                               actor, now),
                  _l("Data MPP disimpan."), ".index", slug=slug)


@bp.post("/jam")
@staff_only
@writes
def hours(slug):
    mpp = hall(slug)
    form = forms.WeekHoursForm(prefix="h")
    if not form.validate_on_submit():
        return _page(mpp, hours=form), 422
    misfits = operations.change_hours(db.session, mpp, form.intervals(), current_user,
                                      clock.now())
    if misfits:
        return done(_l("Jam buka disimpan. %(count)d janji tidak lagi cocok dengan jadwal: "
                       "pindahkan atau batalkan.", count=len(misfits)),
                    "admin.misfits.index", "warning", slug=slug)
    return done(_l("Jam buka disimpan."), ".index", slug=slug)


@bp.post("/libur")
@staff_only
@writes
def add_closure(slug):
    mpp = hall(slug)
    form = forms.ClosureForm(prefix="c")
    return submit(form, lambda f: _page(mpp, closure=f),
                  lambda actor, now: operations.add_closure(
                      db.session, mpp, form.starts_on.data, form.ends_on.data,
                      form.reason.data, actor, now),
                  _l("Hari tutup ditambahkan."), ".index", slug=slug)


@bp.post("/libur/<int:closure_id>/hapus")
@staff_only
@writes
def remove_closure(slug, closure_id):
    mpp = hall(slug)
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.mpp_id != mpp.id:
        abort(404)
    return confirmed(lambda actor, now: operations.remove_closure(db.session, closure, actor,
                                                                  now),
                     _l("Hari tutup dihapus."), ".index", slug=slug)


@bp.post("/cuti-bersama/<int:closure_id>/<choice>")
@staff_only
@writes
def keep_open(slug, closure_id, choice):
    """This hall stays open (buka) on a national closure, or closes with every MPP (tutup)."""
    mpp = hall(slug)
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.mpp_id is not None or choice not in ("buka", "tutup"):
        abort(404)
    stay_open = choice == "buka"
    return confirmed(lambda actor, now: operations.keep_open_on(db.session, mpp, closure,
                                                                stay_open, actor, now),
                     _l("MPP tetap buka pada %(reason)s.", reason=closure.reason) if stay_open
                     else _l("MPP tutup pada %(reason)s.", reason=closure.reason),
                     ".index", slug=slug)
