"""Searching the live index: a long-lived reader that follows CURRENT, and `search()`.

Issue #3 (Indonesian analysis, facets, suggestions) grows this module; the interface stays.
"""
from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import Every, Query

from kb.search import store

log = logging.getLogger(__name__)

SEARCH_FIELDS = ("title", "full_name", "summary", "tags", "agency", "region", "body")
MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    summary: str
    region: str
    year: int
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


class SearchIndex:
    """One per process: keeps a searcher open and reopens it when the index generation changes."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._gen: Path | None = None
        self._ix = None
        self._searcher = None

    def _current_searcher(self):  # noqa: ANN202 - whoosh.searching.Searcher
        with self._lock:
            gen = store.current_generation(self.index_dir)
            if gen is None:
                return None
            if gen != self._gen or self._searcher is None:
                self.close_locked()
                self._ix = whoosh_index.open_dir(str(gen))
                self._searcher = self._ix.searcher()
                self._gen = gen
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            return self._searcher

    def close_locked(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._ix is not None:
            self._ix.close()
        self._searcher = self._ix = self._gen = None

    def close(self) -> None:
        with self._lock:
            self.close_locked()

    def search(self, query: str, page: int = 1, per_page: int = 20) -> SearchResult:
        """Ranked hits for `query`; an empty query lists everything, newest first."""
        query = (query or "").replace("\x00", " ").strip()[:MAX_QUERY_CHARS]
        page = max(1, page)
        per_page = min(max(1, per_page), MAX_PER_PAGE)
        searcher = self._current_searcher()
        if searcher is None:
            return SearchResult(query, 0, page, per_page)
        parsed = self._parse(query, searcher.schema)
        if parsed is None:
            results = searcher.search_page(Every(), page, pagelen=per_page, sortedby="year", reverse=True)
        else:
            results = searcher.search_page(parsed, page, pagelen=per_page)
        total = len(results) if results.total else 0
        hits = [SearchHit(slug=r["slug"], title=r["title"], summary=r["summary"], region=r["region"],
                          year=r["year"], score=float(r.score or 0.0)) for r in results]
        return SearchResult(query, total, page, per_page, hits)

    @staticmethod
    def _parse(query: str, schema) -> Query | None:  # noqa: ANN001
        if not query:
            return None
        parser = MultifieldParser(SEARCH_FIELDS, schema, group=OrGroup.factory(0.9))
        try:
            return parser.parse(query)
        except Exception:  # noqa: BLE001 - any unparsable input falls back to plain words
            words = "".join(c if c.isalnum() else " " for c in query)
            return parser.parse(words) if words.strip() else None
