"""Replication across the catalogue: who copied what (the network), what fits a region (the ranking), and the
catalogue's figures (statistics). Pure computations over published records: no Flask, no Whoosh.

The web layer builds one `Snapshot` per index generation (kb/web/snapshot.py) and passes it in.
"""
from __future__ import annotations

from kb.replication.snapshot import Entry, Link, Snapshot

__all__ = ["Entry", "Link", "Snapshot"]
