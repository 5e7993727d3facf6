"""Acronyms, synonyms and English equivalents, from the editable data file `data/lexicon.yml`, joined at
query time by the acronyms a generation learned from its write-ups (`acronyms.Learned`).

A query is cut into concepts: the longest run of words matching a lexicon term, or a single word. Terms are
compared by key: stems, stop words left out, English words in one spelling and number ("pemberdayaan
perempuan" matches "memberdayakan perempuan", "kekerasan rumah tangga" matches "kekerasan dalam rumah
tangga", "fertilisers" matches "fertilizer"). A run that is a long form of four or more words with one
word missing ("badan usaha desa") still maps, when only one term fits. Each concept carries every
equivalent term as a variant; the query layer searches for any of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from kb.search import english
from kb.search.analysis import STOP_WORDS, split_words, stem

if TYPE_CHECKING:
    from kb.search.acronyms import Learned

MAX_TERM_WORDS = 8
PARTIAL_FROM = 4  # terms of this many content words still match with one of them missing
LEARNED_FIRST = 2  # learned long forms placed right after the typed form (they occur in the write-ups)


@dataclass(frozen=True)
class Concept:
    """What the user typed for one idea, and the equivalent ways to say it."""

    words: tuple[str, ...]
    variants: tuple[tuple[str, ...], ...]  # includes `words` itself, first
    phrase: bool = False  # typed in quotes: match exactly, no expansion
    place: bool = False  # a province or regency/city name: weighs on the place field
    weak: bool = False  # a filler word ("inovasi", "program"): weighs little, not counted in coordination


def key(words: tuple[str, ...]) -> tuple[str, ...]:
    """How terms are compared: each word's `norm`, stop words (never indexed) left out."""
    return tuple(_norm(w) for w in words if w not in STOP_WORDS)


def _norm(word: str) -> str:
    """A word's stem; an unstemmed word in one English spelling and number ("centres" -> "center")."""
    base = stem(word)
    return english.canonical(word) if base == word else base


class Lexicon:
    """Term groups indexed by their normalized word sequences."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self._by_key: dict[tuple[str, ...], set[int]] = {}
        partial: dict[tuple[str, ...], set[int]] = {}
        for group in groups:
            terms = tuple(dict.fromkeys(tuple(split_words(str(t))) for t in group if split_words(str(t))))
            index = len(self.groups)
            self.groups.append(terms)
            for term in terms:
                found = key(term)
                if found:
                    self._by_key.setdefault(found, set()).add(index)
                if len(found) >= PARTIAL_FROM:
                    for i in range(len(found)):
                        partial.setdefault(found[:i] + found[i + 1:], set()).add(index)
        # one word missing: only where exactly one group fits and no term has that key itself
        self._partial = {k: next(iter(v)) for k, v in partial.items() if len(v) == 1 and k not in self._by_key}
        self.words = frozenset(w for group in self.groups for term in group for w in term)

    @classmethod
    def from_file(cls, path: Path | str | None = None) -> Lexicon:
        """Load a lexicon file (default: the bundled one)."""
        if path is None:
            text = resources.files("kb.search").joinpath("data/lexicon.yml").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        return cls([list(map(str, g)) for g in data.get("groups", [])])

    def concepts(self, words: list[str], learned: Learned | None = None) -> list[Concept]:
        """Greedy longest-match of lexicon terms (and of the generation's learned acronyms) over the query
        words. A run of stop words only is left to the caller as single words."""
        out: list[Concept] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_TERM_WORDS, len(words) - i), 0, -1):
                chunk = tuple(words[i: i + size])
                variants = self._variants(chunk, learned)
                if variants:
                    out.append(Concept(chunk, variants))
                    i += size
                    break
            else:
                out.append(Concept((words[i],), ((words[i],),)))
                i += 1
        return out

    def _variants(self, chunk: tuple[str, ...], learned: Learned | None) -> tuple[tuple[str, ...], ...]:
        """The typed chunk and its equivalents (empty if the chunk is no term): learned long forms first (a
        few: they occur in the write-ups), then the lexicon's terms; a full match before a partial one."""
        found = key(chunk)
        if not found or (len(chunk) > 1 and (chunk[0] in STOP_WORDS or chunk[-1] in STOP_WORDS)):
            return ()
        groups = self._by_key.get(found, set())
        taught = learned.variants(found) if learned is not None else []
        if not groups and not taught:
            if found in self._partial:
                groups = {self._partial[found]}
            elif learned is not None:
                taught = learned.partial(found)
            if not groups and not taught:
                return ()
        terms = [t for g in sorted(groups) for t in self.groups[g]]
        ordered = [chunk] + taught[:LEARNED_FIRST] + terms + taught[LEARNED_FIRST:]
        seen: set[tuple[str, ...]] = set()
        out = []
        for term in ordered:  # one variant per way of searching: terms that stem alike search alike
            stems = tuple(stem(w) for w in term if w not in STOP_WORDS)
            if stems not in seen:
                seen.add(stems)
                out.append(term)
        return tuple(out)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The bundled lexicon, loaded once per process."""
    return Lexicon.from_file()
