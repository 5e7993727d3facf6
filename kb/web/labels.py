"""Display labels for facet names and values (Indonesian)."""
from __future__ import annotations

from kb.content import regions, vocab

FACET_LABELS = {
    "sector": "Sektor",
    "province": "Provinsi",
    "region": "Kabupaten/kota",
    "award": "Penghargaan",
    "award_year": "Tahun penghargaan",
    "year": "Tahun mulai",
    "stage": "Tahap",
    "status": "Status",
    "digital": "Digital",
    "cost": "Biaya",
    "complexity": "Kompleksitas",
}


def facet_label(name: str) -> str:
    return FACET_LABELS.get(name, name)


def facet_value_label(name: str, value: str, awards: dict | None = None) -> str:
    """Human label for a facet value: sector names, region names, award names, vocabulary labels."""
    if name == "sector":
        return vocab.label(vocab.sectors(), value)
    if name in ("province", "region"):
        region = regions.get_region(value)
        return region.display_name if region else value
    if name == "award" and awards and value in awards:
        return awards[value].name
    if name == "stage":
        return vocab.label(vocab.STAGES, value)
    if name == "status":
        return vocab.label(vocab.STATUSES, value)
    if name in ("cost", "complexity"):
        return vocab.label(vocab.LEVELS, value)
    if name == "digital":
        return {"ya": "Ya", "tidak": "Tidak"}.get(value, value)
    return value
