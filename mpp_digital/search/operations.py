"""Searching the catalogue: the index when it is usable, the database when it is not."""
import hashlib
import logging
from dataclasses import dataclass, field
from typing import NamedTuple

from markupsafe import Markup
from sqlalchemy import bindparam, func, or_, select
from whoosh.highlight import HtmlFormatter, WholeFragmenter, highlight
from whoosh.scoring import BM25F

from .. import throttle
from ..catalogue.models import Agency, Mpp, Offering, OnlineMode, Region, Service
from ..errors import DomainError
from ..catalogue import versioning
from ..extensions import committed_connection, db, remember_all, remembered_memo, upsert
from . import thesaurus
from .analysis import indonesian_analyzer, words
from .models import SearchSynonym, SearchTally
from .query import build_query, rank
from .thesaurus import parse_synonym_lines

log = logging.getLogger(__name__)


# Official names run long for administrative reasons ("Paspor biasa non-elektronik 5 tahun
# (baru atau …)"): a milder length penalty on names than on other text.
WEIGHTING = BM25F(name_B=0.3, name_en_B=0.3)

FOUND_SERVICES_KEPT = 20000       # hits' services kept per process (the nation has ~5,000)


@dataclass(frozen=True)
class SearchRequest:
    """What a citizen asked, with the filters of the results page or the API."""
    text: str
    mpp: str | None = None          # an MPP slug: only its offerings
    province: str | None = None     # a province code: only services offered there
    agency: str | None = None       # an agency slug
    category: str | None = None
    online_only: bool = False
    limit: int = 20

    def filters(self):
        return (("mpps", self.mpp), ("provinces", self.province), ("agency_slug", self.agency),
                ("category", self.category), ("online", "1" if self.online_only else None))


class FoundService(NamedTuple):
    """A service as a hit shows it (the results page, the API), kept per catalogue version."""
    id: int
    slug: str
    name: str
    name_en: str | None
    fee: int
    online_mode: OnlineMode
    agency_short_name: str


_FOUND = (select(Service.id, Service.slug, Service.name, Service.name_en, Service.fee,
                 Service.online_mode, Agency.short_name)
          .join(Service.agency).where(Service.id.in_(bindparam("ids", expanding=True))))


def found_services(ids, version):
    """{id: FoundService} of these services, each read once per catalogue `version` (read
    before, by the caller) on a connection of its own: a search answered from the index and
    these memos opens no transaction."""
    memo = remembered_memo("found-services")
    found = {sid: memo[(version, sid)] for sid in ids if (version, sid) in memo}
    missing = [sid for sid in ids if sid not in found]
    if missing:
        with committed_connection() as connection:
            rows = [FoundService(*row) for row in connection.execute(_FOUND, {"ids": missing})]
        remember_all("found-services", [((version, row.id), row) for row in rows],
                     FOUND_SERVICES_KEPT)
        found.update((row.id, row) for row in rows)
    return found


@dataclass
class Hit:
    service: FoundService
    title: Markup           # the service's name with the matched words in <mark>


@dataclass
class SearchOutcome:
    hits: list = field(default_factory=list)
    suggestion: str | None = None      # "paspor" for "pasprt", when nothing was found
    from_index: bool = True


# --- synonyms ------------------------------------------------------------------------------

class SynonymRefused(DomainError):
    status = 422


def add_synonym(session, text, now):
    """Add a group of words that mean the same ("akte, akta"); flushes only."""
    groups = parse_synonym_lines([text])
    if not groups:
        raise SynonymRefused("Tulis paling sedikit dua kata atau frasa, dipisahkan koma.")
    row = SearchSynonym(terms=", ".join(p.strip() for p in text.split(",") if p.strip()),
                        created_at=now)
    session.add(row)
    session.flush()
    thesaurus.forget()
    return row


# --- searching -----------------------------------------------------------------------------

def search(index, session, request, language="id", version=None):
    """Answer from the index; if it is missing or broken, from the database, and rebuild it.
    `version`: the catalogue's, when the caller has read it already."""
    if version is None:
        version = versioning.current()
    try:
        return _search_index(index, session, request, language, version)
    except Exception:           # a broken index must never fail the page
        log.warning("search index unusable; answering from the database", exc_info=True)
        index.rebuild_soon()
        return SearchOutcome(hits=_search_database(session, request, version),
                             from_index=False)


def _search_index(index, session, request, language, version):
    index.open()
    index.sync_if_due(session)
    words_in_use = thesaurus.current(session)
    concepts = index.knows(words_in_use, session)
    words_in_use = thesaurus.current(session)       # reloaded if the index knew newer ones
    # Citizens ask the same few things all day: a result stays valid until the index commits
    # again (its generation number changes) or the synonym list changes.
    key = (*index.applied(), words_in_use.fingerprint, concepts, language, request)
    cached = index.cache_get(key)
    if cached is None:
        cached = _ask_index(index, words_in_use, concepts, request, language)
        index.cache_put(key, cached)
    found, suggestion = cached
    services = found_services([service_id for service_id, _ in found], version)
    hits = [Hit(services[sid], title) for sid, title in found if sid in services]
    return SearchOutcome(hits=hits, suggestion=suggestion)


_STEMS = indonesian_analyzer()


def _ask_index(index, words_in_use, concepts, request, language):
    """([(service id, highlighted title)], spelling suggestion) from the index."""
    with index.searcher(WEIGHTING) as searcher:
        query = build_query(request.text, words_in_use, request.filters(), searcher.reader(),
                            concepts)
        if query is None:
            return [], None
        _, hits = rank(searcher, query, request.limit)
        found = [(int(hit["service_id"]), _highlight(hit, query.marks, language))
                 for hit in hits]
        return found, None if found else _suggest(searcher, request.text)


def _highlight(hit, marks, language):
    """The name with the searched words (every alternative's stems) in <mark>; the index's
    concept words are not in the stored name, so the marks come from the words themselves."""
    field_name = "name_en" if language == "en" and hit.get("name_en") else "name"
    marked = highlight(hit[field_name], marks, _STEMS, WholeFragmenter(),
                       HtmlFormatter(tagname="mark", between=""))   # it numbers the words
    return Markup(marked) if marked else Markup.escape(hit[field_name])


def _suggest(searcher, text):
    typed = words(text)
    corrected = []
    for word in typed:
        options = searcher.suggest("plain", word, limit=1, maxdist=2, prefix=1)
        corrected.append(options[0] if options else word)
    return " ".join(corrected) if corrected != typed else None


def _search_database(session, request, version):
    """The fallback: services whose name or keywords contain the words or their synonyms."""
    words_in_use = thesaurus.current(session)
    units = [(raw, words_in_use.alternatives(entry))
             for raw, entry in words_in_use.units(words(request.text))]
    if not units:
        return []
    haystack = func.lower(Service.name + " " + func.coalesce(Service.name_en, "") + " "
                          + Service.keywords)
    score = sum((or_(*(haystack.contains(" ".join(tokens), autoescape=True)
                       for tokens in [raw] + [list(a) for a in alts])).cast(db.Integer))
                for raw, alts in units)
    query = select(Service).join(Service.agency).where(score > 0)
    if request.mpp or request.province:
        query = query.where(Service.id.in_(
            select(Offering.service_id).join(Offering.mpp).join(Mpp.region)
            .where(Mpp.slug == request.mpp if request.mpp
                   else Region.province_code == request.province)))
    if request.agency:
        query = query.where(Agency.slug == request.agency)
    if request.category:
        query = query.where(Service.category == request.category)
    if request.online_only:
        query = query.where(Service.online_mode == OnlineMode.ONLINE)
    starts = func.lower(Service.name).startswith(units[0][0][0], autoescape=True)
    ids = session.scalars(query.with_only_columns(Service.id)
                          .order_by(score.desc(), starts.desc(), Service.name)
                          .limit(request.limit)).all()
    services = found_services(ids, version)
    return [Hit(services[i], Markup.escape(services[i].name)) for i in ids if i in services]


# --- what people search for ----------------------------------------------------------------

def first_search_today(client, text, per_client):
    """True the first time today that `client` (an address) asks `text`, while that client has
    had fewer than `per_client` searches counted today; the query is keyed by a hash, not kept."""
    query = hashlib.sha256(" ".join(words(text)).encode()).hexdigest()[:32]
    if not throttle.allows(per_client, "search-client", client):
        return False
    if not throttle.hit("1 per day", "search-query", client, query):
        return False
    return throttle.hit(per_client, "search-client", client)


def count_search(session, service_id):
    """One more search answered first by this service (no query text is kept)."""
    statement = upsert(session, SearchTally).values(service_id=service_id, hits=1)
    session.execute(statement.on_conflict_do_update(
        index_elements=[SearchTally.service_id], set_={"hits": SearchTally.hits + 1}))


def most_searched(session, mpp_slug=None, limit=5):
    query = (select(Service).join(SearchTally, SearchTally.service_id == Service.id)
             .order_by(SearchTally.hits.desc(), Service.name).limit(limit))
    if mpp_slug:
        query = query.where(Service.id.in_(select(Offering.service_id).join(Offering.mpp)
                                           .where(Mpp.slug == mpp_slug)))
    return session.scalars(query).all()
