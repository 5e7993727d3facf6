"""Place names in a query ("di Lumajang", "Kota Malang", "Jawa Tengah"), from the Kemendagri gazetteer.

A place found in the query becomes its own concept that weighs heavily on the `place` field (region of
origin, its province, regions that replicated it), so region-specific queries rank local innovations first.
"""
from __future__ import annotations

from functools import lru_cache

from kb.content.regions import all_regions
from kb.search.analysis import split_words

MAX_PLACE_WORDS = 5
PREFIXES = {"kabupaten", "kab", "kota", "provinsi", "prov"}


@lru_cache(maxsize=1)
def place_names() -> frozenset[tuple[str, ...]]:
    """Word sequences of every province and regency/city name, with and without Kabupaten/Kota."""
    names: set[tuple[str, ...]] = set()
    for region in all_regions():
        words = tuple(split_words(region.name))
        names.add(words)
        if words and words[0] in PREFIXES and len(words) > 1:
            names.add(words[1:])
    return frozenset(names)


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Every word of every place name (for spelling: "Banten" is a place, not a typo of "bantuan")."""
    return frozenset(w for name in place_names() for w in name)


def find_places(words: list[str]) -> list[tuple[int, int]]:
    """(start, end) spans of place names in `words`, longest first, a preceding Kabupaten/Kota included."""
    names = place_names()
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_PLACE_WORDS, len(words) - i), 0, -1):
            if tuple(words[i: i + size]) in names and not (size == 1 and words[i] in PREFIXES):
                spans.append((i, i + size))
                i += size
                break
        else:
            i += 1
    return spans
