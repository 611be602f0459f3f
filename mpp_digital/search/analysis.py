"""Indonesian text analysis for the index and for queries: the same steps on both sides.

Whoosh pickles the analyzer into the index, so the filter must stay importable under this
dotted path and hold no state: the stemmer lives at module level.
"""
import re
from functools import lru_cache

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

# Words that carry no meaning in a citizen's query. Not Sastrawi's list: it holds "buat",
# "baru", "hari" and other words that name services.
STOPWORDS = frozenset("""
yang di ke dari untuk dan atau dengan pada dalam ini itu adalah saya aku mau ingin cara
bagaimana gimana apa apakah syarat persyaratan tolong mohon bisa dimana mana kapan berapa
the a an of for to in on at my how do i is are and or with
""".split())

_TOKEN = r"\w+"


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@lru_cache(maxsize=50_000)
def stem(word):
    """Sastrawi's root of one lower-case word; short words, numbers and acronyms stay as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _stemmer().stem_word(word)


class IndonesianStemFilter(Filter):
    """Replaces each token's text by its Sastrawi stem."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for token in tokens:
            token.text = stem(token.text)
            yield token


def indonesian_analyzer():
    """Words, lower-cased, stop words dropped, stemmed: for the searchable text fields."""
    return (RegexTokenizer(_TOKEN) | LowercaseFilter()
            | StopFilter(stoplist=STOPWORDS, minsize=1) | IndonesianStemFilter())


def plain_analyzer():
    """Words, lower-cased, unstemmed: for typo tolerance and spelling suggestions."""
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | StopFilter(stoplist=STOPWORDS, minsize=2)


def words(text):
    """The query's words as the index sees them before stemming."""
    return [w for w in re.findall(_TOKEN, (text or "").lower()) if w not in STOPWORDS]
