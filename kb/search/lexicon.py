"""Acronyms, synonyms and English equivalents, from the editable data file `data/lexicon.yml`.

A query is cut into concepts: the longest run of words matching a lexicon term (by exact words or by
stems, so "pemberdayaan perempuan" matches "memberdayakan perempuan"), or a single word. Each concept
carries every equivalent term as a variant; the query layer searches for any of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from kb.search.analysis import split_words, stem

MAX_TERM_WORDS = 8


@dataclass(frozen=True)
class Concept:
    """What the user typed for one idea, and the equivalent ways to say it."""

    words: tuple[str, ...]
    variants: tuple[tuple[str, ...], ...]  # includes `words` itself, first
    phrase: bool = False  # typed in quotes: match exactly, no expansion
    place: bool = False  # a province or regency/city name: weighs on the place field


def _key(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_norm(w) for w in words)


def _norm(word: str) -> str:
    """Compare words by stem, with a plain English plural reduced ("workers" -> "worker")."""
    base = stem(word)
    if base == word and len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        base = word[:-1]
    return base


class Lexicon:
    """Term groups indexed by their normalized word sequences."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self._by_key: dict[tuple[str, ...], set[int]] = {}
        for group in groups:
            terms = tuple(dict.fromkeys(tuple(split_words(str(t))) for t in group if split_words(str(t))))
            index = len(self.groups)
            self.groups.append(terms)
            for term in terms:
                self._by_key.setdefault(_key(term), set()).add(index)
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

    def concepts(self, words: list[str]) -> list[Concept]:
        """Greedy longest-match of lexicon terms over the query words."""
        out: list[Concept] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_TERM_WORDS, len(words) - i), 0, -1):
                chunk = tuple(words[i: i + size])
                groups = self._by_key.get(_key(chunk))
                if groups:
                    variants = [chunk] + [t for g in sorted(groups) for t in self.groups[g] if _key(t) != _key(chunk)]
                    out.append(Concept(chunk, tuple(dict.fromkeys(variants))))
                    i += size
                    break
            else:
                out.append(Concept((words[i],), ((words[i],),)))
                i += 1
        return out


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The bundled lexicon, loaded once per process."""
    return Lexicon.from_file()
