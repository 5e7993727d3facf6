"""Typo handling: correct words the index has never seen to the nearest known word.

Known words come from the unstemmed `exact` field, the stems of the ranked fields and the lexicon.
Distance 1 for 4-5 letters, 2 for longer words; ties go to the more frequent word. Run-together words
are split when both halves are known, and adjacent words joined when the join is known ("si pandu").
"""
from __future__ import annotations

from dataclasses import dataclass

from typing import Any

from kb.search.analysis import STOP_WORDS, stem
from kb.search.schema import STEMMED_FIELDS


def vocabulary(reader: Any) -> tuple[dict[str, int], set[str]]:
    """Known words of an index: unstemmed `exact` terms with their document frequency, and the stems of
    the ranked fields."""
    freq = {t.decode("utf-8") if isinstance(t, bytes) else t: info.doc_frequency()
            for t, info in reader.iter_field("exact")}
    stems: set[str] = set()
    for name in STEMMED_FIELDS:
        stems.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(name))
    return freq, stems


@dataclass(frozen=True)
class Correction:
    words: list[str]
    changed: bool


def max_distance(word: str) -> int:
    return 0 if len(word) < 4 else (1 if len(word) <= 5 else 2)


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, giving up above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class Speller:
    """Vocabulary with frequencies, built once per index generation."""

    def __init__(self, frequencies: dict[str, int], stems: set[str]) -> None:
        self.freq = frequencies
        self.stems = stems
        self._by_shape: dict[tuple[str, int], list[str]] = {}  # (first letter, length) -> words
        for word in frequencies:
            if word.isalpha() and len(word) >= 3:
                self._by_shape.setdefault((word[0], len(word)), []).append(word)

    def known(self, word: str) -> bool:
        return word in self.freq or stem(word) in self.stems or not word.isalpha() or word in STOP_WORDS

    def correct_word(self, word: str) -> str | None:
        limit = max_distance(word)
        if limit == 0 or self.known(word):
            return None
        best: tuple[int, int, str] | None = None
        # Same first letter is the common case; fall back to every first letter for a first-letter typo.
        lengths = range(len(word) - limit, len(word) + limit + 1)
        same = [w for n in lengths for w in self._by_shape.get((word[0], n), ())]
        other = [w for (first, n), ws in self._by_shape.items() if first != word[0] and n in lengths for w in ws]
        for pool in (same, other):
            for candidate in pool:
                d = _distance(word, candidate, limit)
                if d <= limit:
                    key = (d, -self.freq.get(candidate, 0), candidate)
                    if best is None or key < best:
                        best = key
            if best is not None:
                break
        return best[2] if best else None

    def correct(self, words: list[str]) -> Correction:
        """Join, split and correct; `changed` says whether anything differs from the input."""
        out: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if i + 1 < len(words):
                joined = word + words[i + 1]
                if joined in self.freq and not (self.known(word) and self.known(words[i + 1])
                                                and word in self.freq and words[i + 1] in self.freq):
                    out.append(joined)
                    i += 2
                    continue
            if not self.known(word):
                split = self._split(word)
                fixed = self.correct_word(word)
                if fixed is not None:
                    out.append(fixed)
                elif split is not None:
                    out.extend(split)
                else:
                    out.append(word)
            else:
                out.append(word)
            i += 1
        return Correction(out, out != words)

    def _split(self, word: str) -> list[str] | None:
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if left in self.freq and right in self.freq:
                return [left, right]
        return None
