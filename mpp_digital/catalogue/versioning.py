"""The catalogue's version: every flush that adds, changes or removes a hall, an agency, a
service, an offering, opening hours, a closure, a line, a counter or a life event (or a
service's needs) bumps one counter in the
same transaction. Public pages build their ETags and cache keys from it
(catalogue/caching.py), so no invalidation message is ever needed."""
from itertools import chain

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import read_committed, upsert
from .models import (Agency, CatalogueVersion, Closure, Counter, LifeEvent, LifeEventStep, Mpp,
                     Offering, OpeningHours, Province, Queue, Region, Service)

VERSIONED = (Agency, Closure, Counter, LifeEvent, LifeEventStep, Mpp, Offering, OpeningHours,
             Province, Queue, Region, Service)


_VERSION = select(CatalogueVersion.version).where(CatalogueVersion.id == 1)
# The version as a column of another read (NULL before the catalogue's first change).
CURRENT = _VERSION.scalar_subquery().label("catalogue_version")


def current():
    """The catalogue's version (0 before its first change), as committed now, read before
    anything else on a connection of its own (extensions.read_committed)."""
    row = read_committed(_VERSION)
    return row[0] if row else 0


def bump(session):
    session.execute(upsert(session, CatalogueVersion).values(id=1, version=1)
                    .on_conflict_do_update(index_elements=["id"],
                                           set_={"version": CatalogueVersion.version + 1}))


@event.listens_for(Session, "after_flush")
def _bump_on_catalogue_changes(session, flush_context):
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, VERSIONED) and (obj not in session.dirty
                                           or session.is_modified(obj)):
            bump(session)
            return
