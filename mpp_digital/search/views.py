import logging

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from ..catalogue import operations as catalogue
from ..extensions import begin_write, db
from . import get_index
from . import operations as ops
from .forms import SearchForm

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)


@bp.get("/cari")
def results():
    form = SearchForm(request.args)
    form.set_choices(catalogue.list_provinces_only(db.session), catalogue.list_agencies(db.session))
    mpp = catalogue.get_hall(db.session, form.mpp.data) if form.mpp.data else None
    outcome = None
    if "q" in request.args and form.validate():
        outcome = ops.search(get_index(), db.session, _request_from(form), str(get_locale()))
    counts = catalogue.offering_counts(db.session, [h.service.id for h in outcome.hits]) if outcome else {}
    popular = [] if outcome is None or outcome.hits else ops.most_searched(
        db.session, mpp.slug if mpp else None)
    page = render_template("search/results.html", form=form, mpp=mpp, outcome=outcome,
                           counts=counts, popular=popular)
    if outcome and outcome.hits:
        _count(form.q.data, outcome.hits[0].service.id)   # after rendering: rows stay loaded
    return page


def _count(text, service_id):
    """Count the answer for "most searched": once per client and query a day, at most
    SEARCH_COUNTS_PER_CLIENT a day per client, so reloads and scripts cannot move the list;
    best effort, never at the cost of the page."""
    if not ops.first_search_today(get_remote_address(), text,
                                  current_app.config["SEARCH_COUNTS_PER_CLIENT"]):
        return
    try:
        begin_write(db.session)
        ops.count_search(db.session, service_id)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("search tally not updated", exc_info=True)


def _request_from(form):
    return ops.SearchRequest(text=form.q.data, mpp=form.mpp.data or None,
                             province=form.province.data or None,
                             agency=form.agency.data or None,
                             category=form.category.data or None,
                             online_only=form.online.data)
