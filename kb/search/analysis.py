"""Indonesian text analysis for Whoosh: tokens, compounds, stop words and a cached Sastrawi stemmer.

The stem function is module-level on purpose: Whoosh pickles analyzers into the index's table of
contents, and a bound method would drag its whole object along (see STACK-NOTES).
"""
from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

ANALYZER_VERSION = 2
# Words, with inner hyphens/apostrophes/dots kept together ("simpadu-pmi", "e-ktp"); a trailing "+"
# belongs to the name ("Dokter Plus+").
TOKEN_PATTERN = r"\w+(?:[-'.]\w+)*\+?"
_WORD_RE = re.compile(TOKEN_PATTERN, re.UNICODE)

# Small curated list: function words only. Big published lists drop content words such as "kerja",
# "umum" or "baru" that matter here (STACK-NOTES).
STOP_WORDS = frozenset("""
yang dan di ke dari untuk dengan pada dalam atau ini itu adalah sebagai oleh juga akan telah sudah
bagi para secara agar supaya serta tersebut yaitu yakni karena bahwa tentang hingga sampai antara
kami kita saya anda mereka ia dia nya pun lah kah tah per se
bagaimana apa apakah siapa mengapa kenapa kapan dimana mana cara caranya ada bisa dapat
the a an of and or in on for to with by from at is are was were be been how what which who why
""".split())

_sastrawi = None


def _stemmer():  # noqa: ANN202
    global _sastrawi
    if _sastrawi is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        _sastrawi = StemmerFactory().create_stemmer()
    return _sastrawi


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Indonesian stem of a lowercase word; short words, numbers and compounds are left alone."""
    if len(word) < 4 or not word.isalpha():
        return word
    result = _stemmer().stem(word)
    return result or word


def split_words(text: str) -> list[str]:
    """Lowercase tokens as the analyzer sees them (before compounds, stop words and stemming)."""
    return [m.group(0).lower().rstrip("+") or m.group(0) for m in _WORD_RE.finditer(text)]


class CompoundFilter(Filter):
    """"simpadu-pmi" -> "simpadu", "pmi" and "simpadupmi": names are findable whole and by parts."""

    def __call__(self, tokens):  # noqa: ANN001, ANN204
        shift = 0
        for t in tokens:
            text = t.text
            parts = [p for p in re.split(r"[-'.+]", text) if p]
            if getattr(t, "positions", False):
                t.pos += shift
            if len(parts) <= 1:
                if parts:
                    t.text = parts[0]
                yield t
                continue
            base = t.pos if getattr(t, "positions", False) else 0
            for index, part in enumerate(parts):
                t.text = part
                if getattr(t, "positions", False):
                    t.pos = base + index
                yield t
            t.text = "".join(parts)
            if getattr(t, "positions", False):
                t.pos = base
            yield t
            shift += len(parts) - 1


def stemming_analyzer():  # noqa: ANN201 - whoosh Analyzer
    """For the ranked text fields: compounds, lowercase, stop words, Sastrawi stems."""
    return (RegexTokenizer(TOKEN_PATTERN) | CompoundFilter() | LowercaseFilter()
            | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=False) | StemFilter(stemfn=stem, cachesize=-1))


def exact_analyzer():  # noqa: ANN201
    """For the unstemmed fields: exact names, acronyms, numbers, spelling suggestions."""
    return RegexTokenizer(TOKEN_PATTERN) | CompoundFilter() | LowercaseFilter() | StopFilter(
        stoplist=STOP_WORDS, minsize=1, renumber=False)
