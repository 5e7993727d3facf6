"""A catalogue that reloads itself when files under the content folder change (author preview)."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kb.content.loader import AWARDS_DIR, INNOVATIONS_DIR, Catalogue, iter_content_files, load_catalogue

log = logging.getLogger(__name__)


def content_fingerprint(root: Path) -> tuple:
    """Cheap change detector: every content file's name, size and modification time."""
    stamp = []
    for sub in (AWARDS_DIR, INNOVATIONS_DIR):
        for path in iter_content_files(root, sub):
            try:
                st = path.stat()
            except OSError:
                continue
            stamp.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(stamp)


class ContentStore:
    """Holds the current catalogue; `get()` reloads it at most every `interval` seconds if files changed."""

    def __init__(self, root: Path | str, interval: float = 1.0,
                 on_reload: Callable[[Catalogue], object] | None = None) -> None:
        self.root = Path(root)
        self.interval = interval
        self.on_reload = on_reload  # e.g. bring the search index up to date
        self._lock = threading.Lock()
        self._fingerprint = content_fingerprint(self.root)
        self._catalogue = load_catalogue(self.root)
        self._checked = time.monotonic()

    def get(self) -> Catalogue:
        """The catalogue, reloaded first if a content file was added, changed or removed."""
        now = time.monotonic()
        if now - self._checked < self.interval:
            return self._catalogue
        with self._lock:
            if now - self._checked >= self.interval:
                self._checked = now
                stamp = content_fingerprint(self.root)
                if stamp != self._fingerprint:
                    self._catalogue = load_catalogue(self.root)
                    self._fingerprint = stamp
                    log.info("content reloaded: %s", self._catalogue.summary_line())
                    for issue in self._catalogue.errors:
                        log.warning("%s", issue)
                    if self.on_reload is not None:
                        self.on_reload(self._catalogue)
        return self._catalogue
