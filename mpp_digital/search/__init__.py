"""Search over the catalogue. The only package that imports Whoosh.

Catalogue writes record which services changed (CatalogueChange) in their own transaction;
after the commit this process applies them to its index, and every other process or machine
applies them at its next search (SearchIndex.sync_if_due).
"""
import logging
from itertools import chain
from pathlib import Path

from flask import current_app
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from .. import clock
from ..catalogue.models import Agency, Mpp, Offering, Service
from .index import SearchIndex
from .models import CatalogueChange

log = logging.getLogger(__name__)


def get_index(app=None):
    return (app or current_app).extensions["mpp_search"]


def init_app(app):
    folder = app.config.get("SEARCH_INDEX_DIR") or Path(app.instance_path) / "search-index"
    app.extensions["mpp_search"] = SearchIndex(folder, app=app)

    from .cli import search_cli
    from .views import bp

    app.cli.add_command(search_cli)
    app.register_blueprint(bp)


def _changed_services(session):
    """Ids of the services whose search documents a flush changes."""
    ids, agencies, mpps = set(), set(), set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, Service):
            ids.add(obj.id)
        elif isinstance(obj, Offering):
            ids.add(obj.service_id if obj.service_id is not None else obj.service.id)
        elif isinstance(obj, Agency) and obj.id is not None:
            agencies.add(obj.id)
        elif isinstance(obj, Mpp) and obj.id is not None:
            mpps.add(obj.id)
    if agencies:
        ids.update(session.scalars(select(Service.id).where(Service.agency_id.in_(agencies))))
    if mpps:
        ids.update(session.scalars(select(Offering.service_id).where(Offering.mpp_id.in_(mpps))))
    ids.discard(None)
    return ids


@event.listens_for(Session, "after_flush")
def _record_catalogue_changes(session, flush_context):
    service_ids = _changed_services(session)
    if service_ids:
        now = clock.utc(clock.now())
        session.execute(insert(CatalogueChange),
                        [{"service_id": i, "changed_at": now} for i in sorted(service_ids)])
        session.info["search_changed"] = True


@event.listens_for(Session, "after_commit")
def _apply_changes_after_commit(session):
    if not session.info.pop("search_changed", False):
        return
    try:
        index = get_index()
    except (RuntimeError, KeyError):      # no app here: the next search will sync
        return
    try:
        with Session(session.get_bind()) as own:
            index.sync(own)
    except Exception:
        log.info("search index not updated after commit; the next search syncs it",
                 exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_changes(session):
    session.info.pop("search_changed", None)
