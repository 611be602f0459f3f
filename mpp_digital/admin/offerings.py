"""A hall's services: which are offered, each one's booking rules, and the days each agency
is present."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from .. import clock
from ..catalogue import operations as catalogue
from ..catalogue.models import Offering, Service
from ..extensions import db
from . import forms, operations
from .access import hall, staff_only
from .pages import done, submit, writes

bp = Blueprint("offerings", __name__, url_prefix="/mpp/<slug>")


def _hours_or_none(field):
    """The own hours of a week field (OwnHoursForm); none (the hall's) when not its own."""
    return field.form.intervals()


def _add_form(mpp):
    offered = {o.service_id for o in mpp.offerings}
    form = forms.AddOfferingForm(prefix="n")
    form.service.choices = [SelectChoice("", _l("— pilih layanan —"))] + [
        SelectChoice(str(s.id), f"{s.agency.short_name} · {s.name}")
        for s in db.session.scalars(select(Service).options(selectinload(Service.agency))
                                    .order_by(Service.name)) if s.id not in offered]
    return form


def _page(mpp, failed=None, add_form=None):
    """The list by agency; `failed` is (agency id, its days form) after a refused change."""
    agencies = catalogue.agencies_at(mpp)
    day_forms = {}
    for agency, _, offerings in agencies:
        if failed is not None and failed[0] == agency.id:
            day_forms[agency.id] = failed[1]
            continue
        form = forms.AgencyDaysForm(prefix=f"a{agency.id}", formdata=None)
        own = [catalogue.intervals(o.hours) for o in offerings]
        form.hours.form.show(own[0] if own and all(h == own[0] for h in own) else [])
        day_forms[agency.id] = form
    return render_template("admin/offerings.html", mpp=mpp, agencies=agencies,
                           day_forms=day_forms, add_form=add_form or _add_form(mpp))


@bp.get("/layanan")
@staff_only
def index(slug):
    return _page(hall(slug))


def _offering_form(mpp, offering):
    # Filled from the object only to show it: a submission is judged on what was sent.
    showing = request.method == "GET"
    form = forms.OfferingForm(obj=offering if showing else None, prefix="o")
    form.queue.choices = [SelectChoice("", _l("— tanpa antrean —"))] + [
        SelectChoice(str(q.id), f"{q.letter} · {q.name}") for q in mpp.queues]
    form.release_hour.choices = [SelectChoice("", _l("Tidak pernah (bawaan)"))] + [
        SelectChoice(str(hour), f"{hour:02d}.00")
        for hour in range(current_app.config["NOTIFY_REMINDER_HOUR"] + 1, 24)]
    if showing:
        form.queue.data = str(offering.queue_id or "")
        form.release_hour.data = str(offering.release_hour or "")
        form.hours.form.show(catalogue.intervals(offering.hours))
    return form


def _values(form):
    values = {name: getattr(form, name).data for name in operations.OFFERING_FIELDS
              if name not in ("queue_id", "release_hour")}
    values["queue_id"] = int(form.queue.data) if form.queue.data else None
    values["release_hour"] = int(form.release_hour.data) if form.release_hour.data else None
    return values


@bp.route("/layanan/<int:offering_id>", methods=["GET", "POST"])
@staff_only
@writes
def edit(slug, offering_id):
    mpp = hall(slug)
    offering = db.session.get(Offering, offering_id)
    if offering is None or offering.mpp_id != mpp.id:
        abort(404)
    form = _offering_form(mpp, offering)

    def page(form):
        return render_template("admin/offering.html", mpp=mpp, offering=offering, form=form)
    if request.method == "GET":
        return page(form)
    return submit(form, page, lambda actor, now: operations.change_offering(
                      db.session, mpp, offering, _values(form), _hours_or_none(form.hours),
                      actor, now),
                  _l("Pengaturan layanan disimpan."), ".index", slug=slug)


@bp.post("/instansi/<int:agency_id>/hari")
@staff_only
@writes
def agency_days(slug, agency_id):
    mpp = hall(slug)
    offerings = [o for o in mpp.offerings if o.service.agency_id == agency_id]
    if not offerings:
        abort(404)
    form = forms.AgencyDaysForm(prefix=f"a{agency_id}")
    if not form.validate_on_submit():
        return _page(mpp, failed=(agency_id, form)), 422
    if operations.change_agency_days(db.session, mpp, offerings, _hours_or_none(form.hours),
                                     current_user, clock.now()):
        return done(_l("Hari instansi disimpan. Ada janji yang tidak lagi cocok: pindahkan atau "
                       "batalkan."), "admin.misfits.index", "warning", slug=slug)
    return done(_l("Hari instansi disimpan."), ".index", slug=slug)


@bp.post("/layanan")
@staff_only
@writes
def add(slug):
    mpp = hall(slug)
    form = _add_form(mpp)
    return submit(form, lambda f: _page(mpp, add_form=f),
                  lambda actor, now: operations.add_offering(
                      db.session, mpp, db.session.get(Service, int(form.service.data)),
                      actor, now),
                  _l("Layanan ditambahkan. Atur pemesanannya di halaman layanan."), ".edit",
                  slug=slug, offering_id=lambda offering: offering.id)
