"""Index generations as readers see them: one `Generation` per published folder, and `LiveGenerations`,
which follows the CURRENT pointer and hands every request the generation current when it started.

A generation is opened once (search state and records file together, from the same folder, so a page
never mixes an old record with a new search result) and swapped in one assignment when CURRENT moves.
Readers never build or repair anything: a missing or unreadable index raises `Unavailable` (a 503 page)
and leaves a repair request for the one sync owner (kb.publish.sync).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from kb.publish.records import FILENAME, RecordsFile, readable
from kb.search import IndexUnavailable, SearchIndex, store

log = logging.getLogger(__name__)

REPAIR_REQUEST = "REPAIR"  # a file in the index folder: readers found the current generation unreadable
CHECKED = "CHECKED"  # a file in the index folder: when the sync owner last compared content and index


class Unavailable(Exception):
    """No readable index generation: not built yet, deleted or damaged."""

    def __init__(self, reason: str, building: bool = False) -> None:
        super().__init__(reason)
        self.building = building  # nothing published yet (a first build), rather than damage


class Generation:
    """One published generation folder: its search index and its records, opened together."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.search = SearchIndex(folder.parent, generation=folder)
        self.records = RecordsFile(folder / FILENAME)

    def open(self) -> Generation:
        """Open the files now so a broken generation is found before any page uses it."""
        if not readable(self.records.path):
            raise Unavailable(f"records file in {self.folder} is missing or unreadable")
        try:
            self.search.open()
        except IndexUnavailable as exc:
            raise Unavailable(str(exc)) from exc
        return self

    def close(self) -> None:
        self.search.close()
        self.records.close()


class LiveGenerations:
    """Follows INDEX_DIR/CURRENT; one open `Generation` at a time, replaced when CURRENT moves."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()  # report_damage() is also called while current() holds it
        self._current: Generation | None = None
        self._failed: tuple[Path, float] | None = None  # a generation that did not open, and when

    def current(self) -> Generation:
        """The generation CURRENT points at, opened; raises `Unavailable` when there is none to read."""
        folder = store.current_generation(self.index_dir)
        if folder is None:
            raise Unavailable(f"no search index in {self.index_dir} yet", building=True)
        found = self._current
        if found is not None and found.folder == folder:
            return found
        with self._lock:
            found = self._current
            if found is not None and found.folder == folder:
                return found
            if self._failed is not None and self._failed[0] == folder and time.monotonic() - self._failed[1] < 1:
                raise Unavailable(f"index generation {folder.name} is unreadable")
            try:
                found = Generation(folder).open()
            except Unavailable as exc:
                self._failed = (folder, time.monotonic())
                self.report_damage(str(exc))
                raise
            # The previous generation is dropped, not closed: requests that started on it finish on it.
            self._current = found
            return found

    def report_damage(self, reason: str) -> None:
        """Ask the sync owner to check and rebuild the index (a file it looks for on every round)."""
        log.warning("search index unreadable (%s): asking the sync owner to repair it", reason)
        try:
            (self.index_dir / REPAIR_REQUEST).write_text(reason + "\n", encoding="utf-8")
        except OSError:
            pass
        with self._lock:
            self._current = None

    def checked_at(self) -> str | None:
        """When the sync owner last compared the content folder with the index (None: never)."""
        try:
            return (self.index_dir / CHECKED).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.close()
            self._current = None


DAMAGE = (sqlite3.DatabaseError, IndexUnavailable, OSError, EOFError)  # what a damaged generation raises
