"""The citizen's rating of a finished visit, and the IKM report an MPP publishes."""
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from .. import clock
from ..catalogue import operations as catalogue
from ..catalogue import versioning
from ..catalogue.caching import page_version, public_page
from ..errors import DomainError
from ..extensions import begin_write, db
from ..queue import operations as queue_ops
from . import operations as ops
from .forms import SurveyForm, read_period
from .questions import ELEMENTS, GRADE_WORDS

bp = Blueprint("survey", __name__)


def _survey_form(ticket):
    form = SurveyForm(prefix="s")
    services = ops.services_of(db.session, ticket)
    form.service.choices = [SelectChoice("", _l("— pilih layanan —"))] + [
        SelectChoice(str(s.id), s.name) for s in services]
    if request.method == "GET":
        booked = ops.service_of_booking(db.session, ticket)
        if booked is not None:
            form.service.data = str(booked)
        elif len(services) == 1:
            form.service.data = str(services[0].id)
    return form


def _page(ticket, form, status=200):
    return render_template("survey/form.html", ticket=ticket, mpp=ticket.queue.mpp, form=form,
                           may_rate=ops.may_rate(ticket)), status


@bp.get("/tiket/<token>/survei")
def rate(token):
    ticket = queue_ops.ticket_by_token(db.session, token)
    return _page(ticket, _survey_form(ticket))


@bp.post("/tiket/<token>/survei")
def submit(token):
    begin_write(db.session)
    ticket = queue_ops.ticket_by_token(db.session, token)
    form = _survey_form(ticket)
    if not form.validate_on_submit():
        return _page(ticket, form, 422)
    try:
        ops.submit(db.session, ticket, form.answers(), int(form.service.data),
                   form.comment.data)
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("queue.ticket_status", token=token))
    db.session.commit()
    flash(_l("Terima kasih. Penilaian Anda membantu MPP memperbaiki layanannya."), "success")
    return redirect(url_for("queue.ticket_status", token=token))


# --- the published index -------------------------------------------------------------------

def _ratings_so_far(slug):
    """The catalogue's version and what of the clock and the ratings an IKM page shows: the
    hall's date (a default period ends today) and how many ratings it has received, not its
    queue version (every ticket called would change the page's ETag); one read
    (catalogue.caching.public_page)."""
    hall = queue_ops.hall_version(slug, with_catalogue=True)
    if hall is None:                         # the view answers 404, which is never kept
        return versioning.current(), "unknown"
    return (hall.catalogue_version or 0,
            f"{clock.now().astimezone(ZoneInfo(hall.timezone)).date()}.r{hall.ratings}")


@bp.get("/mpp/<slug>/ikm")
@public_page(versions=_ratings_so_far)
def report(slug):
    mpp = catalogue.hall_header(db.session, slug, page_version())
    form, start, end, valid = read_period(request.args, clock.local_day(mpp, clock.now()))
    if not valid:
        return render_template("survey/report.html", mpp=mpp, form=form, elements=ELEMENTS,
                               grade_words=GRADE_WORDS, overall=None), 400
    overall, by_agency, by_service = ops.hall_indexes(mpp.id, start, end)
    return render_template(
        "survey/report.html", mpp=mpp, form=form, elements=ELEMENTS, start=start, end=end,
        grade_words=GRADE_WORDS, overall=overall, by_agency=by_agency, by_service=by_service)
