"""Population and area of every province and regency/city, for ranking innovations by how well a region fits.

The figures ship with the code (`data/regions-population-area.csv`, MIT-licensed, source and licence in
`data/regions-population-area.NOTICE.md`): nothing is read from outside the package at run time. Names come
from the gazetteer (`kb.content.regions`), so a region is named the same everywhere on the site.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kb.content.regions import get_region

SOURCE = "Kepmendagri No 300.2.2-2138 Tahun 2025 (penduduk), Badan Informasi Geospasial 2024 (luas), via wilayah (Cahya DSN, MIT)"
VINTAGE = 2025
KOTA_FROM = 71  # Kemendagri codes: the second part numbers regencies from 01 and cities from 71

# The first digit of a province code groups the provinces by island: a neighbour's context is closer.
ISLAND_GROUPS = {
    "1": ("Sumatra", "Sumatra"),
    "3": ("Jawa", "Java"),
    "5": ("Bali dan Nusa Tenggara", "Bali and Nusa Tenggara"),
    "6": ("Kalimantan", "Kalimantan"),
    "7": ("Sulawesi", "Sulawesi"),
    "8": ("Maluku", "Maluku"),
    "9": ("Papua", "Papua"),
}


def region_kind(code: str) -> str:
    """"provinsi" (`35`), "kabupaten" (`35.10`) or "kota" (`35.78`), from the code alone."""
    if "." not in code:
        return "provinsi"
    return "kota" if int(code.split(".")[1]) >= KOTA_FROM else "kabupaten"


@dataclass(frozen=True, slots=True)
class RegionFacts:
    """A province or regency/city with its population and area (figures of `VINTAGE`). The parts of the code
    are worked out once here: ranking reads them for every write-up of the catalogue."""

    code: str
    name: str  # display name: "Provinsi Jawa Timur", "Kabupaten Banyuwangi", "Kota Surabaya"
    population: int
    area_km2: float
    kind: str = ""  # provinsi | kabupaten | kota (from the code)
    province_code: str = ""
    island_group: str = ""  # the province code's first digit: a key of ISLAND_GROUPS
    density: float = 0.0  # inhabitants per km²

    @classmethod
    def of(cls, code: str, name: str, population: int, area_km2: float) -> RegionFacts:
        return cls(code, name, population, area_km2, region_kind(code), code.split(".")[0], code[0],
                   population / area_km2 if area_km2 > 0 else 0.0)


@lru_cache(maxsize=1)
def all_facts() -> dict[str, RegionFacts]:
    """Every region in the data file by code, in file order (each province, then its regencies and cities)."""
    text = resources.files("kb.content").joinpath("data/regions-population-area.csv").read_text(encoding="utf-8")
    out: dict[str, RegionFacts] = {}
    for row in csv.DictReader(io.StringIO(text)):
        region = get_region(row["code"])
        name = region.display_name if region is not None else row["name"]
        out[row["code"]] = RegionFacts.of(row["code"], name, int(row["population_total"]), float(row["area_km2"]))
    return out


def facts(code: str) -> RegionFacts | None:
    """The figures of one region, or None for an unknown code."""
    return all_facts().get(code) if isinstance(code, str) else None
