"""Innovations ranked for one region ("Cocok untuk daerah saya"), each with the reasons behind its place.

Every published write-up is ranked; none is filtered out. The region's own write-ups, and those already
running there as documented replications, are set apart ("sudah berjalan di sini") rather than recommended.
The score is a weighted mean of five factors, each between 0 and 1 (docs/replication.md says it in words):

- size: a region of the same level (province vs regency/city) with a similar population and density, and
  the same kind (kabupaten or kota);
- nearby: the same province, else the same island group;
- proven: documented replications elsewhere (running ones count most; plans little; stopped ones not at
  all) and whether the original still runs;
- cost: low cost band and low complexity;
- awards: award programmes won.

Readers change the weights (0-3 each); optional preferences add two factors: sectors they care about, and a
preference for or against digital innovations.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from kb.content.population import RegionFacts
from kb.replication.snapshot import PILOT, PLANNED, RUNNING, STOPPED, Entry, Link, Snapshot

FACTORS = ("size", "nearby", "proven", "cost", "awards")
DEFAULT_WEIGHTS = {"size": 2, "nearby": 1, "proven": 2, "cost": 1, "awards": 1}
MAX_WEIGHT = 3
PREFERENCE_WEIGHT = 2  # of the sector and digital preferences, when given
DIGITAL_CHOICES = ("netral", "ya", "tidak")
HERE = (RUNNING, PILOT)  # a replication in the region with one of these statuses: already running there
EVIDENCE = {RUNNING: 1.0, PILOT: 0.6, None: 0.4, PLANNED: 0.15, STOPPED: 0.0}  # per replication elsewhere
LEVELS = {"rendah": 1.0, "sedang": 0.5, "tinggi": 0.0}
UNKNOWN_LEVEL = 0.4  # no cost band or complexity written: a little below medium


@dataclass(frozen=True)
class Preferences:
    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    digital: str = "netral"  # netral | ya (prefer digital) | tidak (prefer non-digital)
    sectors: tuple[str, ...] = ()  # preferred sectors

    def weight(self, factor: str) -> int:
        if factor == "sector":
            return PREFERENCE_WEIGHT if self.sectors else 0
        if factor == "digital":
            return 0 if self.digital == "netral" else PREFERENCE_WEIGHT
        return self.weights.get(factor, 0)


@dataclass(frozen=True)
class Reason:
    """Why an entry ranks where it does, as a code and values; the web layer puts it in words.

    `tone`: 1 speaks for the entry, 0 is information, -1 speaks against it."""

    code: str
    tone: int
    factor: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Recommendation:
    entry: Entry
    score: float  # 0..1
    reasons: list[Reason] = field(default_factory=list)  # filled for the positions asked for (`explain`)


@dataclass(frozen=True)
class Here:
    """An entry already at home in the region: written there ("origin") or replicated there ("replica")."""

    entry: Entry
    relation: str
    link: Link | None = None


@dataclass(frozen=True)
class Recommendations:
    region: RegionFacts
    here: list[Here]
    ranked: list[Recommendation]


def recommend(snapshot: Snapshot, region: RegionFacts, prefs: Preferences,
              facts_of: Callable[[str], RegionFacts | None], explain: range = range(0)) -> Recommendations:
    """Every entry of `snapshot` for `region`: those at home there apart, the rest ranked (best first; ties
    by more replications, newer, then slug). `facts_of`: population and area of an origin's region code.
    `explain`: the positions in the ranking (a page) whose reasons are worked out; words cost more than
    numbers, and a page shows 20 of a catalogue's thousands."""
    here: list[Here] = []
    ranked: list[tuple[float, int, int, str, Entry]] = []
    for entry in snapshot.entries.values():
        links = snapshot.by_origin.get(entry.slug, ())
        if entry.region_code == region.code:
            here.append(Here(entry, "origin"))
            continue
        at_home = next((l for l in links if l.region_code == region.code
                        and (l.status in HERE or (l.status is None and l.replica))), None)
        if at_home is not None:
            here.append(Here(entry, "replica", at_home))
            continue
        origin = facts_of(entry.region_code) if entry.region_code else None
        score, _ = score_entry(entry, links, origin, region, prefs, explain=False)
        ranked.append((-score, -len(links), -entry.year, entry.slug, entry))
    ranked.sort(key=lambda row: row[:4])
    here.sort(key=lambda h: (h.relation != "origin", -h.entry.year, h.entry.title.lower()))
    out = []
    for position, (score, _, _, _, entry) in enumerate(ranked):
        reasons: list[Reason] = []
        if position in explain:
            origin = facts_of(entry.region_code) if entry.region_code else None
            reasons = score_entry(entry, snapshot.by_origin.get(entry.slug, []), origin, region, prefs)[1]
        out.append(Recommendation(entry, -score, reasons))
    return Recommendations(region, here, out)


def score_entry(entry: Entry, links: Sequence[Link], origin: RegionFacts | None, region: RegionFacts,
                prefs: Preferences, explain: bool = True) -> tuple[float, list[Reason]]:
    """The score (0..1, rounded to 3 decimals) of one entry for `region`, and (with `explain`) its reasons:
    those for it first (the weightiest factor first), then information, then those against it."""
    parts: dict[str, float] = {}
    reasons: list[Reason] = [] if explain else _Discard()
    parts["size"] = _size(origin, region, reasons)
    parts["nearby"] = _nearby(origin, region, reasons)
    parts["proven"] = _proven(entry, links, region, reasons)
    parts["cost"] = _cost(entry, reasons)
    parts["awards"] = 1 - math.exp(-len(entry.awards) / 1.5)
    if entry.awards:
        reasons.append(Reason("awards", 1, "awards", {"awards": entry.awards}))
    if entry.digital:
        reasons.append(Reason("digital.yes", 0, "digital"))
    if prefs.digital == "ya":
        parts["digital"] = 1.0 if entry.digital else 0.0
    elif prefs.digital == "tidak":
        parts["digital"] = 0.0 if entry.digital else (1.0 if entry.digital is False else 0.5)
        if entry.digital is False:
            reasons.append(Reason("digital.no", 1, "digital"))
    if prefs.sectors:
        chosen = [s for s in entry.sectors if s in prefs.sectors]
        parts["sector"] = 1.0 if chosen else 0.0
        if chosen:
            reasons.append(Reason("sector.chosen", 1, "sector", {"sectors": tuple(chosen)}))
    weights = {name: prefs.weight(name) for name in parts}
    total = sum(weights.values())
    score = sum(weights[name] * value for name, value in parts.items()) / total if total else 0.0
    weight_of = {name: weights[name] * parts[name] for name in parts}
    shown = [r for r in reasons if r.tone == 0 or weights.get(r.factor, 1)]  # a factor set to 0 says nothing
    shown.sort(key=lambda r: (-r.tone, -weight_of.get(r.factor, 0.0)))
    return round(score, 3), shown


class _Discard(list):
    """A reasons list that keeps nothing: scoring without words (most of a ranking is never shown)."""

    def append(self, item: object) -> None:
        pass


def _ratio_similarity(a: float, b: float, span: float) -> float:
    """1 for equal values, falling to 0 when one is 10**span times the other."""
    if a <= 0 or b <= 0:
        return 0.0
    return max(0.0, 1 - abs(math.log10(a / b)) / span)


def _size(origin: RegionFacts | None, region: RegionFacts, reasons: list[Reason]) -> float:
    if origin is None:
        return 0.0
    if (origin.kind == "provinsi") != (region.kind == "provinsi"):
        reasons.append(Reason("level.other", 0, "size", {"kind": origin.kind}))
        return 0.2
    people = _ratio_similarity(origin.population, region.population, 1)
    density = _ratio_similarity(origin.density, region.density, 2)
    same_kind = origin.kind == region.kind
    figures = {"kind": origin.kind, "origin": origin.population, "target": region.population}
    if people >= 0.7:  # within a factor of 2
        reasons.append(Reason("size.similar", 1, "size", figures))
    elif people < 0.3:  # a factor of 5 or more
        reasons.append(Reason("size.different", -1, "size", figures))
    densities = {"origin": origin.density, "target": region.density}
    if density >= 0.9:  # within a factor of 1.6
        reasons.append(Reason("density.similar", 1, "size", densities))
    elif density <= 0.5:  # a factor of 10 or more
        reasons.append(Reason("density.different", -1, "size", densities))
    if same_kind and origin.kind != "provinsi":
        reasons.append(Reason("kind.same", 1, "size", {"kind": origin.kind}))
    elif not same_kind:
        reasons.append(Reason("kind.other", 0, "size", {"kind": origin.kind}))
    return 0.5 * people + 0.3 * density + 0.2 * same_kind


def _nearby(origin: RegionFacts | None, region: RegionFacts, reasons: list[Reason]) -> float:
    if origin is None:
        return 0.0
    if origin.province_code == region.province_code:
        reasons.append(Reason("nearby.province", 1, "nearby", {"province": region.province_code}))
        return 1.0
    if origin.island_group == region.island_group:
        reasons.append(Reason("nearby.island", 1, "nearby", {"group": region.island_group}))
        return 0.4
    return 0.0


def _proven(entry: Entry, links: Sequence[Link], region: RegionFacts, reasons: list[Reason]) -> float:
    elsewhere = [l for l in links if l.region_code != region.code]
    for link in links:
        if link.region_code == region.code:  # planned, stopped or unknown here (running ones are set apart)
            reasons.append(Reason(f"here.{link.status or 'unknown'}", 0, "proven", {"year": link.year}))
    by_status: dict[str | None, int] = {}
    for link in elsewhere:
        by_status[link.status] = by_status.get(link.status, 0) + 1
    nearby = sum(1 for l in elsewhere if l.province_code == region.province_code and l.status not in (PLANNED, STOPPED)
                 and l.region_code and "." in l.region_code)
    if nearby:
        reasons.append(Reason("proven.province", 1, "proven", {"n": nearby, "province": region.province_code}))
    for status, code, tone in ((RUNNING, "proven.running", 1), (PILOT, "proven.pilot", 1),
                               (None, "proven.unknown", 0), (PLANNED, "proven.planned", 0),
                               (STOPPED, "proven.stopped", -1)):
        if by_status.get(status):
            reasons.append(Reason(code, tone, "proven", {"n": by_status[status]}))
    evidence = sum(EVIDENCE.get(l.status, 0.4) for l in elsewhere)
    replicated = 1 - math.exp(-evidence / 2)
    if entry.status == "berhenti":
        reasons.append(Reason("origin.stopped", -1, "proven"))
    elif entry.status == "berlanjut":
        reasons.append(Reason("origin.running", 1, "proven"))
    still = {"berlanjut": 1.0, "berhenti": 0.0}.get(entry.status or "", 0.5)
    return 0.7 * replicated + 0.3 * still


def _cost(entry: Entry, reasons: list[Reason]) -> float:
    for value, name in ((entry.cost, "cost"), (entry.complexity, "complexity")):
        if value == "rendah":
            reasons.append(Reason(f"{name}.low", 1, "cost"))
        elif value == "tinggi":
            reasons.append(Reason(f"{name}.high", -1, "cost"))
    if entry.cost is None and entry.complexity is None:
        reasons.append(Reason("cost.unknown", 0, "cost"))
    return (LEVELS.get(entry.cost or "", UNKNOWN_LEVEL) + LEVELS.get(entry.complexity or "", UNKNOWN_LEVEL)) / 2
