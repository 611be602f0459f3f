"""A hall's queues (ticket lines) and counters, and which queues each counter calls."""
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from ..catalogue.models import Counter
from ..extensions import db
from . import forms, operations
from .access import hall, staff_only
from .pages import submit, writes

bp = Blueprint("counters", __name__, url_prefix="/mpp/<slug>")


def _counter_form(mpp, counter=None, formdata=None):
    form = forms.CounterForm(obj=counter if formdata is None else None,
                             prefix=f"k{counter.id}" if counter else "k", formdata=formdata)
    form.queues.choices = [SelectChoice(str(q.id), f"{q.letter} · {q.name}") for q in mpp.queues]
    if counter is not None and formdata is None:
        form.queues.data = [str(q.id) for q in counter.queues]
    return form


def _page(mpp, queue_form=None, counter_form=None):
    counters = db.session.scalars(select(Counter).where(Counter.mpp_id == mpp.id)
                                  .order_by(Counter.number)).all()
    return render_template(
        "admin/queues.html", mpp=mpp, queue_form=queue_form or forms.QueueForm(prefix="q"),
        counter_form=counter_form or _counter_form(mpp),
        counters=[(c, _counter_form(mpp, c)) for c in counters])


@bp.get("/antrean")
@staff_only
def index(slug):
    return _page(hall(slug))


@bp.post("/antrean")
@staff_only
@writes
def add_queue(slug):
    mpp = hall(slug)
    form = forms.QueueForm(prefix="q")
    return submit(form, lambda f: _page(mpp, queue_form=f),
                  lambda actor, now: operations.add_queue(db.session, mpp, form.letter.data,
                                                          form.name.data, actor, now),
                  _l("Antrean ditambahkan."), ".index", slug=slug)


def _save(mpp, counter, message):
    form = _counter_form(mpp, counter if counter.id else None, formdata=request.form)
    return submit(form, lambda f: _page(mpp, counter_form=f),
                  lambda actor, now: operations.save_counter(
                      db.session, mpp, counter, form.number.data, form.name.data,
                      [int(i) for i in form.queues.data], actor, now),
                  message, ".index", slug=mpp.slug)


@bp.post("/loket")
@staff_only
@writes
def add(slug):
    return _save(hall(slug), Counter(), _l("Loket ditambahkan."))


@bp.post("/loket/<int:counter_id>")
@staff_only
@writes
def edit(slug, counter_id):
    mpp = hall(slug)
    counter = db.session.get(Counter, counter_id)
    if counter is None or counter.mpp_id != mpp.id:
        abort(404)
    return _save(mpp, counter, _l("Loket disimpan."))
