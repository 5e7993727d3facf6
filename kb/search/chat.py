"""How people type on phones: chat abbreviations, dropped vowels, colloquial verbs, doubled words and
run-together numbers.

A query's words are normalized before typo correction: abbreviations from the curated list in
`data/chat.yml` ("yg" -> yang, "utk" -> untuk, "pjk" -> pajak); a word written with a "2" for reduplication
becomes the doubled word ("anak2" -> anak-anak); letters and digits typed together are split ("24jam" ->
24 jam). Words the index does not know: a colloquial verb becomes its standard form when the index knows
that ("ngurusin" -> mengurus, "nyari" -> cari); a word with (almost) no vowels is read as a known word with
its vowels dropped ("bnjr" -> banjir): the most frequent word of the generation's vocabulary with the same
consonants in the same order and the typed letters in sequence. The rest is left to typo correction.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources

import yaml

from kb.search.analysis import split_words

VOWELS = frozenset("aeiou")
MIN_CONSONANTS = 3  # "pjk" (pajak) and longer: two consonants fit too many words
_REDUPLICATED_RE = re.compile(r"^([a-z]{2,})2$")
_MIXED_RE = re.compile(r"^(?:[a-z]+\d+|\d+[a-z]+)[a-z\d]*$")
_RUNS_RE = re.compile(r"[a-z]+|\d+")


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, ...]]:
    """The curated list: typed form -> the words it stands for."""
    text = resources.files("kb.search").joinpath("data/chat.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {str(k).lower(): tuple(split_words(str(v))) for k, v in (data.get("abbreviations") or {}).items()}


def skeleton(word: str) -> str:
    """The consonants of a word, in order."""
    return "".join(ch for ch in word if ch not in VOWELS)


def vowel_poor(word: str) -> bool:
    """Whether a word looks typed without its vowels: plain letters, at least MIN_CONSONANTS consonants
    and at most one vowel in five letters."""
    if not word.isalpha() or not word.isascii():
        return False
    vowels = sum(ch in VOWELS for ch in word)
    return len(word) - vowels >= MIN_CONSONANTS and vowels * 5 <= len(word)


def _in_sequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


class Skeletons:
    """Known words by their consonants, built once per index generation, on the first word that needs it."""

    def __init__(self, frequencies: dict[str, int]) -> None:
        self._by_skeleton: dict[str, list[tuple[int, str]]] = {}
        for word, freq in frequencies.items():
            if word.isalpha() and word.isascii() and len(word) >= MIN_CONSONANTS:
                key = skeleton(word)
                if len(key) >= MIN_CONSONANTS and len(key) < len(word):
                    self._by_skeleton.setdefault(key, []).append((-freq, word))
        for found in self._by_skeleton.values():
            found.sort()

    def expand(self, word: str) -> str | None:
        """The most frequent known word that `word` is with vowels dropped (ties: alphabetical), if any."""
        for _, candidate in self._by_skeleton.get(skeleton(word), ()):
            if candidate[0] == word[0] and _in_sequence(word, candidate):
                return candidate
        return None


# Colloquial verb prefixes and the standard forms they stand for: "ngurus" (mengurus), "ngirim" (kirim),
# "nyari" (cari), "nabung" (menabung), "mbayar" (bayar), "ngecek" (cek).
_PREFIXES = (("nge", ("", "menge")), ("ng", ("meng", "k", "")), ("ny", ("meny", "c", "s")),
             ("m", ("mem", "")), ("n", ("men", "t")))


def colloquial_verb(word: str, known: Callable[[str], bool]) -> str | None:
    """The standard form of a colloquial verb that the index knows: a nasal prefix ("ngurus", "nyari",
    "nabung") and the suffix -in ("ngurusin", "cariin"), or None."""
    forms = [word]
    if word.endswith("in") and len(word) > 5:
        forms.append(word[:-2])  # ngurusin -> ngurus, cariin -> cari
    for form in forms:
        if form != word and known(form):
            return form
        for prefix, replacements in _PREFIXES:
            rest = form[len(prefix):]
            if form.startswith(prefix) and len(rest) >= 3:
                for replacement in replacements:
                    if known(replacement + rest):
                        return replacement + rest
    return None


def expand(words: Iterable[str]) -> list[str]:
    """The words with the curated abbreviations written out (what the user meant, not a correction)."""
    table = abbreviations()
    return [full for word in words for full in table.get(word, (word,))]


def normalize(words: Iterable[str], known: Callable[[str], bool],
              skeletons: Callable[[], Skeletons] | None = None) -> list[str]:
    """The words as they would be written in full. `known`: whether the index (or lexicon) knows a word;
    `skeletons`: the generation's consonant index (made on first use), or None to leave dropped vowels."""
    out: list[str] = []
    for word in expand(words):
        if (m := _REDUPLICATED_RE.match(word)) and not known(word):
            out.append(f"{m.group(1)}-{m.group(1)}")
        elif _MIXED_RE.match(word) and not known(word):
            out.extend(_RUNS_RE.findall(word))
        elif word.isalpha() and len(word) >= 5 and not known(word) and (verb := colloquial_verb(word, known)):
            out.append(verb)
        elif skeletons is not None and vowel_poor(word) and not known(word):
            out.append(skeletons().expand(word) or word)
        else:
            out.append(word)
    return out
