"""English spelling and number: British and American spellings and plurals compared as one form.

Officials writing in English use either spelling ("centre"/"center", "programme"/"program", "fertiliser"/
"fertilizer", "licence"/"license") and either number ("sirens", "libraries"). `canonical` maps every form to
one American singular, so the lexicon matches any of them against its terms; `spellings` lists the forms
of a typed word that a write-up may use instead, for looking them up in the index. Rules, not a word list:
they apply to any word, and a form is only searched when the index knows it (the caller checks).
"""
from __future__ import annotations

import re
from functools import lru_cache

# Words the rules would mangle: too short, or their ending is not the suffix it looks like.
_KEEP = frozenset("""
news series species means bus gas plus bonus census status campus virus focus corpus atlas canvas
analysis basis crisis thesis diagnosis tuberculosis diabetes aids hiv this its his has was does is us
process access address business less loss class glass grass cross boss
hour four tour our your flour pour
theatre metre litre
""".split())
# British -> American endings of singular words, longest first: (ending, replacement, shortest word).
_SPELLING = (
    ("isation", "ization", 8), ("ising", "izing", 6), ("ised", "ized", 5), ("iser", "izer", 6),
    ("ise", "ize", 5), ("yse", "yze", 5), ("ysing", "yzing", 7), ("ysed", "yzed", 6),
    ("ourhood", "orhood", 9), ("ouring", "oring", 8), ("oured", "ored", 7), ("our", "or", 6),
    ("tre", "ter", 5), ("ogue", "og", 6), ("ence", "ense", 6),
    ("lling", "ling", 7), ("lled", "led", 6), ("ller", "ler", 6), ("mme", "m", 6),
)
# -ise words that are not -ize in American English either: leave them alone.
_ISE = frozenset("""
advise advertise compromise devise enterprise exercise expertise franchise improvise merchandise
premise promise revise supervise surprise televise wise rise raise noise cruise precise concise
""".split())
_ENCE = frozenset(("licence", "defence", "offence", "pretence"))  # only these take -ense in US spelling
_VOWELS = set("aeiou")
_WORD_RE = re.compile(r"^[a-z]+$")


def _singular(word: str) -> str:
    """A plain English plural reduced to its singular: libraries -> library, boxes -> box, sirens -> siren."""
    if len(word) <= 3 or word in _KEEP or not word.endswith("s") or word.endswith(("ss", "us", "is")) \
            or not _VOWELS & set(word[:-1]):  # an acronym ("dtks", "bpjs"), not a plural
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    return word[:-1]


def _american(word: str) -> str:
    if word in _KEEP:
        return word
    for ending, replacement, shortest in _SPELLING:
        if len(word) >= shortest and word.endswith(ending):
            if ending in ("ise", "ised", "ising", "iser") and word[: len(word) - len(ending)] + "ise" in _ISE:
                return word
            if ending == "ence" and word not in _ENCE:
                return word
            if ending in ("lling", "lled", "ller") and word[-len(ending) - 1] not in _VOWELS:
                return word
            return word[: len(word) - len(ending)] + replacement
    return word


@lru_cache(maxsize=50_000)
def canonical(word: str) -> str:
    """One form for every spelling and number of an English word (American, singular); other words (any
    word that is not plain lowercase letters) come back unchanged."""
    if not _WORD_RE.match(word):
        return word
    return _american(_singular(word))


def spellings(word: str) -> list[str]:
    """Forms a write-up may use for `word` instead: its canonical form, the British spellings of that form,
    and their plurals. Over-generating is harmless: the caller keeps only the forms the index knows."""
    base = canonical(word)
    stems = {base} | {base[: len(base) - len(us)] + uk for us, uk in _BRITISH if base.endswith(us)}
    forms = set()
    for form in stems:
        plural = form[:-1] + "ies" if form.endswith("y") and form[-2:-1] not in _VOWELS else \
            form + ("es" if form.endswith(("s", "x", "z", "ch", "sh")) else "s")
        forms |= {form, plural}
    forms.discard(word)
    return sorted(forms)


# American -> British endings, for `spellings` (the reverse of _SPELLING's main rules).
_BRITISH = (("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("izer", "iser"), ("ize", "ise"),
            ("yze", "yse"), ("orhood", "ourhood"), ("or", "our"), ("ter", "tre"), ("og", "ogue"),
            ("ense", "ence"), ("led", "lled"), ("ling", "lling"), ("ler", "ller"), ("gram", "gramme"))
