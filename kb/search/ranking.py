"""Ranking with the vectorised scorer: a query plan (`plan.py`) -> a score per document -> the requested order.

The rules (fields, weights, joined forms, places, coordination, the exact-name bonus) are the plan's; this
module only adds up its clauses with NumPy, cutting each alternative's score to the documents where the
alternative holds, the same sets matching uses, so a document scores > 0 exactly where it matches.
"""
from __future__ import annotations

import numpy as np

from kb.search import bitset
from kb.search.plan import EXACT_NAME_FACTOR, Alternative, Plan
from kb.search.scoring import Scorer


def _alternative(scorer: Scorer, alternative: Alternative, docs: int) -> np.ndarray:
    scores = np.zeros(scorer.size, np.float32)
    for clause in alternative.clauses:
        ids, contribution = scorer.term(clause.field, clause.term)
        if len(ids):
            scores[ids] += contribution * np.float32(clause.weight)
    if alternative.needs_mask:
        scores *= bitset.to_mask(docs, scorer.size)
    return scores


def scores(plan: Plan, scorer: Scorer, found: dict[Alternative, int]) -> np.ndarray:
    """Relevance of every document (0 where it does not match); `found`: `plan.documents` of this plan."""
    size = scorer.size
    total = np.zeros(size, np.float32)
    matched = np.zeros(size, np.int16)
    for concept in plan.concepts:
        best = np.zeros(size, np.float32)
        for variant in concept.variants:
            holding = [a for a in variant.alternatives if found[a]]
            if not holding:
                continue
            score = _alternative(scorer, holding[0], found[holding[0]])
            for alternative in holding[1:]:
                score += _alternative(scorer, alternative, found[alternative])
            np.maximum(best, score * np.float32(variant.weight), out=best)
        total += best
        if concept.counted:
            matched += best > 0
    if plan.coordination or plan.counted < len(plan.concepts):  # a filler word alone matches nothing
        total *= matched / plan.counted
    if plan.name_terms:
        in_name = np.ones(size, bool)
        for term in plan.name_terms:
            present = np.zeros(size, bool)
            present[scorer.term("name", term)[0]] = True
            in_name &= present
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
