"""From a citizen's words to a Whoosh query: synonyms, stems, typo tolerance and filters."""
from dataclasses import dataclass, field
from importlib.resources import files

from whoosh import query as q

from .analysis import stem, words

TEXT_FIELDS = ("name", "name_en", "tags", "body")
SHIPPED_SYNONYMS = files(__package__) / "synonyms.txt"


def parse_synonym_lines(lines):
    """Groups of entries; each entry a tuple of stems ("kartu keluarga" → ("kartu", "keluarga"))."""
    groups = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        entries = {tuple(stem(w) for w in words(entry)) for entry in line.split(",")}
        entries.discard(())
        if len(entries) > 1:
            groups.append(entries)
    return groups


def shipped_synonyms():
    return parse_synonym_lines(SHIPPED_SYNONYMS.read_text(encoding="utf-8").splitlines())


@dataclass
class Thesaurus:
    """Which entries mean the same: each entry maps to every entry of every group it is in."""
    groups: list
    version: int = 0           # which load of the synonym lists this is
    _by_entry: dict = field(default_factory=dict)
    longest: int = 1

    def __post_init__(self):
        for group in self.groups:
            for entry in group:
                self._by_entry.setdefault(entry, set()).update(group)
                self.longest = max(self.longest, len(entry))

    def units(self, tokens):
        """Split query tokens into units, joining words that form a known entry ("izin usaha")."""
        stems = [stem(t) for t in tokens]
        units, i = [], 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                key = tuple(stems[i:i + size])
                if size == 1 or key in self._by_entry:
                    units.append((tokens[i:i + size], self._by_entry.get(key, {key}) | {key}))
                    i += size
                    break
        return units


def _entry_query(fieldname, entry):
    terms = [q.Term(fieldname, s) for s in entry]
    return terms[0] if len(terms) == 1 else q.And(terms)


def unit_query(tokens, alternatives, reader=None):
    """Any field containing any alternative of this unit, or a near spelling of the typed word.

    The near spelling is only tried for a word the index does not know as typed: expanding a
    fuzzy term over the whole vocabulary is the most expensive part of a query.
    """
    parts = [_entry_query(f, entry) for f in TEXT_FIELDS for entry in sorted(alternatives)
             if reader is None or all((f, stem) in reader for stem in entry)]
    if len(tokens) == 1 and len(tokens[0]) >= 4 and tokens[0].isalpha():
        word = tokens[0]
        if reader is None or ("plain", word) not in reader:
            parts.append(q.FuzzyTerm("plain", word, boost=0.6,
                                     maxdist=1 if len(word) < 7 else 2, prefixlength=1))
    return q.Or(parts)


@dataclass
class CitizenQuery:
    """The query for the index, and one sub-query a unit to count how many units a hit covers."""
    query: q.Query
    units: list


def build_query(text, thesaurus, filters=(), reader=None):
    """Units OR-ed together, restricted by the filters; None when no word is left."""
    units = [unit_query(tokens, alts, reader)
             for tokens, alts in thesaurus.units(words(text))]
    units = [unit for unit in units if unit.subqueries]      # words the index cannot match
    if not units:
        return None
    query = units[0] if len(units) == 1 else q.Or(units)
    filters = [q.Term(name, value) for name, value in filters if value]
    return CitizenQuery(q.And([query, *filters]) if filters else query, units)


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
