"""The catalogue's figures: innovations by sector, province, start year and award, and replications over time.

Innovation counts use the facet values the search index is built from (`kb.content.fields.facet_values`,
kept in each `Entry`), so they equal the search page's facet counts for an empty query.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kb.replication import network
from kb.replication.snapshot import STAT_FACETS, Snapshot


@dataclass(frozen=True)
class Stats:
    total: int
    by_facet: dict[str, list[tuple[str, int]]]  # sector, province, award: most first; year: oldest first
    replications: network.Counts


def catalogue_stats(snapshot: Snapshot) -> Stats:
    by_facet: dict[str, list[tuple[str, int]]] = {}
    for name in STAT_FACETS:
        tally = Counter(v for entry in snapshot.entries.values() for v in entry.facets.get(name, ()))
        if name == "year":
            by_facet[name] = sorted(tally.items(), key=lambda kv: int(kv[0]))
        else:
            by_facet[name] = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    return Stats(len(snapshot.entries), by_facet, network.counts(snapshot))
