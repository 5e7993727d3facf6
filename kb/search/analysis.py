"""Indonesian text analysis for Whoosh: tokens, compounds, stop words and a cached Sastrawi stemmer.

The stem function is module-level on purpose: Whoosh pickles analyzers into the index's table of
contents, and a bound method would drag its whole object along (and its caches) into every TOC.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from whoosh.analysis import Token, Tokenizer

ANALYZER_VERSION = 4  # 4: the background and learned-acronym fields, lexicon keys without stop words
# Words, with inner hyphens/apostrophes/dots kept together ("simpadu-pmi", "e-ktp"); a trailing "+"
# belongs to the name ("Dokter Plus+").
TOKEN_PATTERN = r"\w+(?:[-'.]\w+)*\+?"
_WORD_RE = re.compile(TOKEN_PATTERN, re.UNICODE)
_SPLIT_RE = re.compile(r"[-'.+]")

# Small curated list: function words only. Big published lists drop content words such as "kerja",
# "umum" or "baru" that matter here (we checked the common published lists against our write-ups).
STOP_WORDS = frozenset("""
yang dan di ke dari untuk dengan pada dalam atau ini itu adalah sebagai oleh juga akan telah sudah
bagi para secara agar supaya serta tersebut yaitu yakni karena bahwa tentang hingga sampai antara
kami kita saya anda mereka ia dia nya pun lah kah tah per se
bagaimana apa apakah siapa mengapa kenapa kapan dimana mana cara caranya ada bisa dapat
the a an of and or in on for to with by from at is are was were be been how what which who why
""".split())

_sastrawi = None
# Stems already computed: a plain dict (read directly by `positions`, the hot loop of a full build),
# cleared when it reaches STEM_CACHE_SIZE so that it stays bounded in a long-running process. Sastrawi's
# own cache is bypassed: it never forgets anything.
STEM_CACHE_SIZE = 400_000
_stems: dict[str, str] = {}


def word_parts(words: Iterable[str]) -> list[str]:
    """The parts of compound words ("simpadu-pmi" -> simpadu, pmi), split as the analyzer indexes them."""
    return [p for w in words for p in _SPLIT_RE.split(w) if p]


def _stemmer():  # noqa: ANN202
    global _sastrawi
    if _sastrawi is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        # The factory wraps the stemmer in a CachedStemmer whose dict grows without bound; its `stem` is
        # the wrapped stemmer's `stem` plus that memo, so the wrapped one gives the same stems.
        _sastrawi = StemmerFactory().create_stemmer().delegatedStemmer
        from kb.search import stemmer_re

        stemmer_re.install()  # the same stems, faster (kb/search/stemmer_re.py)
    return _sastrawi


def stem(word: str) -> str:
    """Indonesian stem of a lowercase word; short words, numbers and compounds are left alone."""
    try:
        return _stems[word]
    except KeyError:
        pass
    result = word if len(word) < 4 or not word.isalpha() else (_stemmer().stem(word) or word)
    if len(_stems) >= STEM_CACHE_SIZE:
        _stems.clear()
    _stems[word] = result
    return result


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
        for word, word_pos, match in _terms(value, start_pos):
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

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of `value` with its positions, in order: what Whoosh's Positions format collects from
        `self(value, positions=True)`, without a Token per word (full builds index with this). The
        plain-word case of `_terms` is written out here: this loop is most of a full build's analysis."""
        found: dict[str, list[int]] = {}
        stemming = self.stemming
        stems = _stems

        def add(word: str, at: int) -> None:
            if word not in STOP_WORDS:
                term = (stems.get(word) or stem(word)) if stemming else word
                if term in found:
                    found[term].append(at)
                else:
                    found[term] = [at]

        pos = 0
        for low in [w.lower() for w in _WORD_RE.findall(value)]:
            if low.isalnum():
                if low not in STOP_WORDS:
                    term = (stems.get(low) or stem(low)) if stemming else low
                    at = found.get(term)
                    if at is None:
                        found[term] = [pos]
                    else:
                        at.append(pos)
                pos += 1
            else:
                compound, pos = _compound(low, pos)
                for word, at in compound:
                    add(word, at)
        return found


def _terms(value: str, start_pos: int) -> Iterator[tuple[str, int, re.Match[str]]]:
    """(word, position, match) for every word of `value`, lowercase, stop words included (see
    `_compound` for words with hyphens, apostrophes or dots)."""
    pos = start_pos
    for match in _WORD_RE.finditer(value):
        low = match.group(0).lower()
        if low.isalnum():
            yield low, pos, match
            pos += 1
            continue
        compound, pos = _compound(low, pos)
        for word, at in compound:
            yield word, at, match


def _compound(low: str, pos: int) -> tuple[list[tuple[str, int]], int]:
    """The terms of a lowercase word that is not plain letters and digits, from position `pos`, and the
    next position: a compound ("simpadu-pmi") gives its parts in sequence and then the joined name at the
    first part's position; a word with one part ("plus+") gives that part."""
    parts = word_parts((low,))
    if len(parts) <= 1:
        return [(parts[0] if parts else low, pos)], pos + 1
    return [(part, pos + i) for i, part in enumerate(parts)] + [("".join(parts), pos)], pos + len(parts)


def stemming_analyzer() -> IndonesianAnalyzer:
    """For the ranked text fields: compounds, lowercase, stop words, Sastrawi stems."""
    return IndonesianAnalyzer(stemming=True)


def exact_analyzer() -> IndonesianAnalyzer:
    """For the unstemmed fields: exact names, acronyms, numbers, spelling suggestions."""
    return IndonesianAnalyzer(stemming=False)
