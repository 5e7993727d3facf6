"""Vectorised BM25F scoring over cached postings (NumPy), for one index generation.

Whoosh's matcher trees walk every posting of every clause in Python: for our expanded queries (a concept
becomes up to eight equivalent terms in five fields) that cost 10-60 ms per query at 10 000 documents. Here
each (field, term) posting list is read once into arrays of document numbers and BM25 contributions, and a
query is a handful of NumPy additions and maxima over dense score vectors.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

from kb.search import columns

K1 = 1.2
B = 0.75
# Postings kept in memory (8 bytes each: at most ~64 MB). Large enough for every term of one query even at
# 100 000 documents, where a common word has 100 000 postings per field: with 2 million, terms read for
# matching were evicted before ranking read them again (p50 17 -> 7 ms at 100 000 when raised).
CACHE_POSTINGS = 8_000_000


def _leaf_postings(matcher, deleted: bool = False) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """ids and weights of a Whoosh leaf matcher, a block at a time where the codec allows it. A segment
    with deleted documents wraps its matchers in a filter that skips them one posting at a time: the
    blocks underneath are read instead, and the deleted documents dropped at once (kept with `deleted`)."""
    excluded = None
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        excluded, matcher = matcher._ids, matcher.child
    ids: list[int] = []
    weights: list[float] = []
    fast = all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block", "_atend"))
    if fast:
        # Whole blocks, from the first one the matcher is in (a filter may have stepped past deleted ones).
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():  # any other codec: one posting at a time
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    found, tf = np.asarray(ids, np.int32), np.asarray(weights, np.float32)
    if excluded and not deleted:
        keep = ~np.isin(found, np.fromiter(excluded, np.int32, count=len(excluded)))
        found, tf = found[keep], tf[keep]
    return found, tf


def segment_postings(leaf, fieldname: str, text: str) -> np.ndarray:  # noqa: ANN001
    """The document numbers of one term in one segment, deleted documents included."""
    return _leaf_postings(leaf.postings(fieldname, text), deleted=True)[0]


def read_postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """(document numbers, term frequencies) of one term, across all segments (live documents only)."""
    if (fieldname, text) not in reader:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    matcher = reader.postings(fieldname, text)
    parts = list(zip(matcher.matchers, matcher.offsets, strict=True)) if hasattr(matcher, "offsets") \
        else [(matcher, 0)]
    found = [_leaf_postings(leaf) for leaf, _ in parts]
    ids = np.concatenate([leaf_ids + offset for (leaf_ids, _), (_, offset) in zip(found, parts)])
    return ids.astype(np.int32, copy=False), np.concatenate([tf for _, tf in found])


class Scorer:
    """Per-generation BM25F: field lengths, live-document mask and a bounded cache of term contributions."""

    def __init__(self, reader, boosts: dict[str, float], live: Iterable[int]) -> None:  # noqa: ANN001
        self.reader = reader
        self.boosts = boosts
        self.size = reader.doc_count_all()
        self.live = np.zeros(self.size, bool)
        self.live[np.fromiter(live, np.int64)] = True
        self.docs = max(1, int(self.live.sum()))
        self.lengths: dict[str, np.ndarray] = {}
        self.average: dict[str, float] = {}
        for name in boosts:
            lengths = columns.lengths(reader, name)
            self.lengths[name] = lengths
            self.average[name] = float(lengths[self.live].mean()) if self.live.any() else 1.0
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0

    def term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25 contribution incl. field boost) of a term in a field; cached."""
        key = (fieldname, text)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        ids, tf = read_postings(self.reader, fieldname, text)
        keep = self.live[ids] if len(ids) else np.empty(0, bool)
        ids, tf = ids[keep], tf[keep]
        df = len(ids)
        idf = math.log(1 + (self.docs - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * self.lengths[fieldname][ids] / (self.average[fieldname] or 1.0))
        contribution = (self.boosts[fieldname] * idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32)
        entry = (ids, contribution)
        self._cache[key] = entry
        self._cached += df
        while self._cached > CACHE_POSTINGS and len(self._cache) > 1:
            _, (old_ids, _) = self._cache.popitem(last=False)
            self._cached -= len(old_ids)
        return entry

    def add(self, scores: np.ndarray, fieldname: str, text: str, weight: float = 1.0) -> np.ndarray:
        """scores += weight x contribution of the term; returns the presence mask of the term."""
        ids, contribution = self.term(fieldname, text)
        if len(ids):
            scores[ids] += contribution * weight
        present = np.zeros(self.size, bool)
        present[ids] = True
        return present
