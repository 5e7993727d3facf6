"""The content model: innovation and award files, their schema, loader and validator.

Knows nothing of Flask or Whoosh.
"""
from __future__ import annotations

from kb.content.issues import Issue, Severity
from kb.content.loader import Catalogue, load_catalogue
from kb.content.model import Award, AwardRef, Innovation, Replication, Source

__all__ = [
    "Award",
    "AwardRef",
    "Catalogue",
    "Innovation",
    "Issue",
    "Replication",
    "Severity",
    "Source",
    "load_catalogue",
]
