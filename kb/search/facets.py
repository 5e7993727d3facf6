"""Facet counting from an in-memory docnum -> values table (cheaper than Whoosh's `groupedby`).

Filters combine as AND across facets and OR within one facet. The counts of a facet reflect the query
and every *other* active filter, so choosing a value never hides its siblings (Datasette-style).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from kb.content.fields import FacetNames
from kb.search import bitset, columns
from kb.search.scoring import segment_postings

FACETS = FacetNames()  # in sidebar order; declared in the schema table (kb/content/schema.py)


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int
    selected: bool = False


class FacetTable:
    """For one searcher generation: which docs hold which facet value, as bitsets; and for facets where a
    document holds at most one value (region, province, year, ...), a value code per document, so counting
    hundreds of values (514 regencies) is one NumPy `bincount` instead of one bitset AND per value."""

    def __init__(self, postings: Mapping[str, Mapping[str, int]], all_docs: int, size: int | None = None) -> None:
        """`size`: the number of document numbers (deleted ones included); by default from `all_docs`."""
        self.postings: dict[str, dict[str, int]] = {name: dict(postings.get(name, {})) for name in FACETS}
        self.all_docs = all_docs
        self.size = max(size or 0, all_docs.bit_length())
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        for name, bucket in self.postings.items():
            if len(bucket) > SMALL_FACET:
                values = sorted(bucket)
                codes = _single_valued_codes([bucket[v] for v in values], self.size)
                if codes is not None:
                    self._codes[name] = (values, codes)

    @classmethod
    def from_reader(cls, reader, fieldname: str = "facet") -> FacetTable:  # noqa: ANN001
        """Read the "name=value" terms of the facet field: one bitset per facet value."""
        size = reader.doc_count_all()
        all_docs = bitset.from_array(columns.live(reader), size)
        found: dict[str, list[np.ndarray]] = {}
        for terms, offset in columns.per_segment(reader, "facets:" + fieldname, lambda leaf: _terms(leaf, fieldname)):
            for text, ids in terms.items():
                found.setdefault(text, []).append(ids + offset)
        postings: dict[str, dict[str, int]] = {}
        for text in sorted(found):
            name, _, value = text.partition("=")
            ids = np.concatenate(found[text])
            postings.setdefault(name, {})[value] = bitset.from_array(ids, size) & all_docs  # drop deleted documents
        return cls(postings, all_docs, size)

    def allowed(self, filters: Mapping[str, list[str]], skip: str | None = None) -> int | None:
        """Docs passing every filter except `skip`; None when nothing filters."""
        result: int | None = None
        for name, wanted in filters.items():
            if name == skip or not wanted:
                continue
            bucket = self.postings.get(name, {})
            docs = 0
            for value in wanted:
                docs |= bucket.get(value, 0)
            result = docs if result is None else result & docs
        return result

    def counts(self, matches: int, filters: Mapping[str, list[str]], names: Iterable[str] = FACETS,
               limit: int | None = None) -> dict[str, list[FacetCount]]:
        """Counts per facet value over the query's matches, each facet under the other filters: the most
        frequent values first (years: newest first), at most `limit` of them plus every selected value."""
        out: dict[str, list[FacetCount]] = {}
        masks: dict[int, np.ndarray] = {}  # most facets count over the same documents: convert once
        for name in names:
            others = self.allowed(filters, skip=name)
            docs = matches if others is None else matches & others
            chosen = set(filters.get(name, ()))
            coded = self._codes.get(name)
            if coded is not None and name not in BY_VALUE:
                values, codes = coded
                if docs not in masks:
                    masks[docs] = bitset.to_mask(docs, self.size)
                tally = np.bincount(codes[masks[docs]], minlength=len(values) + 1)[1:]
                nonzero = np.flatnonzero(tally)
                ranked = nonzero[np.lexsort((nonzero, -tally[nonzero]))]  # values are sorted: ties by value
                pairs = [(values[i], int(tally[i])) for i in (ranked if limit is None else ranked[:limit])]
                shown = {v for v, _ in pairs}
                index = {v: i for i, v in enumerate(values)} if chosen - shown else {}
                pairs += [(v, int(tally[index[v]]) if v in index else 0) for v in sorted(chosen - shown)]
            else:
                counter = {value: (docs & bits).bit_count() for value, bits in self.postings.get(name, {}).items()}
                counter = {value: n for value, n in counter.items() if n or value in chosen}
                for value in chosen - set(counter):
                    counter[value] = 0  # a selected value stays visible (to be removed) even at zero
                if name in BY_VALUE:
                    pairs = sorted(counter.items(), key=lambda kv: kv[0], reverse=True)
                else:
                    pairs = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
                if limit is not None:
                    pairs = [kv for rank, kv in enumerate(pairs) if rank < limit or kv[0] in chosen]
            out[name] = [FacetCount(value, count, value in chosen) for value, count in pairs]
        return out


def _terms(leaf, fieldname: str) -> dict[str, np.ndarray]:  # noqa: ANN001
    """term -> document numbers (deleted ones included) of every term of a field in one segment."""
    out = {}
    for term in leaf.lexicon(fieldname):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        out[text] = segment_postings(leaf, fieldname, text)
    return out


BY_VALUE = ("year", "award_year")  # listed newest first rather than most frequent first
SMALL_FACET = 24  # up to this many values, one bitset AND per value is as fast as a bincount


def _single_valued_codes(sets: list[int], size: int) -> np.ndarray | None:
    """Per document: 1 + the index of the set holding it (0: none); None if some document is in two."""
    codes = np.zeros(size, np.int32)
    for index, bits in enumerate(sets, 1):
        ids = bitset.to_array(bits)
        if len(ids) and codes[ids].any():
            return None
        codes[ids] = index
    return codes
