"""Controlled vocabularies of the front-matter schema, with Indonesian and English labels.

Sectors live in `data/sectors.yml` (one place for each slug's labels); the short enumerations below are
part of the schema itself.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

# value -> (Indonesian label, English label)
STAGES = {
    "inisiatif": ("Inisiatif", "Initiative"),
    "uji-coba": ("Uji coba", "Pilot"),
    "penerapan": ("Penerapan", "Implemented"),
}
STATUSES = {
    "berlanjut": ("Berlanjut", "Ongoing"),
    "berhenti": ("Berhenti", "Discontinued"),
}
FORMS = {
    "tata-kelola": ("Tata kelola pemerintahan", "Governance"),
    "pelayanan-publik": ("Pelayanan publik", "Public service"),
    "lainnya": ("Lainnya", "Other"),
}
INITIATORS = {
    "kepala-daerah": ("Kepala daerah", "Regional head"),
    "dprd": ("DPRD", "Regional parliament"),
    "perangkat-daerah": ("Perangkat daerah", "Regional agency"),
    "asn": ("ASN", "Civil servant"),
    "masyarakat": ("Masyarakat", "Community"),
}
LEVELS = {  # used by cost.band and complexity
    "rendah": ("Rendah", "Low"),
    "sedang": ("Sedang", "Medium"),
    "tinggi": ("Tinggi", "High"),
}
PROOFS = {
    "surat-minat": ("Surat minat", "Letter of interest"),
    "pks": ("Perjanjian kerja sama (PKS)", "Cooperation agreement"),
    "mou": ("Nota kesepahaman (MoU)", "Memorandum of understanding"),
    "lainnya": ("Lainnya", "Other"),
}
REPLICATION_STATUSES = {  # a plan, an MoU or a study visit is never a running replication
    "direncanakan": ("Direncanakan", "Planned"),
    "uji-coba": ("Uji coba", "Pilot"),
    "berjalan": ("Berjalan", "Running"),
    "berhenti": ("Berhenti", "Stopped"),
}
PLANNED = "direncanakan"  # not yet a replication: never counted or shown as one
MECHANISMS = {  # how the replica learned from the origin
    "kunjungan-studi": ("Kunjungan studi", "Study visit"),
    "mou-pks": ("MoU / PKS", "MoU / cooperation agreement"),
    "pendampingan-teknis": ("Pendampingan teknis", "Technical assistance"),
    "berbagi-kode": ("Berbagi kode / aplikasi", "Shared code or application"),
    "lainnya": ("Lainnya", "Other"),
}
LANGUAGES = {"id": ("Bahasa Indonesia", "Indonesian"), "en": ("Bahasa Inggris", "English")}
YES_NO = {"ya": ("Ya", "Yes"), "tidak": ("Tidak", "No")}  # true/false fields, as facet values and labels

# Recommended body sections, in order. Missing "Cara Replikasi" matters most: it is why officials come.
RECOMMENDED_SECTIONS = (
    "Latar Belakang",
    "Inovasi",
    "Hasil dan Dampak",
    "Cara Replikasi",
    "Tantangan",
    "Pembelajaran",
)
REQUIRED_SECTIONS = ("Latar Belakang", "Inovasi", "Hasil dan Dampak", "Cara Replikasi")


@lru_cache(maxsize=1)
def sectors() -> dict[str, tuple[str, str]]:
    """Sector slug -> (Indonesian label, English label), in the data file's order."""
    text = resources.files("kb.content").joinpath("data/sectors.yml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {slug: (labels["id"], labels["en"]) for slug, labels in raw.items()}


def label(vocab: dict[str, tuple[str, str]], value: str, lang: str = "id") -> str:
    """The display label of a vocabulary value; the value itself when unknown."""
    pair = vocab.get(value)
    if pair is None:
        return value
    return pair[1] if lang == "en" else pair[0]
