"""The life events a national admin keeps: each a name, a summary and its services in order
(their "needs the result of" links are kept on the services' own page)."""
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from ..catalogue import life_events
from ..catalogue.models import LifeEvent
from ..extensions import db
from . import forms, operations
from .access import national_only
from .pages import confirmed, submit, writes

bp = Blueprint("life_events", __name__)


def _list_page(form=None):
    return render_template("admin/life_events.html", events=life_events.all_events(db.session),
                           form=form or forms.NewLifeEventForm(prefix="e"))


@bp.get("/peristiwa-hidup")
@national_only
def index():
    return _list_page()


def _values(form):
    return {"slug": getattr(form, "slug", None) and form.slug.data, "name": form.name.data,
            "name_en": form.name_en.data, "summary": form.summary.data}


@bp.post("/peristiwa-hidup")
@national_only
@writes
def add():
    form = forms.NewLifeEventForm(prefix="e")
    return submit(form, _list_page, lambda actor, now: operations.save_life_event(
                      db.session, None, _values(form), operations.parse_steps(form.steps.data),
                      actor, now),
                  _l("Peristiwa hidup ditambahkan."), ".index")


@bp.route("/peristiwa-hidup/<int:event_id>", methods=["GET", "POST"])
@national_only
@writes
def edit(event_id):
    event = db.session.get(LifeEvent, event_id) or abort(404)
    form = forms.LifeEventForm(obj=event if request.method == "GET" else None, prefix="e")
    if request.method == "GET":
        form.steps.data = "\n".join(
            f"{step.service.slug} | {step.note}" if step.note else step.service.slug
            for step in event.steps)

    def page(form):
        return render_template("admin/life_event.html", event=event, form=form)
    if request.method == "GET":
        return page(form)
    return submit(form, page, lambda actor, now: operations.save_life_event(
                      db.session, event, _values(form), operations.parse_steps(form.steps.data),
                      actor, now),
                  _l("Peristiwa hidup disimpan."), ".index")


@bp.post("/peristiwa-hidup/<int:event_id>/hapus")
@national_only
@writes
def remove(event_id):
    event = db.session.get(LifeEvent, event_id) or abort(404)
    return confirmed(lambda actor, now: operations.remove_life_event(db.session, event, actor,
                                                                     now),
                     _l("Peristiwa hidup dihapus."), ".index")
