"""Ranking with the vectorised scorer: concepts -> a score per document -> the requested order.

Scores follow the query model of `query.py`: a concept scores the best of its variants (the typed form at
full weight, equivalents at EXPANSION_BOOST); a multi-word variant counts only where all its words occur
(or its joined form, "si pandu" = "sipandu"); place names weigh on the place field; concept scores add up,
scaled by the share of concepts matched (coordination); a query that is the name of an innovation puts
that innovation first.
"""
from __future__ import annotations


import numpy as np

from kb.search.analysis import STOP_WORDS, stem, word_parts
from kb.search.lexicon import Concept
from kb.search.schema import STEMMED_FIELDS
from kb.search.scoring import Scorer

EXPANSION_BOOST = 0.8
PLACE_BOOST = 3.0
EXACT_NAME_FACTOR = 2.0  # all typed words in the innovation's name: score x (1 + this)
JOINED_BOOST = 1.5
MAX_VARIANTS = 8


def _variant(scorer: Scorer, words: tuple[str, ...], place: bool) -> np.ndarray:
    parts = word_parts(words)
    size = scorer.size
    if not parts:
        return np.zeros(size, np.float32)
    share = 1.0 / len(parts)
    if place:
        in_place, in_body = np.zeros(size, np.float32), np.zeros(size, np.float32)
        all_place, all_body = np.ones(size, bool), np.ones(size, bool)
        for part in parts:
            all_place &= scorer.add(in_place, "place", part, PLACE_BOOST * share)
            all_body &= scorer.add(in_body, "body", stem(part), 0.5 * share)
        return np.where(all_place, in_place, 0) + np.where(all_body, in_body, 0)
    scores = np.zeros(size, np.float32)
    every = np.ones(size, bool)
    for part in parts:
        present = np.zeros(size, bool)
        for name in STEMMED_FIELDS:
            present |= scorer.add(scores, name, stem(part), share)
        present |= scorer.add(scores, "exact", part, share)
        every &= present
    if len(parts) == 1:
        return scores
    joined = np.zeros(size, np.float32)
    scorer.add(joined, "exact", "".join(parts), JOINED_BOOST)
    return np.where(every, scores, 0) + joined


def concept_scores(concepts: list[Concept], scorer: Scorer) -> np.ndarray:
    """Relevance of every document for the concepts (0 where none matches)."""
    size = scorer.size
    total = np.zeros(size, np.float32)
    matched = np.zeros(size, np.int16)
    for concept in concepts:
        best = np.zeros(size, np.float32)
        for index, words in enumerate(concept.variants[:MAX_VARIANTS]):
            weight = 1.0 if index == 0 else EXPANSION_BOOST
            np.maximum(best, _variant(scorer, words, concept.place) * weight, out=best)
        total += best
        matched += best > 0
    if len(concepts) > 1:
        total *= matched / len(concepts)
    typed = [p for c in concepts if not c.place for p in word_parts(c.words) if p not in STOP_WORDS]
    if len(typed) >= 2:
        in_name = np.ones(size, bool)
        for part in typed:
            in_name &= scorer.add(np.zeros(size, np.float32), "name", stem(part))
        total[in_name] *= 1 + EXACT_NAME_FACTOR
    return total


def order(visible: np.ndarray, scores: np.ndarray | None, sort: str, years: np.ndarray,
          replications: np.ndarray, title_rank: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """(docnum, score) of the first `limit` visible documents in the requested order."""
    ids = np.flatnonzero(visible)
    if not len(ids):
        return []
    if sort == "relevance" and scores is not None:
        s = scores[ids]
        # ties: the more recent, then the more replicated innovation first; unscored matches last
        keys = (-replications[ids], -years[ids], -np.round(s, 5))
    elif sort == "replicated":
        s, keys = None, (-years[ids], -replications[ids])
    elif sort == "title":
        s, keys = None, (title_rank[ids],)
    else:  # newest
        s, keys = None, (title_rank[ids], -years[ids])
    chosen = np.lexsort(keys)[:limit]
    return [(int(ids[i]), float(s[i]) if s is not None else 0.0) for i in chosen]
