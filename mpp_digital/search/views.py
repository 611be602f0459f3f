import logging

from flask import Blueprint, current_app, make_response, render_template, request
from flask_babel import get_locale
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..catalogue import operations as catalogue
from ..catalogue import versioning
from ..catalogue.caching import personal
from ..extensions import begin_write, db, keep_page, kept_page, remembered
from . import get_index
from . import operations as ops
from . import thesaurus
from .forms import SearchForm

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)


@bp.get("/cari")
def results():
    version = versioning.current()
    key = _page_key(get_index(), version)
    kept = kept_page(key) if key else None
    if kept is not None:
        body, top = kept
        response = make_response(body)
        response.mimetype = "text/html"
    else:
        page, top = _render(version)
        response = make_response(page)
        if key and top is not None and not personal(response):
            keep_page(key, (response.get_data(), top))
    if top is not None:
        _count(request.args.get("q", ""), top)       # after rendering: rows stay loaded
    return response


def _page_key(index, version):
    """The rendered page's key in the page cache, or None when it must not be kept (staff
    signed in, an index that cannot be opened). Citizens repeat the same few searches all
    day; the page shows the index's answer and the catalogue's rows, so the key carries the
    catalogue's version and the index's applied state (its generation and commit, read after
    this process's regular sync, as the answer cache does) and the synonyms' load: a change
    makes a new key on every machine, and no key ever names an answer the index has moved on
    from."""
    if current_user.is_authenticated:
        return None
    try:
        index.open()
        index.sync_if_due(db.session)
        state = index.applied()
    except Exception:              # the search itself falls back to the database
        return None
    parts = (version, *state, thesaurus.current(db.session).fingerprint,
             get_locale(), request.full_path)
    return "search|" + "|".join(str(part) for part in parts)


def _render(version):
    """(the page, the top hit's service id or None); only a page with hits is kept (the
    "most searched" list shown without hits moves with every count). `version` is the
    catalogue's, read once for the page's key and its filters."""
    form = SearchForm(request.args)
    form.set_choices(*remembered("search-filters", version, _filters), version=version)
    mpp = catalogue.hall_header(db.session, form.mpp.data, version) if form.mpp.data else None
    outcome = None
    if "q" in request.args and form.validate():
        outcome = ops.search(get_index(), db.session, _request_from(form), str(get_locale()),
                             version)
    counts = (catalogue.offering_counts(db.session, [h.service.id for h in outcome.hits])
              if outcome and mpp is None else {})        # "at N halls": for all halls only
    popular = [] if outcome is None or outcome.hits else ops.most_searched(
        db.session, mpp.slug if mpp else None)
    page = render_template("search/results.html", form=form, mpp=mpp, outcome=outcome,
                           counts=counts, popular=popular)
    return page, outcome.hits[0].service.id if outcome and outcome.hits else None


def _filters():
    """The filters' provinces and agencies as (value, label) pairs, read once per catalogue
    version."""
    return ([(p.code, p.name) for p in catalogue.list_provinces_only(db.session)],
            [(a.slug, a.short_name) for a in catalogue.list_agencies(db.session)])


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
