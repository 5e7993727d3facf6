"""Typo correction through the deletion index gives exactly what comparing with every word gave.

The reference below is the former implementation, kept here only to check against: it compares an unknown
word with every vocabulary word of similar length (same first letter first, then the others).
"""
from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
import Sastrawi
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.publish import publish
from kb.search import store
from kb.search.indexer import read_spelling
from kb.search.lexicon import default_lexicon
from kb.search.places import place_words
from kb.search.spelling import Speller, _distance, max_distance

CORPUS = Path(__file__).parent / "relevance" / "corpus"
ROOTS = Path(Sastrawi.__file__).resolve().parent / "Stemmer" / "data" / "kata-dasar.txt"


class BruteForceSpeller(Speller):
    """The former correction: every word of similar length, in Python."""

    def __init__(self, frequencies: dict[str, int], stems: set[str]) -> None:
        super().__init__(frequencies, stems)
        self._by_shape: dict[tuple[str, int], list[str]] = {}  # (first letter, length) -> words
        for word in frequencies:
            if word.isalpha() and len(word) >= 3:
                self._by_shape.setdefault((word[0], len(word)), []).append(word)

    def correct_word(self, word: str) -> str | None:
        limit = max_distance(word)
        if limit == 0 or self.known(word):
            return None
        best: tuple[int, int, str] | None = None
        lengths = range(len(word) - limit, len(word) + limit + 1)
        same = [w for n in lengths for w in self._by_shape.get((word[0], n), ())]
        other = [w for (first, n), ws in self._by_shape.items() if first != word[0] and n in lengths for w in ws]
        for pool in (same, other):
            for candidate in pool:
                d = _distance(word, candidate, limit)
                if d <= limit:
                    key = (d, -self.freq.get(candidate, 0), candidate)
                    if best is None or key < best:
                        best = key
            if best is not None:
                break
        return best[2] if best else None


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edit(rng: random.Random, word: str, first: bool = False) -> str:
    """One random edit: substitution, insertion, deletion or transposition (at the start if `first`)."""
    i = 0 if first else rng.randrange(len(word) + 1)
    kind = rng.choice("sidt")
    if kind == "i" or i == len(word):
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "s":
        return word[:i] + rng.choice(LETTERS.replace(word[i], "")) + word[i + 1:]
    if kind == "d" or len(word) < 2:
        return word[:i] + word[i + 1:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory) -> tuple[dict[str, int], set[str]]:
    """The spelling vocabulary of the published relevance corpus, with lexicon and place words as the
    search adds them, and Sastrawi's root words (frequencies drawn at random, many equal) for many close
    neighbours."""
    index_dir = tmp_path_factory.mktemp("spelling") / "index"
    publish(CORPUS, index_dir)
    found = read_spelling(store.current_generation(index_dir))
    assert found is not None
    freq, stems = found
    for word in default_lexicon().words | place_words():
        freq.setdefault(word, 0)
    rng = random.Random(3)
    for word in ROOTS.read_text(encoding="utf-8").split():
        freq.setdefault(word, rng.choice([0, 1, 1, 2, 3, 5, 8]))
    return freq, stems


def test_corrections_equal_the_brute_force_ones(vocabulary):
    freq, stems = vocabulary
    fast, slow = Speller(freq, stems), BruteForceSpeller(freq, stems)
    rng = random.Random(11)
    words = sorted(w for w in freq if w.isalpha() and len(w) >= 4)
    queries = [edit(rng, w) for w in rng.sample(words, 80)]  # one edit
    queries += [edit(rng, edit(rng, w)) for w in rng.sample(words, 80)]  # two (a few are three: no match)
    queries += [edit(rng, w, first=True) for w in rng.sample(words, 20)]  # first letter
    queries += [w[1] + w[0] + w[2:] for w in rng.sample(words, 12)]  # first two letters swapped
    queries += [edit(rng, w) for w in rng.sample([w for w in words if len(w) <= 5], 40)]  # distance 1 only
    queries += ["".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 12))) for _ in range(12)]
    queries += [w[:2] + "7" + w[3:] for w in rng.sample(words, 10)]  # digits: left alone
    queries += ["pelayanän", "ketahänan", "ibu", "xq", "", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"]
    results = {q: fast.correct_word(q) for q in queries}
    assert results == {q: slow.correct_word(q) for q in queries}
    fixed = [q for q, r in results.items() if r is not None]
    assert len(fixed) > len(queries) // 2  # the comparison is about real corrections, not only misses
    assert any(r[0] != q[0] for q, r in results.items() if r is not None)  # other first letters reached
    assert any(_distance(q, results[q], 2) == 2 for q in fixed)  # and distance 2


def test_split_and_join_unchanged(vocabulary):
    freq, stems = vocabulary
    fast, slow = Speller(freq, stems), BruteForceSpeller(freq, stems)
    rng = random.Random(5)
    words = sorted(w for w in freq if w.isalpha() and len(w) >= 3)
    phrases = [["si", "pandu"], ["pelayananpublik"], ["pelayanan", "publk"], ["kesehatanibu", "dan", "anak"]]
    for _ in range(40):
        a, b = rng.sample(words, 2)
        phrases.append([edit(rng, a), b] if rng.random() < 0.5 else [a + b, edit(rng, b)])
        phrases.append([a[:len(a) // 2], a[len(a) // 2:], edit(rng, b)])
    corrections = [fast.correct(p) for p in phrases]
    assert corrections == [slow.correct(p) for p in phrases]
    assert sum(c.changed for c in corrections) > len(phrases) // 2


small_words = st.text(alphabet="aeiknrst", min_size=3, max_size=9)


@settings(max_examples=300, deadline=None)
@given(base=small_words, seed=st.integers(0, 2**32))
def test_close_neighbourhoods_agree(base, seed):
    """Dense vocabularies of words one to three edits from each other (ties in distance and frequency,
    repeated letters, both pools): every query gets what the brute force gives."""
    rng = random.Random(seed)
    variants = [base]
    for _ in range(rng.randint(1, 25)):
        word = rng.choice(variants)
        for _ in range(rng.randint(1, 2)):
            word = edit(rng, word, first=rng.random() < 0.15)
        variants.append(word)
    freq = {w: rng.randint(0, 3) for w in variants}
    fast, slow = Speller(freq, set()), BruteForceSpeller(freq, set())
    for _ in range(10):
        query = base
        for _ in range(rng.randint(1, 3)):
            query = edit(rng, query, first=rng.random() < 0.15)
        assert fast.correct_word(query) == slow.correct_word(query), (query, freq)


def test_one_index_for_concurrent_first_corrections(vocabulary):
    """Threads meeting their first typo together all get the answer (the index is built once, under a
    lock)."""
    freq, stems = vocabulary
    speller = Speller(freq, stems)
    queries = ["pelayanam", "kesehatn", "pendidkan", "masyarakta"] * 4
    expected = [BruteForceSpeller(freq, stems).correct_word(q) for q in queries]
    got: dict[int, str | None] = {}
    start = threading.Barrier(len(queries))

    def run(i: int) -> None:
        start.wait()
        got[i] = speller.correct_word(queries[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(queries))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(len(queries))] == expected
    assert all(expected)


def test_a_vocabulary_indexed_in_parts_corrects_as_one(vocabulary):
    """Segments' words are indexed once per process and shared by generations (`parts`): the corrections
    are those of the whole vocabulary indexed at once."""
    freq, stems = vocabulary
    words = sorted(freq)
    parts = [(("test-part", n), set(words[n::3])) for n in range(2)]  # the third third: "the rest"
    whole, parted = Speller(freq, stems), Speller(freq, stems, parts)
    rng = random.Random(17)
    sample = sorted(w for w in freq if w.isalpha() and len(w) >= 4)
    queries = [edit(rng, w) for w in rng.sample(sample, 60)] + [edit(rng, edit(rng, w)) for w in rng.sample(sample, 60)]
    assert [parted.correct_word(q) for q in queries] == [whole.correct_word(q) for q in queries]
    assert sum(1 for q in queries if whole.correct_word(q)) > 60
    again = Speller(freq, stems, parts)
    again.correct_word("pelayanann")
    assert again._indexes[:2] == parted._indexes[:2]  # the parts' indexes were built once, then shared
