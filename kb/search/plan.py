"""The query plan: what a query asks of the index, written once and read by both matching and ranking.

    concepts (query.py) -> variants (the typed form, then lexicon equivalents) -> alternatives -> clauses

An `Alternative` is one way a variant can hold in a document: a conjunction of required slots, each slot a
choice of (field, term, weight) clauses, plus an optional positional requirement (`Phrase`, the only part
that reads word positions). The rules live in `build` and nowhere else: which fields a word is looked up in and
whether stemmed, that stop words are not required (the analyzer never indexes them), that a multi-word
variant needs all its words or its joined form ("si pandu" = "sipandu"), that places weigh on the place
field as phrases, the weight of equivalents and filler words, coordination and the exact-name bonus.

Evaluation (matching in query.py as bitsets, ranking in ranking.py as NumPy arrays):
- an alternative holds where every slot has a clause whose term the document contains (and its phrase
  occurs); there it scores the sum of its clauses' BM25F contributions times their weights;
- a variant scores the sum of its holding alternatives, times the variant's weight; a concept scores its
  best variant; the query sums its concepts, times the share of counted concepts that scored
  (coordination: filler words are not counted, unless the query has nothing else), times
  1 + EXACT_NAME_FACTOR where every typed word (filler words aside) is in the innovation's name.

Invariant: a document matches exactly when its score is > 0. Both sides read the same alternatives and the
same per-alternative document sets (`documents`); every weight is positive (checked here) and a present
term's BM25 contribution is positive; coordination and the name bonus only multiply positive scores.
tests/test_plan.py checks it on every query of the relevance collection.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kb.search.analysis import STOP_WORDS, stem, word_parts
from kb.search.lexicon import Concept
from kb.search.schema import SECTION_FIELDS, STEMMED_FIELDS, UNSTEMMED_FIELDS

MAX_VARIANTS = 8  # a concept is looked up by its first variants only: bounded work per query
EXPANSION_BOOST = 0.8  # an equivalent term weighs less than what was typed
JOINED_BOOST = 1.5  # "si pandu" found as the name "sipandu"
PLACE_BOOST = 3.0  # a place name in the place field (region, province, replication regions)
PLACE_BODY_WEIGHT = 0.5  # a place name mentioned in the write-up
EXACT_NAME_FACTOR = 2.0  # all typed words in the innovation's name: score x (1 + this)
WEAK_WEIGHT = 0.3  # a filler word ("inovasi", "program"; frames.py) weighs this much of a topic word
# Where a plain word is looked up: stems in the stemmed fields (the sections again: the background section,
# so that a problem described there counts more), as typed in the unstemmed ones.
WORD_STEMMED = STEMMED_FIELDS + SECTION_FIELDS
WORD_FIELDS = WORD_STEMMED + UNSTEMMED_FIELDS
# Where a quoted phrase may occur: `exact` holds the names, summary and tags already in `name` and `about`,
# where a phrase of stems is found wherever the unstemmed phrase is (and each field searched costs time).
PHRASE_FIELDS = STEMMED_FIELDS + ("place",)

Postings = Callable[[str, str], int]  # (field, term) -> bitset of the live documents holding it
# (field, terms, slop, candidates) -> the candidates where the terms occur in sequence (read from positions)
Positions = Callable[[str, tuple[str, ...], int, int], int]


@dataclass(frozen=True)
class Clause:
    """One (field, term) lookup and the weight of its BM25F contribution."""

    field: str
    term: str
    weight: float


@dataclass(frozen=True)
class Phrase:
    """A positional requirement: the terms in sequence, at most `slop` positions apart, in one of the fields."""

    fields: tuple[tuple[str, tuple[str, ...]], ...]
    slop: int = 1

    def documents(self, postings: Postings, positions: Positions, candidates: int) -> int:
        """The candidates where the phrase occurs: positions are read (slow, in Python) only for documents
        holding every term in the same field."""
        found = 0
        for name, terms in self.fields:
            docs = candidates
            for term in terms:
                docs &= postings(name, term)
            if docs:
                found |= positions(name, terms, self.slop, docs)
        return found


Slot = tuple[Clause, ...]  # any one of these terms satisfies the slot


@dataclass(frozen=True)
class Alternative:
    """A conjunction: every slot present (and the phrase, if any) or nothing."""

    slots: tuple[Slot, ...]
    phrase: Phrase | None = None

    def __post_init__(self) -> None:
        if not self.slots or not all(self.slots):
            raise ValueError("an alternative needs at least one slot, each with a clause")
        if any(c.weight <= 0 for slot in self.slots for c in slot):
            raise ValueError("a clause weight must be positive: a match must score")

    @property
    def clauses(self) -> Iterator[Clause]:
        return (c for slot in self.slots for c in slot)

    @property
    def needs_mask(self) -> bool:
        """Whether scores must be cut to the alternative's documents: with one slot and no phrase, a document
        scores > 0 exactly where some clause's term occurs, i.e. where the alternative holds."""
        return len(self.slots) > 1 or self.phrase is not None


@dataclass(frozen=True)
class Variant:
    words: tuple[str, ...]
    weight: float
    alternatives: tuple[Alternative, ...]  # may be empty: a variant of stop words only matches nothing


@dataclass(frozen=True)
class ConceptPlan:
    concept: Concept
    variants: tuple[Variant, ...]
    counted: bool = True  # in coordination (filler words are not, unless the query has nothing else)


@dataclass(frozen=True)
class Plan:
    concepts: tuple[ConceptPlan, ...]
    name_terms: tuple[str, ...]  # stems all in the `name` field: the exact-name bonus (empty: none)

    @property
    def alternatives(self) -> Iterator[Alternative]:
        return (a for c in self.concepts for v in c.variants for a in v.alternatives)

    @property
    def counted(self) -> int:
        """How many concepts coordination counts."""
        return sum(c.counted for c in self.concepts)

    @property
    def coordination(self) -> bool:
        return self.counted > 1


def build(concepts: list[Concept]) -> Plan:
    """The plan of a query's concepts."""
    plans = []
    all_weak = all(c.weak for c in concepts)
    for concept in concepts:
        weak = concept.weak and not all_weak
        scale = WEAK_WEIGHT if weak else 1.0
        variants = tuple(Variant(words, scale * (1.0 if index == 0 else EXPANSION_BOOST),
                                 _alternatives(words, concept))
                         for index, words in enumerate(concept.variants[:MAX_VARIANTS]))
        plans.append(ConceptPlan(concept, variants, counted=not weak))
    typed = tuple(stem(p) for c in concepts if not c.place and not (c.weak and not all_weak)
                  for p in word_parts(c.words) if p not in STOP_WORDS)
    return Plan(tuple(plans), typed if len(typed) >= 2 else ())


def _alternatives(words: tuple[str, ...], concept: Concept) -> tuple[Alternative, ...]:
    parts = word_parts(words)
    content = [p for p in parts if p not in STOP_WORDS]  # never indexed: cannot be required
    out: list[Alternative] = []
    if content:
        share = 1.0 / len(content)
        stems = tuple(stem(p) for p in content)
        slop = 1 + len(parts) - len(content)  # a left-out stop word still takes a position
        positional = len(content) > 1
        if concept.place:  # as a phrase: "Kota Malang" is not "Malang ... Kota Batu"
            out.append(Alternative(tuple((Clause("place", p, PLACE_BOOST * share),) for p in content),
                                   Phrase((("place", tuple(content)),), slop) if positional else None))
            out.append(Alternative(tuple((Clause("body", s, PLACE_BODY_WEIGHT * share),) for s in stems),
                                   Phrase((("body", stems),), slop) if positional else None))
        else:
            slots = tuple(tuple(Clause(name, s, share) for name in WORD_STEMMED)
                          + tuple(Clause(name, p, share) for name in UNSTEMMED_FIELDS)
                          for p, s in zip(content, stems, strict=True))
            phrase = None
            if concept.phrase and positional:
                phrase = Phrase(tuple((name, stems if name in STEMMED_FIELDS else tuple(content))
                                      for name in PHRASE_FIELDS), slop)
            out.append(Alternative(slots, phrase))
    if len(parts) > 1 and not concept.place:  # "si pandu" = "sipandu", "e ktp" = "e-KTP" (indexed joined)
        out.append(Alternative(((Clause("exact", "".join(parts), JOINED_BOOST),),)))
    return tuple(out)


def documents(plan: Plan, postings: Postings, positions: Positions) -> dict[Alternative, int]:
    """The documents where each alternative holds (bitsets): the match set is their union, and ranking
    cuts each alternative's score to its set."""
    found: dict[Alternative, int] = {}
    for alternative in plan.alternatives:
        if alternative in found:
            continue
        docs = -1  # all bits: the identity of AND
        for slot in alternative.slots:
            either = 0
            for clause in slot:
                either |= postings(clause.field, clause.term)
            docs &= either
            if not docs:
                break
        if docs and alternative.phrase is not None:
            docs = alternative.phrase.documents(postings, positions, docs)
        found[alternative] = docs
    return found


def matches(found: dict[Alternative, int], plan: Plan | None = None) -> int:
    """Documents where any alternative holds: a document matches where some concept scores. With the plan,
    only its counted concepts' alternatives: a filler word alone makes no match (ranking cuts it too)."""
    union = 0
    if plan is None or plan.counted == len(plan.concepts):
        for docs in found.values():
            union |= docs
        return union
    for concept in plan.concepts:
        if concept.counted:
            for variant in concept.variants:
                for alternative in variant.alternatives:
                    union |= found[alternative]
    return union
