"""Facet counting from an in-memory docnum -> values table (cheaper than Whoosh's `groupedby`).

Filters combine as AND across facets and OR within one facet. The counts of a facet reflect the query
and every *other* active filter, so choosing a value never hides its siblings (Datasette-style).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kb.search import bitset

FACETS = ("sector", "province", "region", "award", "award_year", "year", "stage", "status", "digital",
          "cost", "complexity")


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int
    selected: bool = False


class FacetTable:
    """For one searcher generation: which docs hold which facet value, as bitsets."""

    def __init__(self, postings: Mapping[str, Mapping[str, int]], all_docs: int) -> None:
        self.postings: dict[str, dict[str, int]] = {name: dict(postings.get(name, {})) for name in FACETS}
        self.all_docs = all_docs

    @classmethod
    def from_reader(cls, reader, fieldname: str = "facet") -> FacetTable:  # noqa: ANN001
        """Read the "name=value" terms of the facet field: one bitset per facet value."""
        all_docs = bitset.from_ids(reader.all_doc_ids())
        postings: dict[str, dict[str, int]] = {}
        for term in reader.lexicon(fieldname):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            name, _, value = text.partition("=")
            ids = reader.postings(fieldname, text).all_ids()
            postings.setdefault(name, {})[value] = bitset.from_ids(ids) & all_docs  # drop deleted documents
        return cls(postings, all_docs)

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

    def counts(self, matches: int, filters: Mapping[str, list[str]],
               names: Iterable[str] = FACETS) -> dict[str, list[FacetCount]]:
        """Counts per facet value over the query's matches, each facet under the other filters."""
        out: dict[str, list[FacetCount]] = {}
        for name in names:
            others = self.allowed(filters, skip=name)
            docs = matches if others is None else matches & others
            chosen = set(filters.get(name, ()))
            counter = {value: (docs & bits).bit_count() for value, bits in self.postings.get(name, {}).items()}
            counter = {value: n for value, n in counter.items() if n or value in chosen}
            for value in chosen - set(counter):
                counter[value] = 0  # a selected value stays visible (to be removed) even at zero
            if name in ("year", "award_year"):
                ordered = sorted(counter.items(), key=lambda kv: kv[0], reverse=True)
            else:
                ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            out[name] = [FacetCount(value, count, value in chosen) for value, count in ordered]
        return out
