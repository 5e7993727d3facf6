"""The replication snapshot (kb.replication.Snapshot) of the index generation a request reads.

Built once per generation and web process, on the first request that needs it, then kept as long as the
generation's records file is in use: a new generation gets a new snapshot, the old one goes with its
records file.

Building one needs every record, and reading 100 000 records takes ~10 s. A publish writes the records it
changes as an overlay over a full base file shared by the generations that follow (kb/publish/records.py),
so each record's part of the snapshot (`Parts`, which depends on that record alone) is read once per base
and process: a new generation reads only its overlay's records, then merges all parts (`from_parts`).
Records are read a few hundred at a time, so at most that many full records are in memory at once.
"""
from __future__ import annotations

import threading
import weakref

from kb.publish.records import RecordsFile
from kb.replication import Snapshot
from kb.replication.snapshot import Parts
from kb.web.pages import records

CHUNK = 500
_snapshots: weakref.WeakKeyDictionary[RecordsFile, Snapshot] = weakref.WeakKeyDictionary()
_base_parts: dict[str, dict[str, Parts]] = {}  # the parts of the latest base's records, by base id
_lock = threading.Lock()


def snapshot() -> Snapshot:
    """The snapshot of this request's generation."""
    rec = records()
    with _lock:
        found = _snapshots.get(rec)
    if found is None:
        found = build(rec)  # outside the lock: two first requests may both build
        with _lock:
            found = _snapshots.setdefault(rec, found)
    return found


def build(rec: RecordsFile) -> Snapshot:
    """The snapshot of a records file, reusing the parts of its base's records where it can."""
    changes = rec.overlay_changes()
    if changes is None:
        parts = _read_parts(rec)
        _remember(rec.base_id, parts)
        return Snapshot.from_parts(parts)
    with _lock:
        base = _base_parts.get(rec.base_id)
    if base is None:
        full = RecordsFile(rec.base_path)
        try:
            base = _read_parts(full)
        finally:
            full.close()
        _remember(rec.base_id, base)
    hidden, held = changes
    parts = dict(base)
    for slug in hidden:
        parts.pop(slug, None)
    parts.update(_read_parts(rec, held))
    return Snapshot.from_parts(parts)


def _remember(base_id: str, parts: dict[str, Parts]) -> None:
    with _lock:
        if base_id not in _base_parts:
            _base_parts.clear()  # one base at a time: the newest generations share it
            _base_parts[base_id] = parts


def _read_parts(rec: RecordsFile, slugs: list[str] | None = None) -> dict[str, Parts]:
    """The parts of `slugs` (all records if None)."""
    if slugs is None:
        slugs = [slug for slug, _ in rec.slugs_updated()]
    parts = {}
    for start in range(0, len(slugs), CHUNK):
        for inn in rec.many(slugs[start: start + CHUNK]):
            parts[inn.slug] = Parts.of(inn)
    return parts
