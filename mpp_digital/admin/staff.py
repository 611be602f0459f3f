"""A hall's clerk accounts: add one with its agency and counters, deactivate one."""
from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..accounts import operations as accounts
from ..accounts.models import Role, User
from ..catalogue import operations as catalogue
from ..extensions import db
from ..forms import ConfirmForm
from . import forms, operations
from .access import hall, staff_only
from .pages import confirmed, submit, writes

bp = Blueprint("staff", __name__, url_prefix="/mpp/<slug>/petugas")


def _form(mpp):
    form = forms.ClerkForm(prefix="p")
    form.agency.choices = [SelectChoice("", _l("— pilih instansi —"))] + [
        SelectChoice(str(agency.id), agency.short_name)
        for agency, _, _ in catalogue.agencies_at(mpp)]
    form.counters.choices = [SelectChoice(str(c.id), _l("Loket %(number)d", number=c.number))
                             for c in sorted(mpp.counters, key=lambda c: c.number)]
    return form


def _page(mpp, form=None):
    users = db.session.scalars(select(User).where(User.mpp_id == mpp.id)
                               .options(selectinload(User.counters), selectinload(User.agency))
                               .order_by(User.active.desc(), User.name)).all()
    return render_template("admin/staff.html", mpp=mpp, users=users,
                           form=form or _form(mpp), action=ConfirmForm())


@bp.get("")
@staff_only
def index(slug):
    return _page(hall(slug))


@bp.post("")
@staff_only
@writes
def add(slug):
    mpp = hall(slug)
    form = _form(mpp)

    def add_clerk(actor, now):
        chosen = {int(i) for i in form.counters.data}
        return operations.add_staff(
            db.session, Role.CLERK, form.email.data, form.name.data, form.password.data, actor,
            now, mpp.id, agency_id=int(form.agency.data),
            counters=[c for c in mpp.counters if c.id in chosen])
    return submit(form, lambda f: _page(mpp, f), add_clerk, _l("Akun petugas dibuat."),
                  ".index", field="email", slug=slug)


@bp.post("/<int:user_id>/nonaktif")
@staff_only
@writes
def deactivate(slug, user_id):
    mpp = hall(slug)
    user = db.session.get(User, user_id)
    if user is None or user.mpp_id != mpp.id or not user.is_clerk:
        abort(404)
    return confirmed(lambda actor, now: accounts.deactivate(db.session, user, actor, now),
                     _l("Akun dinonaktifkan; semua sesinya berakhir."), ".index", slug=slug)
