"""Synonyms expanded when the index is written, and the searcher a process keeps.

The index holds a concept word for every synonym group a service's text touches; a query asks
for it instead of every alternative in every field, and only while the index was written with
the synonyms in force. A process keeps one searcher between searches and opens a new one when
the index commits."""
import csv
import gc
from pathlib import Path

from sqlalchemy import select

from mpp_digital import clock
from mpp_digital.catalogue.models import Service
from mpp_digital.extensions import db
from mpp_digital.search import thesaurus
from mpp_digital.search.index import SearchIndex
from mpp_digital.search.operations import WEIGHTING, SearchRequest, add_synonym, search
from mpp_digital.search.query import build_query, rank

QUERIES = Path(__file__).with_name("queries.csv")


def _terms(index, field):
    with index.searcher(WEIGHTING) as searcher:
        return {term.decode() for term in searcher.lexicon(field)}


def test_the_index_holds_each_groups_concept_and_shows_the_name_alone(app, index):
    with app.app_context():
        words = thesaurus.current(db.session)
        kk = thesaurus.concept_word(next(g for g in words.groups if ("kk",) in g))
        assert index.state()["thesaurus"] == words.fingerprint
        assert kk in _terms(index, "name")              # "Penerbitan Kartu Keluarga (KK) baru"
        with index.searcher(WEIGHTING) as searcher:
            stored = [doc["name"] for doc in searcher.documents()]
        assert stored and not any("syn_" in name for name in stored)
        found = search(index, db.session, SearchRequest("family card")).hits
        assert found[0].service.slug == "kartu-keluarga-baru"
        assert "syn_" not in str(found[0].title)


def test_a_query_asks_for_one_concept_a_field_instead_of_every_alternative(app, index):
    with app.app_context():
        words = thesaurus.current(db.session)
        with index.searcher(WEIGHTING) as searcher:
            reader = searcher.reader()
            concepts = build_query("bikin ktp", words, (), reader, concepts=True)
            alternatives = build_query("bikin ktp", words, (), reader, concepts=False)
    asked = list(concepts.query.leaves())
    assert len(asked) < len(list(alternatives.query.leaves()))
    outside_keywords = [term.text for term in asked if term.fieldname != "tags"]
    assert outside_keywords and all(text.startswith("syn_") for text in outside_keywords)
    assert concepts.marks == alternatives.marks         # the same words marked in the names


def test_both_ways_of_asking_find_every_listed_service_in_the_top_three(app, index):
    with QUERIES.open(encoding="utf-8") as fh:
        cases = list(csv.DictReader(fh))
    with app.app_context():
        words = thesaurus.current(db.session)
        with index.searcher(WEIGHTING) as searcher:
            for concepts in (True, False):
                first = 0
                for case in cases:
                    query = build_query(case["query"], words, (), searcher.reader(), concepts)
                    found = [hit["slug"] for hit in rank(searcher, query, 3)[1]]
                    assert case["expected"] in found, (concepts, case["query"], found)
                    first += found[0] == case["expected"]
                assert first >= 0.95 * len(cases), (concepts, first)


def test_new_synonyms_are_asked_as_typed_until_the_index_is_rebuilt_with_them(app, index):
    with app.app_context():
        before = index.state()["thesaurus"]
        add_synonym(db.session, "boyongan, pindah datang", clock.utc(clock.now()))
        db.session.commit()
        # The index knows other synonyms: the search asks for the alternatives as typed …
        assert not index.knows(thesaurus.current(db.session), db.session)
        found = search(index, db.session, SearchRequest("boyongan")).hits
        assert found[0].service.slug == "pindah-datang"
        # … and the index is rebuilt with them, after which the concepts are used again.
        index.wait_for_rebuild()
        words = thesaurus.current(db.session)
        assert index.state()["thesaurus"] == words.fingerprint != before
        assert index.knows(words, db.session)
        assert search(index, db.session, SearchRequest("boyongan")).hits[0].service.slug == \
            "pindah-datang"


def test_a_change_written_with_other_synonyms_stops_the_concepts_until_a_rebuild(
        app, index, monkeypatch):
    """A process whose synonyms differ from the index's writes a service: its document has
    other concept words than the rest, so no query may trust them until the rebuild."""
    with app.app_context():
        other = thesaurus.Thesaurus(thesaurus.shipped_synonyms()[1:])    # without the KTP group
        monkeypatch.setattr(thesaurus, "fresh", lambda session: other)
        monkeypatch.setattr(thesaurus, "current", lambda session: other)
        service = db.session.scalar(select(Service).where(Service.slug == "paspor-biasa"))
        service.summary += " Kini juga di gerai."
        db.session.commit()
        assert index.state()["thesaurus"] is None
        monkeypatch.undo()
        assert not index.knows(thesaurus.current(db.session), db.session)   # and rebuilds
        index.wait_for_rebuild()
        assert index.state()["thesaurus"] == thesaurus.current(db.session).fingerprint


def test_a_process_keeps_its_searcher_until_the_index_commits(app, index):
    with app.app_context():
        with index.searcher(WEIGHTING) as first:
            pass
        with index.searcher(WEIGHTING) as again:
            assert again is first and not first.is_closed
        service = db.session.scalar(select(Service).where(Service.slug == "paspor-biasa"))
        service.name = "Paspor biasa (dicetak di tempat)"
        db.session.commit()                               # the index applies it after commit
        with index.searcher(WEIGHTING) as after:
            assert after is not first and first.is_closed
        assert search(index, db.session, SearchRequest("dicetak")).hits[0].service.slug == \
            "paspor-biasa"


def test_a_kept_searcher_is_closed_with_its_index(app, index, recwarn):
    other = SearchIndex(index.folder)
    with other.searcher(WEIGHTING) as kept:
        pass
    del other
    gc.collect()
    assert kept.is_closed
    assert not [w for w in recwarn if issubclass(w.category, ResourceWarning)]
