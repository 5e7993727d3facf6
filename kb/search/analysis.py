"""Indonesian text analysis for Whoosh: tokens, compounds, stop words and a cached Sastrawi stemmer.

The stem function is module-level on purpose: Whoosh pickles analyzers into the index's table of
contents, and a bound method would drag its whole object along (see STACK-NOTES).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

ANALYZER_VERSION = 3
# Words, with inner hyphens/apostrophes/dots kept together ("simpadu-pmi", "e-ktp"); a trailing "+"
# belongs to the name ("Dokter Plus+").
TOKEN_PATTERN = r"\w+(?:[-'.]\w+)*\+?"
_WORD_RE = re.compile(TOKEN_PATTERN, re.UNICODE)
_SPLIT_RE = re.compile(r"[-'.+]")

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



def word_parts(words: Iterable[str]) -> list[str]:
    """The parts of compound words ("simpadu-pmi" -> simpadu, pmi), split as the analyzer indexes them."""
    return [p for w in words for p in _SPLIT_RE.split(w) if p]

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


class IndonesianAnalyzer(Tokenizer):
    """The whole chain in one pass: tokens, compounds, lowercase, stop words and (optionally) stems.

    Equivalent to a RegexTokenizer | compound splitter | LowercaseFilter | StopFilter | StemFilter chain,
    but one generator instead of five per token: analysis dominated index build time.
    """

    def __init__(self, stemming: bool = True) -> None:
        self.stemming = stemming

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndonesianAnalyzer) and other.stemming == self.stemming

    def __hash__(self) -> int:
        return hash(("IndonesianAnalyzer", self.stemming))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,  # noqa: ANN001, ANN204
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        stemming = self.stemming
        pos = start_pos
        for match in _WORD_RE.finditer(value):
            low = match.group(0).lower()
            if low.isalnum():
                emitted = ((low, pos),)
                pos += 1
            else:
                parts = word_parts((low,))
                if len(parts) <= 1:
                    emitted = ((parts[0] if parts else low, pos),)
                    pos += 1
                else:  # "simpadu-pmi": the parts in sequence, and the joined name at the first position
                    emitted = tuple((part, pos + i) for i, part in enumerate(parts)) + (("".join(parts), pos),)
                    pos += len(parts)
            for word, word_pos in emitted:
                if removestops and word in STOP_WORDS:
                    continue
                t.text = stem(word) if stemming else word
                if keeporiginal:
                    t.original = word
                t.boost = 1.0
                t.stopped = False
                if positions:
                    t.pos = word_pos
                if chars:
                    t.startchar, t.endchar = start_char + match.start(), start_char + match.end()
                yield t


def stemming_analyzer() -> IndonesianAnalyzer:
    """For the ranked text fields: compounds, lowercase, stop words, Sastrawi stems."""
    return IndonesianAnalyzer(stemming=True)


def exact_analyzer() -> IndonesianAnalyzer:
    """For the unstemmed fields: exact names, acronyms, numbers, spelling suggestions."""
    return IndonesianAnalyzer(stemming=False)
