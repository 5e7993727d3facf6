"""The replication snapshot (kb.replication.Snapshot) of the index generation a request reads.

Built once per generation and web process, on the first request that needs it, from the generation's records
file (a few hundred records at a time, so at most that many full records are in memory at once), then kept
as long as the generation's records file is in use: a new generation gets a new snapshot, the old one goes
with its records file.
"""
from __future__ import annotations

import threading
import weakref

from kb.publish.records import RecordsFile
from kb.replication import Snapshot
from kb.web.pages import records

CHUNK = 500
_snapshots: weakref.WeakKeyDictionary[RecordsFile, Snapshot] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def snapshot() -> Snapshot:
    """The snapshot of this request's generation."""
    rec = records()
    with _lock:
        found = _snapshots.get(rec)
    if found is None:
        found = Snapshot.build(_all_records(rec))  # outside the lock: two first requests may both build
        with _lock:
            found = _snapshots.setdefault(rec, found)
    return found


def _all_records(rec: RecordsFile):  # noqa: ANN202 - an iterator of Innovation
    slugs = [slug for slug, _ in rec.slugs_updated()]
    for start in range(0, len(slugs), CHUNK):
        yield from rec.many(slugs[start: start + CHUNK])
