"""The replication network: counts by province, sector and status, and the layout of its picture.

The picture is two columns: originals on the left, the regions that copied them on the right, one line per
replication drawn in the style of its status. Positions are computed here, in plain numbers (a viewBox of
`WIDTH` units, readable at phone width); kb/web/charts.py turns them into SVG.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kb.content.vocab import REPLICATION_STATUSES
from kb.replication.snapshot import UNKNOWN, Link, Snapshot

STATUS_ORDER = (*REPLICATION_STATUSES, UNKNOWN)  # direncanakan, uji-coba, berjalan, berhenti, tidak-diketahui
MAX_NODES = 40  # per column: past this the picture keeps the most connected, the table lists every link
WIDTH = 360
ROW = 26  # vertical space per node
TOP = 8
LABEL_CHARS = 16  # characters of a label that fit beside a column at 11 units (~7 units a character in DejaVu Sans)
LEFT_X = 124  # the originals' dots: 117 units of label to their left
RIGHT_X = 236  # the replicas' dots: 117 units of label to their right
SHORT_PREFIXES = (("Kabupaten ", "Kab. "), ("Provinsi ", "Prov. "))  # in the picture only; titles keep the name


@dataclass(frozen=True)
class Counts:
    """Replications by status, by the replica's province, by the original's sectors, by year."""

    total: int
    by_status: list[tuple[str, int]]  # every status in STATUS_ORDER, zero included
    by_province: list[tuple[str | None, int]]  # most first; None: the region has no code
    by_sector: list[tuple[str, int]]  # a replication counts once for each sector of its original
    by_year: list[tuple[int | None, dict[str, int]]]  # oldest first, None (no year) last; counts per status


def counts(snapshot: Snapshot) -> Counts:
    links = snapshot.links
    status = Counter(link.shown_status for link in links)
    province = Counter(link.province_code for link in links)
    sector = Counter(s for link in links if link.origin in snapshot.entries
                     for s in snapshot.entries[link.origin].sectors)
    years: dict[int | None, Counter] = {}
    for link in links:
        years.setdefault(link.year, Counter())[link.shown_status] += 1
    return Counts(
        total=len(links),
        by_status=[(s, status.get(s, 0)) for s in STATUS_ORDER],
        by_province=sorted(province.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or "")),
        by_sector=sorted(sector.items(), key=lambda kv: (-kv[1], kv[0])),
        by_year=[(y, {s: years[y].get(s, 0) for s in STATUS_ORDER})
                 for y in sorted(years, key=lambda y: (y is None, y or 0))],
    )


@dataclass(frozen=True)
class Node:
    key: str  # origin: its slug; replica: its region code, or "~" + the name as written
    label: str  # shortened to fit
    full: str  # the whole label, for the tooltip and screen readers
    x: float
    y: float
    side: str  # "origin" | "replica"


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    status: str  # shown status
    link: Link


@dataclass
class Picture:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    total_links: int = 0  # every documented link; `edges` may hold fewer (see MAX_NODES)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    for long, short in SHORT_PREFIXES:
        if text.startswith(long):
            text = short + text[len(long):]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def replica_key(link: Link) -> str:
    return link.region_code or "~" + link.region.strip().lower()


def layout(snapshot: Snapshot, region_names: dict[str, str], max_nodes: int = MAX_NODES) -> Picture:
    """Node and edge positions. `region_names`: display names of the region codes that occur (the caller's
    gazetteer); a region without a code is shown as written."""
    links = snapshot.links
    picture = Picture(WIDTH, TOP * 2, total_links=len(links))
    if not links:
        return picture
    origin_degree = Counter(link.origin for link in links)
    replica_degree = Counter(replica_key(link) for link in links)
    names = {replica_key(link): region_names.get(link.region_code or "", link.region) for link in links}
    entries = snapshot.entries

    def keep(degree: Counter, order) -> list[str]:  # noqa: ANN001
        kept = sorted(degree, key=lambda k: (-degree[k], order(k)))[:max_nodes]
        return sorted(kept, key=order)

    origins = keep(origin_degree, lambda slug: (entries[slug].province_code or "~", entries[slug].title.lower())
                   if slug in entries else ("~", slug))
    replicas = keep(replica_degree, lambda key: (key.startswith("~"), key))
    rows = max(len(origins), len(replicas))
    height = TOP * 2 + rows * ROW

    def column(keys: list[str], x: float, side: str, label) -> dict[str, Node]:  # noqa: ANN001
        step = rows * ROW / len(keys)
        return {key: Node(key, _short(label(key)), label(key), x, TOP + (i + 0.5) * step, side)
                for i, key in enumerate(keys)}

    left = column(origins, LEFT_X, "origin", lambda s: entries[s].title if s in entries else s)
    right = column(replicas, RIGHT_X, "replica", lambda k: names[k])
    edges = [Edge(left[link.origin], right[replica_key(link)], link.shown_status, link) for link in links
             if link.origin in left and replica_key(link) in right]
    return Picture(WIDTH, height, [*left.values(), *right.values()], edges, len(links))
