"""A compact copy of what the replication pages need of every published write-up, and every documented
replication as one `Link` (origin -> replica), merged from both directions of the trail.

A replication is documented by the original (an entry of its `replications`), by the replica's write-up
(`replicated_from`), or by both. Both sides describe one replication when the original's entry names the
replica's slug; the original's entry then wins field by field and the replica's write-up fills the gaps.
This is the rule the loader counts replications by (`kb.content.loader.cross_check`), so a snapshot's
count per original equals the published `replication_count`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kb.content import fields, vocab
from kb.content.model import Innovation

STAT_FACETS = ("sector", "province", "year", "award")  # the facets the statistics count, as search counts them
RUNNING = "berjalan"
PILOT = "uji-coba"
PLANNED = vocab.PLANNED
STOPPED = "berhenti"
UNKNOWN = "tidak-diketahui"  # no status written: shown as such, never as running


@dataclass(frozen=True, slots=True)
class Entry:
    """One published write-up, as much of it as ranking, network and statistics read."""

    slug: str
    title: str
    summary: str
    region: str
    region_code: str | None
    language: str
    year: int
    sectors: tuple[str, ...]
    cost: str | None  # cost band: rendah | sedang | tinggi
    complexity: str | None
    digital: bool | None
    status: str | None  # berlanjut | berhenti
    awards: tuple[tuple[str, int], ...]  # (award slug, year), each once
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # STAT_FACETS values, as the index has them

    @property
    def province_code(self) -> str | None:
        return self.region_code.split(".")[0] if self.region_code else None

    @classmethod
    def of(cls, inn: Innovation) -> Entry:
        values = fields.facet_values(inn)
        return cls(slug=inn.slug, title=inn.title, summary=inn.summary, region=inn.region,
                   region_code=inn.region_code, language=inn.language or "id", year=inn.year,
                   sectors=tuple(inn.sectors), cost=inn.cost.band if inn.cost else None,
                   complexity=inn.complexity, digital=inn.digital, status=inn.status,
                   awards=tuple(dict.fromkeys((a.award, a.year) for a in inn.awards)),
                   facets={name: tuple(values.get(name, ())) for name in STAT_FACETS})


@dataclass(frozen=True, slots=True)
class Link:
    """One documented replication: the original write-up `origin` copied in `region`."""

    origin: str  # slug of the original
    region: str  # the replicating region as written
    region_code: str | None
    replica: str | None = None  # slug of the replica's own write-up, when there is one
    year: int | None = None
    status: str | None = None  # as written; None: the sources do not say (see `shown_status`)
    mechanism: tuple[str, ...] = ()
    proof: str | None = None
    agency: str | None = None
    changes: str | None = None
    results: str | None = None
    source: dict | None = None  # {title, url, date}
    documented_by: str = "origin"  # origin | replica | both

    @property
    def shown_status(self) -> str:
        """The status to show: the one written, else UNKNOWN. A plan, an MoU or a study visit is written as
        `direncanakan`; nothing without a written status is ever shown as running."""
        return self.status or UNKNOWN

    @property
    def province_code(self) -> str | None:
        return self.region_code.split(".")[0] if self.region_code else None


@dataclass(frozen=True, slots=True)
class Parts:
    """What one record adds to a snapshot: its entry, the replications it lists, and the one it claims to be
    (`replicated_from`). Depends on that record alone."""

    entry: Entry
    links: tuple[Link, ...]
    claim: Link | None

    @classmethod
    def of(cls, inn: Innovation) -> Parts:
        links = tuple(Link(inn.slug, rep.region, rep.region_code, rep.innovation, rep.year, rep.status,
                           tuple(rep.mechanism), rep.proof, rep.agency, rep.changes, rep.results, rep.source)
                      for rep in inn.replications)
        claim = None
        if inn.replicated_from:
            d = inn.replicated_from_details
            claim = Link(inn.replicated_from, inn.region, inn.region_code, inn.slug,
                         (d.year if d else None) or inn.year, d.status if d else None,
                         tuple(d.mechanism) if d else (), d.proof if d else None, inn.agency,
                         d.changes if d else None, d.results if d else None, d.source if d else None,
                         "replica")
        return cls(Entry.of(inn), links, claim)


@dataclass
class Snapshot:
    """Every entry by slug and every link, ordered by original, then year."""

    entries: dict[str, Entry]
    links: list[Link]
    by_origin: dict[str, list[Link]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_origin:
            for link in self.links:
                self.by_origin.setdefault(link.origin, []).append(link)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def build(cls, innovations: Iterable[Innovation]) -> Snapshot:
        """From published records (read once; only the compact entries and links are kept)."""
        return cls.from_parts({inn.slug: Parts.of(inn) for inn in innovations})

    @classmethod
    def from_parts(cls, parts: dict[str, Parts]) -> Snapshot:
        """From every published record's `Parts`: a new generation reuses the parts of the records it shares
        with an earlier one, and only this merge runs again (it needs every record)."""
        entries: dict[str, Entry] = {}
        links: list[Link] = []
        claims: list[Link] = []  # what replicas' write-ups say
        for slug in sorted(parts):
            part = parts[slug]
            entries[slug] = part.entry
            links.extend(part.links)
            if part.claim is not None:
                claims.append(part.claim)
        listed = {(link.origin, link.replica): n for n, link in enumerate(links) if link.replica}
        for claim in claims:
            if claim.origin not in entries:
                continue
            n = listed.get((claim.origin, claim.replica))
            if n is None:
                links.append(claim)
            else:
                links[n] = _merge(links[n], claim)
        titles = {slug: e.title.lower() for slug, e in entries.items()}
        links.sort(key=lambda l: (titles.get(l.origin, ""), l.origin, l.year or 0, l.region))
        return cls(entries, links)

    def replication_count(self, slug: str) -> int:
        """Replications beyond a plan (the published `replication_count`: plans and study visits excluded)."""
        return sum(1 for link in self.by_origin.get(slug, ()) if link.status != PLANNED)


def _merge(listed: Link, claim: Link) -> Link:
    """The original's entry, its empty fields filled from the replica's write-up."""
    filled = {name: getattr(claim, name) for name in ("year", "status", "proof", "changes", "results", "source")
              if getattr(listed, name) in (None, "") and getattr(claim, name) not in (None, "")}
    if not listed.mechanism and claim.mechanism:
        filled["mechanism"] = claim.mechanism
    return replace(listed, documented_by="both", **filled)
