"""The national catalogue a national admin keeps: agencies and the service standards every
hall's offerings point to."""
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..catalogue.models import CATEGORIES, Agency, DurationUnit, OnlineMode, Service
from ..extensions import db
from . import forms, operations
from .access import national_only
from .pages import submit, writes

bp = Blueprint("standards", __name__)
LIST_FIELDS = ("requirements", "procedure", "legal_basis")


def _agencies_page(form=None):
    return render_template("admin/agencies.html", form=form or forms.NewAgencyForm(prefix="a"),
                           agencies=db.session.scalars(select(Agency).order_by(Agency.name)))


@bp.get("/instansi")
@national_only
def agencies():
    return _agencies_page()


@bp.post("/instansi")
@national_only
@writes
def add_agency():
    form = forms.NewAgencyForm(prefix="a")
    return submit(form, _agencies_page, lambda actor, now: operations.add_agency(
                      db.session, form.name.data, form.short_name.data, form.website.data,
                      actor, now),
                  _l("Instansi ditambahkan."), ".agencies")


@bp.route("/instansi/<int:agency_id>", methods=["GET", "POST"])
@national_only
@writes
def agency(agency_id):
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = forms.AgencyForm(obj=agency if request.method == "GET" else None, prefix="a")

    def page(form):
        return render_template("admin/agency.html", agency=agency, form=form)
    if request.method == "GET":
        return page(form)
    return submit(form, page, lambda actor, now: operations.change_agency(
                      db.session, agency, form.data, actor, now),
                  _l("Data instansi disimpan."), ".agencies")


@bp.get("/layanan")
@national_only
def services():
    return render_template("admin/services.html", services=db.session.scalars(
        select(Service).options(selectinload(Service.agency)).order_by(Service.name)))


def _service_form(form_class, service=None):
    form = form_class(obj=service if request.method == "GET" else None, prefix="s")
    form.category.choices = [SelectChoice(k, v) for k, v in CATEGORIES.items()]
    form.duration_unit.choices = [SelectChoice(u.value, u.value) for u in DurationUnit]
    form.online_mode.choices = [SelectChoice(m.value, m.label) for m in OnlineMode]
    if service is not None and request.method == "GET":
        for name in LIST_FIELDS:
            getattr(form, name).data = "\n".join(getattr(service, name))
        form.duration_unit.data = service.duration_unit.value
        form.online_mode.data = service.online_mode.value
        form.needs.data = ", ".join(needed.slug for needed in service.needs)
    return form


def _values(form):
    """The form's fields as a service's values: one list item per non-empty line."""
    return {name: [line.strip() for line in getattr(form, name).data.splitlines()
                   if line.strip()] if name in LIST_FIELDS else getattr(form, name).data
            for name in operations.SERVICE_FIELDS}


def _service_page(service):
    return lambda form: render_template("admin/service.html", service=service, form=form)


@bp.route("/layanan/<int:service_id>", methods=["GET", "POST"])
@national_only
@writes
def service(service_id):
    service = db.session.get(Service, service_id) or abort(404)
    form = _service_form(forms.ServiceForm, service)
    if request.method == "GET":
        return _service_page(service)(form)
    def change(actor, now):
        operations.change_service(db.session, service, _values(form), actor, now)
        operations.set_needs(db.session, service, form.need_slugs, actor, now)
    return submit(form, _service_page(service), change,
                  _l("Standar layanan disimpan. Pencarian memakai teks baru setelah disimpan."),
                  ".services")


@bp.route("/layanan-baru", methods=["GET", "POST"])
@national_only
@writes
def new_service():
    form = _service_form(forms.NewServiceForm)
    form.agency.choices = [SelectChoice("", _l("— pilih instansi —"))] + [
        SelectChoice(str(a.id), a.short_name)
        for a in db.session.scalars(select(Agency).order_by(Agency.short_name))]
    if request.method == "GET":
        return _service_page(None)(form)
    def add(actor, now):
        service = operations.add_service(db.session, int(form.agency.data), _values(form),
                                         actor, now)
        operations.set_needs(db.session, service, form.need_slugs, actor, now)
    return submit(form, _service_page(None), add,
                  _l("Layanan ditambahkan ke katalog nasional."), ".services")
