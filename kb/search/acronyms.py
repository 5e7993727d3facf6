"""Acronym <-> long-form pairs learned from the write-ups themselves, stored with each index generation.

Authors already spell their acronyms out: a title acronym with its `full_name` ("SIARDES" / "Sistem
Informasi Arsip Desa"), "Badan Usaha Milik Desa (BUMDes)" or "BUMDes (Badan Usaha Milik Desa)" in a summary
or body, and Markdown abbreviation definitions ("*[BUMDes]: Badan Usaha Milik Desa"). `pairs` finds them
when a document is indexed; they are indexed with it (the `acronyms` field, one term per pair, its lexicon
keys included so that a reader never stems them), so every generation holds exactly the pairs of the
documents it serves: nothing is carried over, a deleted document's pairs stop counting, and a new
write-up's acronym works without a lexicon edit. `Learned` reads them back for the query side, where they
join the lexicon (`Lexicon.concepts`): the acronym expands to its long forms and the reverse.

An acronym in parentheses is checked against the words before it as Schwartz and Hearst do ("A simple
algorithm for identifying abbreviation definitions in biomedical text", 2003): its letters must occur in
order in the candidate long form, the first at the start of a word, within at most min(n + 5, 2n) words for
an acronym of n letters. Indonesian syllable acronyms pass the same test ("Puskesmas" in "Pusat Kesehatan
Masyarakat"). A title made of acronyms is taken with its `full_name` as declared.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kb.search.analysis import STOP_WORDS, TOKEN_PATTERN, split_words

FIELD = "acronyms"
MAX_PAIRS = 24  # per document: bounds the field whatever a body holds
MAX_LONG_WORDS = 12
MAX_LONG_FORMS = 4  # long forms of one acronym used as variants (the most frequent first)
PARTIAL_FROM = 4  # long forms of this many content words still map with one of them missing
_SEP = "\t"  # between the parts of a stored term (never in a word)
_PAREN_RE = re.compile(r"\(([^()\n]{1,150})\)")
_CLAUSE_END_RE = re.compile(r"[.;:!?\n()\[\]]")
_WORD_RE = re.compile(TOKEN_PATTERN)  # words as written (split_words lowercases them)
_ABBR_RE = re.compile(r"^\*\[([^\]\n]{1,30})\]:[ \t]*(\S.{0,200})$", re.M)  # Markdown "*[ACR]: Long form"

Key = tuple[str, ...]
KeyFunction = Callable[[tuple[str, ...]], Key]


def is_acronym(token: str) -> bool:
    """Whether a token as written looks like an acronym: mostly capitals ("BUMDes", "KTP-el", "SIKS-NG")."""
    letters = [c for c in token if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return 2 <= len(token) <= 15 and upper >= 2 and upper * 2 >= len(letters)


def _letters(acronym: str) -> str:
    return "".join(c for c in acronym.lower() if c.isalnum())


def _backward(letters: str, words: list[str]) -> list[str] | None:
    """Schwartz-Hearst: the shortest run of final `words` in which `letters` occur in order, the first of
    them at the start of a word (`words` end just before the parenthesis)."""
    text = " ".join(words)
    s, at = len(letters) - 1, len(text) - 1
    while s >= 0:
        ch = letters[s]
        while at >= 0 and (text[at] != ch or (s == 0 and at > 0 and text[at - 1] != " ")):
            at -= 1
        if at < 0:
            return None
        at -= 1
        s -= 1
    start = text.count(" ", 0, at + 1)  # the word where the first letter matched
    return words[start:]


def _forward(letters: str, words: list[str]) -> list[str] | None:
    """The shortest run of first `words` in which `letters` occur in order, starting with the first word's
    first letter (a long form in parentheses after its acronym)."""
    if not words or not letters or words[0][:1] != letters[0]:
        return None
    text = " ".join(words)
    at = 0
    for ch in letters:
        at = text.find(ch, at)
        if at < 0:
            return None
        at += 1
    return words[: text.count(" ", 0, at) + 1]


def _plausible(acronym: str, long: list[str] | None) -> bool:
    if not long or not 2 <= len(long) <= MAX_LONG_WORDS:
        return False
    n = len(_letters(acronym))
    return (len(long) <= min(n + 5, 2 * n) and long[0] not in STOP_WORDS and long[-1] not in STOP_WORDS
            and _letters(acronym) not in long)  # "Kampung Sawah (Kampung)" spells nothing out


def _titled(words: list[str]) -> bool:
    """Whether words as written are a proper name: every word but stop words capitalized."""
    return all(w[:1].isupper() for w in words if w.lower() not in STOP_WORDS)


def _syllables(token: str, long: list[str]) -> bool:
    """A capitalized word as an acronym ("Puskesmas", "Bappeda") of a capitalized long form."""
    return token[:1].isupper() and token[1:].islower() and len(token) >= 4 and _titled(long)


def _from_parentheses(text: str) -> Iterator[tuple[str, list[str]]]:
    for match in _PAREN_RE.finditer(text):
        inside = match.group(1).strip()
        before = _CLAUSE_END_RE.split(text[max(0, match.start() - 300):match.start()])[-1]
        head = re.split(r"[,;]", inside)[0].strip()
        if " " not in head and head.isascii() and head[:1].isalpha():  # Long Form (ACR)
            written = _WORD_RE.findall(before)
            n = len(_letters(head))
            long = _backward(_letters(head), [w.lower() for w in written[-min(n + 5, 2 * n):]])
            if _plausible(head, long) and (is_acronym(head) or _syllables(head, written[-len(long):])):
                yield head, long  # type: ignore[misc]
            continue
        tokens = before.split()
        acronym = tokens[-1].strip(",") if tokens else ""
        if acronym.isascii() and acronym[:1].isalpha():  # ACR (Long Form)
            written = _WORD_RE.findall(inside)
            long = _forward(_letters(acronym), [w.lower() for w in written])
            if _plausible(acronym, long) and (is_acronym(acronym) or _syllables(acronym, written[:len(long)])):
                yield acronym, long  # type: ignore[misc]


def _from_title(title: str, full_name: str | None) -> Iterator[tuple[str, list[str]]]:
    if not full_name:
        return
    long = split_words(full_name)
    tokens = title.split()
    if tokens and all(is_acronym(t) for t in tokens):  # the title is the acronym of its full name
        if 2 <= len(long) <= MAX_LONG_WORDS and split_words(title) != long:
            yield title, long
        return
    for token in tokens:  # "GERCEP Tengkes" / "Gerakan Cepat Cegah Tengkes": the span the acronym covers
        if is_acronym(token):
            found = _forward(_letters(token), long)
            if _plausible(token, found):
                yield token, found  # type: ignore[misc]


def pairs(title: str, full_name: str | None, texts: Iterable[str], markdown: str = "") -> list[tuple[str, str]]:
    """(acronym, long form) pairs a document spells out, lowercase words joined by spaces, at most MAX_PAIRS.
    `texts`: plain texts (summary, body without Markdown); `markdown`: the raw body, for abbreviation
    definitions."""
    found: dict[tuple[str, str], None] = {}

    def add(acronym: str, long: Iterable[str]) -> None:
        short = " ".join(split_words(acronym))
        words = " ".join(long)
        if short and words and short != words and _SEP not in short + words and "," not in short + words:
            found.setdefault((short, words), None)

    for acronym, long in _from_title(title, full_name):
        add(acronym, long)
    for acronym, definition in _ABBR_RE.findall(markdown):
        long = split_words(definition)
        if 2 <= len(long) <= MAX_LONG_WORDS:
            add(acronym, long)
    for text in texts:
        for acronym, long in _from_parentheses(text):
            add(acronym, long)
    return list(found)[:MAX_PAIRS]


def terms(found: list[tuple[str, str]], key: KeyFunction) -> str:
    """The `acronyms` field's value: one comma-separated term per pair, its lexicon keys included."""
    return ",".join(_SEP.join((short, long, " ".join(key(tuple(short.split()))), " ".join(key(tuple(long.split())))))
                    for short, long in found)


@dataclass(frozen=True)
class Pair:
    short: tuple[str, ...]
    long: tuple[str, ...]
    term: str  # as indexed: liveness is checked on it
    count: int  # documents (as the term dictionary counts them: deleted ones included)


class Learned:
    """The pairs of one index generation, by lexicon key (stems, stop words left out).

    `alive(term)` says whether a live document holds a pair: a generation's term dictionary still lists the
    pairs of documents deleted by an incremental publish, so each pair is checked when a query meets it."""

    def __init__(self, rows: Iterable[tuple[str, int]], alive: Callable[[str], bool]) -> None:
        self.alive = alive
        self._full: dict[Key, list[tuple[Pair, bool]]] = {}  # key -> (pair, the key is the acronym's)
        self._partial: dict[Key, list[Pair]] = {}
        for term, count in rows:
            parts = term.split(_SEP)
            if len(parts) != 4:
                continue
            short, long, short_key, long_key = (tuple(p.split()) for p in parts)
            pair = Pair(short, long, term, count)
            if short_key:
                self._full.setdefault(short_key, []).append((pair, True))
            if long_key:
                self._full.setdefault(long_key, []).append((pair, False))
                if len(long_key) >= PARTIAL_FROM:
                    for i in range(len(long_key)):
                        self._partial.setdefault(long_key[:i] + long_key[i + 1:], []).append(pair)
        self.size = len({pair.term for found in self._full.values() for pair, _ in found})

    def variants(self, key: Key) -> list[tuple[str, ...]]:
        """What a query chunk with this key also means: the long forms of an acronym (most documents first),
        or the acronyms of a long form. Empty if no live document defines it."""
        out: list[tuple[int, tuple[str, ...]]] = []
        for pair, is_short in self._full.get(key, ()):
            if self.alive(pair.term):
                out.append((-pair.count, pair.long if is_short else pair.short))
        return [words for _, words in sorted(out)][:MAX_LONG_FORMS]

    def partial(self, key: Key) -> list[tuple[str, ...]]:
        """A long form with one word missing ("badan usaha desa"): the full long form and its acronym, when
        exactly one learned long form fits."""
        found = {pair.long: pair for pair in self._partial.get(key, ()) if self.alive(pair.term)}
        if len(found) != 1:
            return []
        pair = next(iter(found.values()))
        return [pair.long, pair.short]


def read(reader, alive: Callable[[str], bool]) -> Learned:  # noqa: ANN001
    """The learned pairs of an index generation (an index without the field has none)."""
    if FIELD not in reader.schema:
        return Learned((), alive)
    rows = []
    for term, info in reader.iter_field(FIELD):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        rows.append((text, info.doc_frequency()))
    return Learned(rows, alive)
