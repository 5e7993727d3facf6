"""`BestOf`: a disjunction scored by its best-matching subquery (a working DisjunctionMax).

Whoosh 2.7.4's DisjunctionMaxMatcher.score() takes the max over both sub-matchers even when they sit on
different documents, so a document inherits another document's score. This subclass compares positions.
"""
from __future__ import annotations

from whoosh import matching
from whoosh import query as wq


class _BestOfMatcher(matching.DisjunctionMaxMatcher):
    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        a_id, b_id = a.id(), b.id()
        if a_id < b_id:
            return a.score()
        if b_id < a_id:
            return b.score()
        return max(a.score(), b.score())


class BestOf(wq.DisjunctionMax):
    """Matches any subquery; scores each document by the best subquery that matches it."""

    def _matcher(self, subs, searcher, context):  # noqa: ANN001, ANN202
        reader = searcher.reader()
        return self._tree_matcher(subs, _BestOfMatcher, searcher, context,
                                  lambda q: q.estimate_size(reader), tiebreak=self.tiebreak)
