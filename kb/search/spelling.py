"""Typo handling: correct words the index has never seen to the nearest known word.

Known words come from the unstemmed `exact` field, the stems of the ranked fields and the lexicon.
Distance 1 for 4-5 letters, 2 for longer words; ties go to the more frequent word. Run-together words
are split when both halves are known, and adjacent words joined when the join is known ("si pandu").
"""
from __future__ import annotations

import threading
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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


class _DeleteIndex:
    """Which candidate words lie near a word, without comparing it with every word of similar length.

    Each candidate is filed under itself and under every string one deletion away from it (SymSpell's
    idea, one deletion deep instead of two: a fifth of the memory, a tenth of the build time). Two words
    at most one edit apart always share such a string; for words two edits apart the query side makes up
    the difference (`_keys`). The strings themselves are not kept: only 32 bits of their hash beside the
    word number, packed in one sorted array, so a colliding hash merely adds a candidate that the exact
    distance then rejects. Nothing is missed, since equal strings have equal hashes."""

    CHUNK = 4096  # words hashed at a time: bounds the temporary strings while building

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.alphabet = sorted({ch for word in words for ch in word})
        # A word and its deletions: len + 1 strings, a repeated one (double letters) filed twice, which
        # costs ~1% and lets the array be allocated once, at its final size.
        self.entries = np.empty(sum(map(len, words)) + len(words), np.uint64)
        filled = 0
        for start in range(0, len(words), self.CHUNK):
            chunk = words[start:start + self.CHUNK]
            keys = [w[:i] + w[i + 1:] for w in chunk for i in range(len(w) + 1)]  # i = len: the word itself
            ids = np.repeat(np.arange(start, start + len(chunk), dtype=np.uint64), [len(w) + 1 for w in chunk])
            self.entries[filled:filled + len(keys)] = (_hashes(keys) << _SHIFT) | ids
            filled += len(keys)
        self.entries.sort()

    def candidates(self, word: str, limit: int) -> list[str]:
        """Every indexed word within `limit` (1 or 2) edits of `word`, and a few others."""
        wanted = np.sort(_hashes(self._keys(word, limit)) << _SHIFT)  # sorted: a much faster search
        entries = self.entries
        low = np.searchsorted(entries, wanted)
        found = low < len(entries)
        found[found] = (entries[low[found]] & ~_LOW) == wanted[found]
        if not found.any():
            return []
        wanted, low = wanted[found], low[found]
        high = np.searchsorted(entries, wanted | _LOW, "right")
        ids = np.unique(np.concatenate([entries[a:b] for a, b in zip(low.tolist(), high.tolist())]) & _LOW)
        return [self.words[i] for i in ids.tolist()]

    def _keys(self, word: str, limit: int) -> set[str]:
        """Strings under which every word within `limit` edits of `word` is filed.

        One edit: the candidate's deletions meet the word's. Two edits (`word` -> candidate), where
        each case names a string the candidate is filed under:
        two deletions, deletion + substitution or transposition: the word less two letters;
        deletion + insertion: the word less one letter;
        insertion + transposition: the word with a transposition (candidate less the inserted letter);
        transposition + transposition or substitution: the word transposed and less one letter;
        insertion + insertion or substitution: the word with one letter inserted or substituted;
        substitution + substitution (positions i < j): the word less i, with j substituted.
        Inserted and substituted letters come from the vocabulary's alphabet: a letter no candidate has
        cannot bring a candidate."""
        one = _deletes(word)
        keys = {word} | one
        if limit < 2:
            return keys
        for shorter in one:
            keys |= _deletes(shorter)
        swapped = [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)]
        keys.update(swapped)
        for variant in swapped:
            keys |= _deletes(variant)
        alphabet = self.alphabet
        n = len(word)
        keys.update(word[:i] + ch + word[i:] for i in range(n + 1) for ch in alphabet)
        keys.update(word[:i] + ch + word[i + 1:] for i in range(n) for ch in alphabet)
        for i in range(n):
            less = word[:i] + word[i + 1:]
            keys.update(less[:j] + ch + less[j + 1:] for j in range(i, n - 1) for ch in alphabet)
        return keys


_SHIFT = np.uint64(32)
_LOW = np.uint64(0xFFFFFFFF)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _hashes(keys: Iterable[str]) -> np.ndarray:
    """32 bits of each string's hash (stable within the process, which is all the index needs)."""
    found = np.fromiter(map(hash, keys), np.int64)
    return found.view(np.uint64) & _LOW


_KEPT: dict[Hashable, _DeleteIndex] = {}  # deletion indexes of vocabulary parts, by the part's key
_KEEP = 16


def _candidate(word: str) -> bool:
    return word.isalpha() and len(word) >= 3


class Speller:
    """Vocabulary with frequencies, built once per index generation.

    `parts`: (key, words) of parts of the vocabulary that other generations share - a segment's words, as
    immutable as the segment (kb/search/indexer.py). Their deletion indexes are built once per process and
    kept by key; only the rest of the vocabulary (new segments, lexicon and place words) is indexed for this
    generation. At 100 000 write-ups indexing the whole vocabulary took ~2 s, on the first typo after every
    publish."""

    def __init__(self, frequencies: dict[str, int], stems: set[str],
                 parts: Sequence[tuple[Hashable, Collection[str]]] = ()) -> None:
        self.freq = frequencies
        self.stems = stems
        self.parts = list(parts)
        # Built on the first correction, not here: a generation that never meets a typo (most, since every
        # publish makes a new one in each worker) never pays for it.
        self._indexes: list[_DeleteIndex] | None = None
        self._building = threading.Lock()

    def _candidates(self, word: str, limit: int) -> Iterable[str]:
        if self._indexes is None:
            with self._building:  # one build, even when several threads meet their first typo together
                if self._indexes is None:
                    self._indexes = self._build()
        if len(self._indexes) == 1:
            return self._indexes[0].candidates(word, limit)
        return {found for index in self._indexes for found in index.candidates(word, limit)}

    def _build(self) -> list[_DeleteIndex]:
        indexes = []
        for key, words in self.parts:
            index = _KEPT.pop(key, None)  # taken out and put back: the dict keeps the most recent last
            if index is None:
                index = _DeleteIndex([w for w in words if _candidate(w)])
            _KEPT[key] = index
            indexes.append(index)
        while len(_KEPT) > _KEEP:
            _KEPT.pop(next(iter(_KEPT)))
        remaining = set(self.freq)
        for _, words in self.parts:
            remaining.difference_update(words)
        rest = sorted(w for w in remaining if _candidate(w))
        if rest or not indexes:
            indexes.append(_DeleteIndex(rest))
        return indexes

    def known(self, word: str) -> bool:
        return word in self.freq or stem(word) in self.stems or not word.isalpha() or word in STOP_WORDS

    def correct_word(self, word: str) -> str | None:
        """The nearest known word: fewest edits, then the more frequent, then the first alphabetically,
        looking first among words with the same first letter (the common case) and only then at the
        others (a first-letter typo). Candidates are 3+ letters long and at most `max_distance` longer or
        shorter."""
        limit = max_distance(word)
        if limit == 0 or self.known(word):
            return None
        best: dict[bool, tuple[int, int, str]] = {}
        for candidate in self._candidates(word, limit):
            if abs(len(candidate) - len(word)) > limit:
                continue
            d = _distance(word, candidate, limit)
            if d <= limit:
                pool = candidate[0] == word[0]
                key = (d, -self.freq.get(candidate, 0), candidate)
                if pool not in best or key < best[pool]:
                    best[pool] = key
        found = best.get(True) or best.get(False)
        return found[2] if found else None

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
