"""Facet counting from an in-memory docnum -> values table (cheaper than Whoosh's `groupedby`).

Filters combine as AND across facets and OR within one facet. The counts of a facet reflect the query
and every *other* active filter, so choosing a value never hides its siblings (Datasette-style).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FACETS = ("sector", "province", "region", "award", "award_year", "year", "stage", "status", "digital",
          "cost", "complexity")


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int
    selected: bool = False


class FacetTable:
    """For one searcher generation: which docs hold which facet value."""

    def __init__(self, rows: Iterable[tuple[int, Mapping[str, list[str]]]]) -> None:
        self.values: dict[int, Mapping[str, list[str]]] = {}
        self.postings: dict[str, dict[str, set[int]]] = {name: {} for name in FACETS}
        for docnum, facets in rows:
            self.values[docnum] = facets
            for name, vals in facets.items():
                bucket = self.postings.setdefault(name, {})
                for value in vals:
                    bucket.setdefault(value, set()).add(docnum)
        self.all_docs = frozenset(self.values)

    def allowed(self, filters: Mapping[str, list[str]], skip: str | None = None) -> set[int] | None:
        """Docs passing every filter except `skip`; None when nothing filters."""
        result: set[int] | None = None
        for name, wanted in filters.items():
            if name == skip or not wanted:
                continue
            bucket = self.postings.get(name, {})
            docs: set[int] = set()
            for value in wanted:
                docs |= bucket.get(value, set())
            result = docs if result is None else result & docs
        return result

    def counts(self, matches: set[int] | frozenset[int], filters: Mapping[str, list[str]],
               names: Iterable[str] = FACETS) -> dict[str, list[FacetCount]]:
        """Counts per facet value over the query's matches, each facet under the other filters."""
        out: dict[str, list[FacetCount]] = {}
        for name in names:
            others = self.allowed(filters, skip=name)
            docs = matches if others is None else matches & others
            counter: Counter[str] = Counter()
            for docnum in docs:
                counter.update(self.values[docnum].get(name, ()))
            chosen = set(filters.get(name, ()))
            for value in chosen - set(counter):
                counter[value] = 0  # a selected value stays visible (to be removed) even at zero
            ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            if name in ("year", "award_year"):
                ordered = sorted(counter.items(), key=lambda kv: kv[0], reverse=True)
            out[name] = [FacetCount(value, count, value in chosen) for value, count in ordered]
        return out
