"""The records of the live index generation: what pages and the API read instead of a loaded catalogue."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kb.content.records import FILENAME, Records, readable
from kb.search import store

log = logging.getLogger(__name__)


class LiveRecords:
    """Follows the index folder's CURRENT generation; one `Records` (connections per thread) at a time."""

    def __init__(self, index_dir: Path | str, recover: Callable[[], object] | None = None) -> None:
        """`recover()` brings the index and its records up to date (when they are missing or damaged)."""
        self.index_dir = Path(index_dir)
        self.recover = recover
        self._lock = threading.Lock()
        self._records: Records | None = None

    def current(self, recover: bool = True) -> Records | None:
        """The records published with the current index generation. When there are none (no index, e.g. the
        folder was deleted, or no records file), `recover()` builds them first unless `recover` is False."""
        gen = store.current_generation(self.index_dir)
        if (gen is None or not (gen / FILENAME).is_file()) and recover and self.recover is not None:
            with self._lock:
                gen = store.current_generation(self.index_dir)
                if gen is None or not (gen / FILENAME).is_file():
                    log.warning("no records in %s: rebuilding the index", self.index_dir)
                    self.recover()
                    gen = store.current_generation(self.index_dir)
        if gen is None or not (gen / FILENAME).is_file():
            return None
        records = self._records
        if records is None or records.path.parent != gen:
            with self._lock:
                if self._records is None or self._records.path.parent != gen:
                    self._records = Records(gen / FILENAME)
                records = self._records
        return records

    def repair(self) -> None:
        """After a database error: drop the open records and, if the file is really damaged, write it again."""
        with self._lock:
            damaged = self._records
            self._records = None
            if damaged is not None and not readable(damaged.path) and self.recover is not None:
                self.recover()
