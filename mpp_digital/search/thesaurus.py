"""Words that mean the same to citizens: the shipped list and the groups staff add.

The index is written with a concept word for every synonym group a document's text touches
("kartu keluarga" in a name also indexes the KK group's concept), so that a query asks for
one concept term where it would otherwise ask for every alternative in every field. A
generation records the fingerprint of the groups it was written with; a query uses the
concepts only when that fingerprint is the one in force, and otherwise asks for the
alternatives as they are typed (see query.py) while the index is rebuilt.
"""
import hashlib
import time
from dataclasses import dataclass, field
from importlib.resources import files

from sqlalchemy import select

from .analysis import stem, words
from .models import SearchSynonym

SHIPPED = files(__package__) / "synonyms.txt"
TTL = 30.0      # seconds; staff additions reach every process within this


def parse_synonym_lines(lines):
    """Groups of entries; each entry a tuple of stems ("kartu keluarga" → ("kartu", "keluarga"))."""
    groups = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        entries = {tuple(stem(w) for w in words(entry)) for entry in line.split(",")}
        entries.discard(())
        if len(entries) > 1:
            groups.append(frozenset(entries))
    return groups


def shipped_synonyms():
    return parse_synonym_lines(SHIPPED.read_text(encoding="utf-8").splitlines())


def _spelled(group):
    return sorted(" ".join(entry) for entry in group)


def concept_word(group):
    """The index word standing for a group: stable for the same entries on every machine, and
    never a word the analyzer could produce from text (the underscore keeps it unstemmed and
    \\w+ keeps it one token)."""
    digest = hashlib.sha1("|".join(_spelled(group)).encode()).hexdigest()[:10]
    return f"syn_{digest}"


@dataclass
class Thesaurus:
    """Which entries mean the same: each entry maps to every entry of every group it is in,
    and to those groups' concept words."""
    groups: list
    _by_entry: dict = field(default_factory=dict)
    _concepts: dict = field(default_factory=dict)
    longest: int = 1

    def __post_init__(self):
        for group in self.groups:
            concept = concept_word(group)
            for entry in group:
                self._by_entry.setdefault(entry, set()).update(group)
                self._concepts.setdefault(entry, set()).add(concept)
                self.longest = max(self.longest, len(entry))
        self.fingerprint = hashlib.sha1(
            "\n".join(sorted("|".join(_spelled(g)) for g in self.groups)).encode()
        ).hexdigest()[:16]

    def alternatives(self, entry):
        """Every entry that means what `entry` (a tuple of stems) means, itself included."""
        return self._by_entry.get(entry, set()) | {entry}

    def concepts_of(self, entry):
        """The concept words of the groups `entry` is in; empty for a word in no group."""
        return self._concepts.get(entry, set())

    def _entries_at(self, stems, i):
        for size in range(min(self.longest, len(stems) - i), 0, -1):
            key = tuple(stems[i:i + size])
            if key in self._by_entry:
                yield size, key

    def units(self, tokens):
        """Split query tokens into (tokens, entry) units, joining words that form a known
        entry ("izin usaha"); the longest entry wins."""
        stems = [stem(t) for t in tokens]
        units, i = [], 0
        while i < len(tokens):
            size, key = next(self._entries_at(stems, i), (1, (stems[i],)))
            units.append((tokens[i:i + size], key))
            i += size
        return units

    def concepts_in(self, stems):
        """The concept words for a text's stems: for each entry the text holds, its groups'
        concepts once per word of the entry. A query that asked for every alternative scored
        each one found, and one of several words as much as a word: so a text that names a
        thing in three ways ("paspor pasport passport") still outweighs one that names it
        once, and "surat kelakuan baik" weighs three words. Every position counts, not only
        the longest match."""
        held = {key for i in range(len(stems)) for _, key in self._entries_at(stems, i)}
        return [concept for key in sorted(held) for concept in sorted(self._concepts[key])
                for _ in key]


_cache = {"at": 0.0, "thesaurus": None}


def current(session, now=None):
    """The shipped list plus the groups staff added, cached briefly per process."""
    now = time.monotonic() if now is None else now
    if _cache["thesaurus"] is None or now - _cache["at"] > TTL:
        extra = session.scalars(select(SearchSynonym.terms)).all()
        _cache["thesaurus"] = Thesaurus(shipped_synonyms() + parse_synonym_lines(extra))
        _cache["at"] = now
    return _cache["thesaurus"]


def fresh(session):
    """The groups as the database has them now, for writing the index."""
    forget()
    return current(session)


def forget():
    _cache["thesaurus"] = None
