"""From a citizen's words to a Whoosh query: synonyms, stems, typo tolerance and filters."""
from dataclasses import dataclass

from whoosh import query as q

from .analysis import words

TEXT_FIELDS = ("name", "name_en", "tags", "body")
KEYWORDS = "tags"


def _entry_query(fieldname, entry):
    terms = [q.Term(fieldname, s) for s in entry]
    return terms[0] if len(terms) == 1 else q.And(terms)


def unit_query(tokens, entry, thesaurus, reader=None, concepts=True):
    """Any field containing this unit's meaning, or a near spelling of the typed word.

    With `concepts` (an index written with this thesaurus), a unit in a synonym group asks
    for its group's concept word in each field, and for the group's alternatives only in the
    curated keywords: a service whose keywords name a thing in several ways ("paspor pasport
    passport") is the one citizens mean by it, and a concept alone would weigh those as one.
    Without concepts (an index still written with other synonyms) it asks for every
    alternative in every field: for one word, up to 40 terms and And-trees.
    The near spelling is only tried for a word the index knows in no form, neither as typed
    nor by its stem or a synonym ("perpanjang" is known as "panjang"): expanding a fuzzy term
    over the whole vocabulary is the most expensive part of a query (25 ms for a ten-letter
    word on the national catalogue).
    """
    meanings = thesaurus.concepts_of(entry) if concepts else set()
    alternatives = sorted(thesaurus.alternatives(entry))
    if meanings:
        asked = [(f, (concept,)) for f in TEXT_FIELDS for concept in sorted(meanings)]
        asked += [(KEYWORDS, alt) for alt in alternatives]
    else:
        asked = [(f, alt) for f in TEXT_FIELDS for alt in alternatives]
    parts = [_entry_query(f, alt) for f, alt in asked
             if reader is None or all((f, stem) in reader for stem in alt)]
    word = tokens[0]
    if len(tokens) == 1 and len(word) >= 4 and word.isalpha() and (
            reader is None or not parts and ("plain", word) not in reader):
        parts.append(q.FuzzyTerm("plain", word, boost=0.6,
                                 maxdist=1 if len(word) < 7 else 2, prefixlength=1))
    return q.Or(parts)


@dataclass
class CitizenQuery:
    """The query for the index, one sub-query a unit to count how many units a hit covers,
    and the stems to mark in a hit's name."""
    query: q.Query
    units: list
    marks: frozenset


def build_query(text, thesaurus, filters=(), reader=None, concepts=True):
    """Units OR-ed together, restricted by the filters; None when no word is left."""
    units, marks = [], set()
    for tokens, entry in thesaurus.units(words(text)):
        units.append(unit_query(tokens, entry, thesaurus, reader, concepts))
        marks.update(stem for alt in thesaurus.alternatives(entry) for stem in alt)
    units = [unit for unit in units if unit.subqueries]      # words the index cannot match
    if not units:
        return None
    query = units[0] if len(units) == 1 else q.Or(units)
    filters = [q.Term(name, value) for name, value in filters if value]
    return CitizenQuery(q.And([query, *filters]) if filters else query, units,
                        frozenset(marks))


def _unit_terms(units, reader):
    """(field, term bytes) → the units it belongs to; fuzzy terms by what they expand to."""
    owners = {}
    for number, unit in enumerate(units):
        for leaf in unit.leaves():
            expanded = (leaf.expanded_terms(reader) if isinstance(leaf, q.FuzzyTerm)
                        else leaf.terms())
            for fieldname, text in expanded:
                key = (fieldname, text.encode() if isinstance(text, str) else text)
                owners.setdefault(key, set()).add(number)
    return owners


def rank(searcher, citizen_query, limit, pool=60):
    """Hits that cover more of the citizen's words first, then by BM25F score.

    "paspor hilang" must put "Penggantian paspor hilang" above every other passport service,
    however often they say "paspor".
    """
    multi = len(citizen_query.units) > 1
    results = searcher.search(citizen_query.query, limit=pool, terms=multi)
    hits = [results[i] for i in range(results.scored_length())]   # len() would count them all
    if multi:
        owners = _unit_terms(citizen_query.units, searcher.reader())

        def coverage(hit):
            units = set()
            for term in hit.matched_terms():
                units |= owners.get(term, set())
            return len(units)

        hits.sort(key=lambda hit: (-coverage(hit), -hit.score))
    return results, hits[:limit]
