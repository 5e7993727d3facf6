"""Catalogue-wide groupings for browse pages and the API: sectors, regions and awards with counts."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kb.content import regions, vocab
from kb.content.loader import Catalogue
from kb.content.model import Innovation, Replication


@dataclass
class RegionSummary:
    """A province or regency/city: innovations that started there and replications there."""

    code: str
    name: str
    originated: list[Innovation] = field(default_factory=list)
    replicated: list[tuple[Innovation, Replication]] = field(default_factory=list)

    @property
    def is_province(self) -> bool:
        return "." not in self.code


def sector_counts(cat: Catalogue) -> list[tuple[str, int]]:
    """Every sector in vocabulary order with its number of innovations (zero included)."""
    counts = Counter(s for inn in cat.innovations.values() for s in inn.sectors)
    return [(slug, counts.get(slug, 0)) for slug in vocab.sectors()]


def in_sector(cat: Catalogue, sector: str) -> list[Innovation]:
    return newest_first([i for i in cat.innovations.values() if sector in i.sectors])


def newest_first(items: list[Innovation]) -> list[Innovation]:
    return sorted(items, key=lambda i: (-i.year, i.title.lower()))


def most_replicated(cat: Catalogue, limit: int = 5) -> list[tuple[Innovation, int]]:
    """Innovations with the most documented replications (own list plus replicas' write-ups)."""
    scored = [(inn, replication_count(cat, inn)) for inn in cat.innovations.values()]
    return sorted([p for p in scored if p[1] > 0], key=lambda p: (-p[1], p[0].title.lower()))[:limit]


def replication_count(cat: Catalogue, inn: Innovation) -> int:
    listed = {r.innovation for r in inn.replications if r.innovation}
    return len(inn.replications) + sum(1 for r in cat.replicas_of(inn.slug) if r.slug not in listed)


def region_summary(cat: Catalogue, code: str) -> RegionSummary | None:
    """Innovations from a region (a province includes its regencies) and replications in it."""
    region = regions.get_region(code)
    if region is None:
        return None
    summary = RegionSummary(code=region.code, name=region.display_name)

    def inside(other: str | None) -> bool:
        return other is not None and (other == code or (region.is_province and other.split(".")[0] == code))

    for inn in cat.innovations.values():
        if inside(inn.region_code):
            summary.originated.append(inn)
        for rep in inn.replications:
            if inside(rep.region_code):
                summary.replicated.append((inn, rep))
    summary.originated = newest_first(summary.originated)
    return summary


def region_counts(cat: Catalogue) -> list[dict]:
    """Every region that appears in the catalogue, with counts; provinces first, then by code."""
    originated: Counter[str] = Counter()
    replicated: Counter[str] = Counter()
    for inn in cat.innovations.values():
        if inn.region_code:
            originated[inn.region_code] += 1
            if "." in inn.region_code:
                originated[inn.province_code] += 1
        for rep in inn.replications:
            if rep.region_code:
                replicated[rep.region_code] += 1
                if "." in rep.region_code:
                    replicated[rep.region_code.split(".")[0]] += 1
    out = []
    for code in sorted(set(originated) | set(replicated), key=lambda c: (c.split(".")[0], "." in c, c)):
        region = regions.get_region(code)
        if region is None:
            continue
        out.append({"code": code, "name": region.display_name, "level": "province" if region.is_province
                    else "regency", "innovations": originated.get(code, 0), "replications": replicated.get(code, 0)})
    return out


def award_years(cat: Catalogue, award: str) -> list[tuple[int, int]]:
    """(year, number of innovations) for an award programme, newest first."""
    counts: Counter[int] = Counter()
    for inn in cat.innovations.values():
        for year in {a.year for a in inn.awards if a.award == award}:
            counts[year] += 1
    return sorted(counts.items(), reverse=True)


def award_counts(cat: Catalogue) -> list[tuple[str, int]]:
    """(award slug, number of innovations holding it), in award-name order."""
    counts = Counter(a for inn in cat.innovations.values() for a in {r.award for r in inn.awards})
    return [(slug, counts.get(slug, 0)) for slug in sorted(cat.awards, key=lambda s: cat.awards[s].name.lower())]
