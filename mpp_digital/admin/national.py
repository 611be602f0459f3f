"""What only a national admin does to the halls: open a new MPP, name its managers, and set the
national closures (cuti bersama) every hall follows."""
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..accounts.models import Role, User
from ..catalogue.models import Closure, Mpp, Region
from ..extensions import db
from ..forms import ConfirmForm
from . import forms, operations
from .access import national_only
from .pages import confirmed, submit, writes

bp = Blueprint("national", __name__)


def _manager_form():
    form = forms.ManagerForm(prefix="g")
    form.mpp.choices = [SelectChoice("", _l("— pilih MPP —"))] + [
        SelectChoice(str(m.id), m.name)
        for m in db.session.scalars(select(Mpp).order_by(Mpp.name))]
    return form


def _managers_page(form=None):
    managers = db.session.scalars(select(User).where(User.role == Role.MPP_MANAGER)
                                  .options(selectinload(User.mpp))
                                  .order_by(User.mpp_id, User.name)).all()
    return render_template("admin/managers.html", managers=managers,
                           form=form or _manager_form())


@bp.get("/pengelola")
@national_only
def managers():
    return _managers_page()


@bp.post("/pengelola")
@national_only
@writes
def add_manager():
    form = _manager_form()
    return submit(form, _managers_page, lambda actor, now: operations.add_staff(
                      db.session, Role.MPP_MANAGER, form.email.data, form.name.data,
                      form.password.data, actor, now, int(form.mpp.data)),
                  _l("Akun pengelola dibuat."), ".managers", field="email")


def _closures_page(form=None):
    closures = db.session.scalars(select(Closure).where(Closure.mpp_id.is_(None))
                                  .order_by(Closure.starts_on.desc())).all()
    return render_template("admin/national_closures.html", closures=closures,
                           form=form or forms.ClosureForm(prefix="c"), action=ConfirmForm())


@bp.get("/cuti-bersama")
@national_only
def closures():
    return _closures_page()


@bp.post("/cuti-bersama")
@national_only
@writes
def add_closure():
    form = forms.ClosureForm(prefix="c")
    return submit(form, _closures_page, lambda actor, now: operations.add_closure(
                      db.session, None, form.starts_on.data, form.ends_on.data,
                      form.reason.data, actor, now),
                  _l("Cuti bersama ditambahkan untuk semua MPP."), ".closures")


@bp.post("/cuti-bersama/<int:closure_id>/hapus")
@national_only
@writes
def remove_closure(closure_id):
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.mpp_id is not None:
        abort(404)
    return confirmed(lambda actor, now: operations.remove_closure(db.session, closure, actor,
                                                                  now),
                     _l("Cuti bersama dihapus."), ".closures")


def _new_mpp_form():
    form = forms.NewMppForm(prefix="m")
    taken = select(Mpp.region_code)
    form.region.choices = [SelectChoice("", _l("— pilih kabupaten/kota —"))] + [
        SelectChoice(r.code, r.name) for r in db.session.scalars(
            select(Region).where(Region.code.not_in(taken)).order_by(Region.name))]
    return form


@bp.route("/mpp-baru", methods=["GET", "POST"])
@national_only
@writes
def new_mpp():
    form = _new_mpp_form()

    def page(form):
        return render_template("admin/new_mpp.html", form=form)
    if request.method == "GET":
        return page(form)
    return submit(form, page, lambda actor, now: operations.open_mpp(
                      db.session, db.session.get(Region, form.region.data), form.data,
                      form.intervals(), actor, now),
                  _l("MPP dibuat. Tambahkan layanan, antrean dan pengelolanya."),
                  "admin.hall.index", slug=lambda mpp: mpp.slug)
