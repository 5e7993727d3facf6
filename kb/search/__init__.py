"""Full-text search over the catalogue, on Whoosh 2.7.4 kept behind this package. No Flask here."""
from __future__ import annotations

from kb.search import segments

segments.install()  # before any index is opened: see kb/search/segments.py

from kb.search.query import IndexUnavailable, SearchHit, SearchIndex, SearchResult

__all__ = ["IndexUnavailable", "SearchHit", "SearchIndex", "SearchResult"]
