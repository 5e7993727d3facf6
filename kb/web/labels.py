"""Display labels for facet names and values, in the page's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kb.content import regions, vocab

FACET_LABELS = {
    "sector": _l("Sektor"),
    "province": _l("Provinsi"),
    "region": _l("Kabupaten/kota"),
    "award": _l("Penghargaan"),
    "award_year": _l("Tahun penghargaan"),
    "year": _l("Tahun mulai"),
    "stage": _l("Tahap"),
    "status": _l("Status"),
    "digital": _l("Digital"),
    "cost": _l("Biaya"),
    "complexity": _l("Kompleksitas"),
}
_VOCABS = {"stage": vocab.STAGES, "status": vocab.STATUSES, "cost": vocab.LEVELS, "complexity": vocab.LEVELS,
           "form": vocab.FORMS, "initiator": vocab.INITIATORS, "proof": vocab.PROOFS, "language": vocab.LANGUAGES}


def facet_label(name: str) -> str:
    return str(FACET_LABELS.get(name, name))


def facet_value_label(name: str, value: str, lang: str = "id", awards: dict | None = None) -> str:
    """Human label for a facet value: sector names, region names, award names, vocabulary labels."""
    if name == "sector":
        return vocab.label(vocab.sectors(), value, lang)
    if name in ("province", "region"):
        region = regions.get_region(value)
        return region.display_name if region else value
    if name == "award":
        return awards[value].name if awards and value in awards else value
    if name == "digital":
        yes_no = {"ya": ("Ya", "Yes"), "tidak": ("Tidak", "No")}
        return vocab.label(yes_no, value, lang)
    if name in _VOCABS:
        return vocab.label(_VOCABS[name], value, lang)
    return value
