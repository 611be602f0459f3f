"""The Whoosh index: one document per national service, with the MPPs that offer it.

Layout of the index folder (SEARCH_INDEX_DIR, default instance/search-index/):

    CURRENT          the name of the generation readers use, replaced atomically
    gen-000007/      a complete Whoosh index, plus sync.json: the catalogue changes it holds
    rebuild.lock     held while a new generation is built

A full rebuild writes a new generation and then switches CURRENT, so no reader ever sees a
half-built index. Small changes go into the current generation through Whoosh's own atomic
commit, under Whoosh's write lock, which waits for the other writers.
"""
import json
import logging
import os
import shutil
import threading
import time
import weakref
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.util.filelock import FileLock

from ..catalogue.models import CATEGORIES, Mpp, OnlineMode, Offering, Service
from ..extensions import db
from .. import clock
from ..validation import is_ascii_digits
from . import thesaurus as synonyms
from .analysis import indonesian_analyzer, plain_analyzer
from .models import CatalogueChange

log = logging.getLogger(__name__)

# Changes younger than this are checked again, in case a transaction that took an earlier id
# committed after a later one had been applied.
LATE_COMMIT_WINDOW = timedelta(minutes=2)
WRITE_TIMEOUT = 30     # seconds to wait for another process's write lock
SYNC_INTERVAL = 1.0    # seconds between a process's checks for other machines' changes


def schema():
    stemmed = indonesian_analyzer()
    return Schema(
        service_id=ID(stored=True, unique=True),
        slug=ID(stored=True),
        name=TEXT(analyzer=stemmed, stored=True, field_boost=3.0),
        name_en=TEXT(analyzer=stemmed, stored=True, field_boost=2.0),
        tags=TEXT(analyzer=stemmed, field_boost=1.5),
        body=TEXT(analyzer=stemmed, field_boost=0.4),
        plain=TEXT(analyzer=plain_analyzer(), spelling=True),
        agency_slug=ID,
        category=ID,
        online=ID,
        mpps=KEYWORD,
        provinces=KEYWORD,
    )


_ANALYZER = indonesian_analyzer()


def _with_concepts(text, thesaurus):
    """The text followed by the concept words of the synonym groups it touches."""
    return " ".join((text, *thesaurus.concepts_in([token.text for token in _ANALYZER(text)])))


def service_document(service, thesaurus):
    """The fields of one service's document; `service` has its agency and offerings loaded.
    The searchable text fields carry the concept words of `thesaurus`; the stored name is
    the name alone."""
    mpps = sorted((o.mpp for o in service.offerings), key=lambda mpp: mpp.slug)
    text = {
        "name": service.name,
        "name_en": service.name_en or "",
        "tags": f"{service.keywords} {service.agency.short_name} {service.agency.name}",
        "body": " ".join((service.summary, *_category_labels(service.category),
                          service.product)),
    }
    return {
        "service_id": str(service.id),
        "slug": service.slug,
        **{name: _with_concepts(value, thesaurus) for name, value in text.items()},
        "_stored_name": text["name"],
        "_stored_name_en": text["name_en"],
        "plain": " ".join((service.name, service.name_en or "", service.keywords,
                           service.agency.short_name)),
        "agency_slug": service.agency.slug,
        "category": service.category,
        "online": "1" if service.online_mode == OnlineMode.ONLINE else "0",
        "mpps": " ".join(m.slug for m in mpps),
        "provinces": " ".join(sorted({m.region.province_code for m in mpps})),
    }


def _category_labels(category):
    """The category's name in both languages, so "immigration" finds what "keimigrasian" does."""
    labels = []
    for language in ("id", "en"):
        with force_locale(language):
            labels.append(str(CATEGORIES.get(category, "")))
    return labels


def _services_query():
    return select(Service).options(
        selectinload(Service.agency),
        selectinload(Service.offerings).selectinload(Offering.mpp).selectinload(Mpp.region))


def _now():
    return clock.utc(clock.now())


class SearchIndex:
    """One index folder, as seen from one process."""

    def __init__(self, folder, app=None):
        self.folder = Path(folder)
        self.app = app
        self._opened = None          # (generation name, whoosh index)
        self._synced_at = float("-inf")
        self._rebuilding = None
        self._rebuild_asked_at = float("-inf")
        self._guard = threading.Lock()
        self._cache = OrderedDict()
        self._states = {}            # (generation, commit) → its sync.json, read once
        # One searcher a process, kept between searches and used by one thread at a time
        # (a search is CPU-bound: threads gain nothing by searching at once). Opening one
        # reads every segment's directory and stored-field offsets: most of a fresh search.
        self._searching = threading.Lock()
        self._kept = {}              # "key": (generation, commit, weighting), "searcher"
        # Closed when this object goes, so no file is left for the garbage collector.
        weakref.finalize(self, _close_kept, self._kept)

    # --- answers already computed, per process ------------------------------------------

    CACHE_SIZE = 2048

    def cache_get(self, key):
        with self._guard:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
            return value

    def cache_put(self, key, value):
        with self._guard:
            self._cache[key] = value
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)

    # --- searching -----------------------------------------------------------------------

    @contextmanager
    def searcher(self, weighting):
        """The process's searcher for the current generation and commit, for one thread."""
        with self._searching:
            key = (*self.applied(), weighting)
            if self._kept.get("key") != key:
                _close_kept(self._kept)
                self._kept.update(key=key, searcher=self.open().searcher(weighting=weighting))
            try:
                yield self._kept["searcher"]
            except BaseException:       # a broken index: the next search opens it afresh
                _close_kept(self._kept)
                raise

    def close(self):
        with self._searching:
            _close_kept(self._kept)

    def applied(self):
        """(generation, commit) readers see now: a new one after every rebuild and sync."""
        ix = self.open()
        return self._opened[0], ix.latest_generation()

    def state(self):
        """The applied state of the current generation and commit (sync.json), read once."""
        key = self.applied()
        state = self._states.get(key)
        if state is None:
            state = _read_json(self.folder / key[0] / "sync.json")
            self._states = {key: state}
        return state

    def knows(self, thesaurus, session):
        """True when the index was written with the concepts of `thesaurus`. When it was not,
        the process reloads its synonyms (another may have changed them) and, if they still
        differ, has the index rebuilt; the caller asks without concepts meanwhile."""
        written = self.state().get("thesaurus")
        if written == thesaurus.fingerprint:
            return True
        if written is not None and synonyms.fresh(session).fingerprint == written:
            return False           # this process's list was old; the next search has it
        now = time.monotonic()
        if now - self._rebuild_asked_at >= 5 * SYNC_INTERVAL:
            self._rebuild_asked_at = now
            self.rebuild_soon()
        return False

    # --- generations ---------------------------------------------------------------------

    def current_generation(self):
        try:
            return (self.folder / "CURRENT").read_text(encoding="ascii").strip() or None
        except FileNotFoundError:
            return None

    def open(self):
        """The current generation's Whoosh index; raises when there is none or it is broken."""
        generation = self.current_generation()
        if generation is None:
            raise whoosh_index.EmptyIndexError(f"no search index in {self.folder}")
        if self._opened is None or self._opened[0] != generation:
            self._opened = (generation, whoosh_index.open_dir(str(self.folder / generation)))
        return self._opened[1]

    def rebuild(self, session):
        """Build a new generation from the database and switch readers to it.

        Returns False when another process is already rebuilding.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.folder / "rebuild.lock"))
        if not lock.acquire(blocking=False):
            return False
        try:
            # Changes made from here on are > applied and reach the new generation by sync.
            applied = session.scalar(select(CatalogueChange.id)
                                     .order_by(CatalogueChange.id.desc()).limit(1)) or 0
            number = 1 + max((int(p.name[4:]) for p in self.folder.glob("gen-*")
                              if is_ascii_digits(p.name[4:])), default=0)
            generation = f"gen-{number:06d}"
            path = self.folder / generation
            path.mkdir()
            ix = whoosh_index.create_in(str(path), schema())
            words = synonyms.fresh(session)
            writer = ix.writer(limitmb=128)
            count = 0
            for service in session.scalars(_services_query()):
                writer.add_document(**service_document(service, words))
                count += 1
            writer.commit()
            since = _now() - LATE_COMMIT_WINDOW
            recent = session.execute(select(CatalogueChange.id, CatalogueChange.changed_at)
                                     .where(CatalogueChange.id <= applied,
                                            CatalogueChange.changed_at >= since)).all()
            _write_json(path / "sync.json", {
                "applied": applied, "seen": {str(r.id): r.changed_at.isoformat() for r in recent},
                "thesaurus": words.fingerprint})
            _write_text(self.folder / "CURRENT", generation)
            self._forget_old_generations(keep={generation})
            log.info("search index rebuilt: %s with %d services", generation, count)
            return True
        finally:
            lock.release()

    def _forget_old_generations(self, keep):
        generations = sorted(p for p in self.folder.glob("gen-*") if p.name not in keep)
        # The one before stays a while for readers that still have it open.
        for old in generations[:-1]:
            shutil.rmtree(old, ignore_errors=True)

    def rebuild_soon(self):
        """Rebuild in a background thread (one at a time), with its own database session."""
        with self._guard:
            if self._rebuilding is not None and self._rebuilding.is_alive():
                return self._rebuilding
            self._rebuilding = threading.Thread(target=self._rebuild_with_app_session,
                                                name="search-rebuild", daemon=True)
            self._rebuilding.start()
            return self._rebuilding

    def _rebuild_with_app_session(self):
        try:
            with self.app.app_context(), Session(db.engine) as session:
                self.rebuild(session)
        except Exception:
            log.exception("search index rebuild failed")

    def wait_for_rebuild(self, timeout=60):
        thread = self._rebuilding
        if thread is not None:
            thread.join(timeout)

    # --- keeping in step with the database -----------------------------------------------

    def sync_if_due(self, session):
        """Sync at most once a SYNC_INTERVAL per process: catches other machines' changes."""
        now = time.monotonic()
        if now - self._synced_at >= SYNC_INTERVAL:
            self._synced_at = now
            try:
                self.sync(session, timeout=1.0)
            except Exception:      # the next search tries again; this one reads what is there
                log.warning("search index sync postponed", exc_info=True)

    def pending_changes(self, session, ix):
        """Changes in the database that this generation has not applied yet."""
        state = _read_json(Path(ix.storage.folder) / "sync.json")
        since = _now() - LATE_COMMIT_WINDOW
        rows = session.execute(
            select(CatalogueChange.id, CatalogueChange.service_id, CatalogueChange.changed_at)
            .where(or_(CatalogueChange.id > state["applied"],
                       CatalogueChange.changed_at >= since))).all()
        return state, [r for r in rows if str(r.id) not in state["seen"]]

    def sync(self, session, timeout=WRITE_TIMEOUT):
        """Apply the catalogue changes this index has not seen; True when it wrote anything."""
        ix = self.open()
        _, pending = self.pending_changes(session, ix)
        if not pending:
            return False
        writer = ix.writer(timeout=timeout, delay=0.05)
        try:
            state, pending = self.pending_changes(session, ix)   # another process may have won
            words = synonyms.current(session)
            if words.fingerprint != state.get("thesaurus"):
                words = synonyms.fresh(session)
            if words.fingerprint != state.get("thesaurus"):
                # Documents written with other synonyms than the rest: no concept can be
                # trusted until a rebuild; said before the commit, so no reader of the new
                # commit sees the old fingerprint.
                state["thesaurus"] = None
                _write_json(Path(ix.storage.folder) / "sync.json", state)
            service_ids = {r.service_id for r in pending}
            found = session.scalars(_services_query().where(Service.id.in_(service_ids))).all()
            for service in found:
                writer.update_document(**service_document(service, words))
            for gone in service_ids - {s.id for s in found}:
                writer.delete_by_term("service_id", str(gone))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        since = _now() - LATE_COMMIT_WINDOW
        seen = {key: at for key, at in state["seen"].items()
                if datetime.fromisoformat(at) >= since}
        seen.update({str(r.id): r.changed_at.isoformat() for r in pending
                     if r.changed_at >= since})
        applied = max([state["applied"], *(r.id for r in pending)])
        _write_json(Path(ix.storage.folder) / "sync.json",
                    {"applied": applied, "seen": seen, "thesaurus": state.get("thesaurus")})
        log.info("search index: %d services updated from %d changes", len(service_ids),
                 len(pending))
        return True


def _close_kept(kept):
    searcher = kept.pop("searcher", None)
    kept.pop("key", None)
    if searcher is not None:
        searcher.close()


def _write_text(path, text):
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _write_json(path, data):
    _write_text(path, json.dumps(data, sort_keys=True))


def _read_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"applied": 0, "seen": {}}
