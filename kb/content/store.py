"""A catalogue that follows the content folder: files added, changed or removed are picked up within
about a second by a background thread, so requests never wait for a reload (author preview, deploys)."""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from kb.content.loader import AWARDS_DIR, INNOVATIONS_DIR, Catalogue, LoadCache, load_catalogue

log = logging.getLogger(__name__)


def content_fingerprint(root: Path) -> frozenset[tuple[str, int, int]]:
    """Cheap change detector: every Markdown file's path, size and modification time."""
    stamp: set[tuple[str, int, int]] = set()
    for sub in (AWARDS_DIR, INNOVATIONS_DIR):
        stack = [str(root / sub)]
        while stack:
            try:
                entries = list(os.scandir(stack.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.name.endswith(".md"):
                        st = entry.stat()
                        stamp.add((entry.path, st.st_size, st.st_mtime_ns))
                except OSError:
                    continue
    return frozenset(stamp)


class ContentStore:
    """Holds the current catalogue; a daemon thread reloads it when the folder changes."""

    def __init__(self, root: Path | str, interval: float = 1.0,
                 on_reload: Callable[[Catalogue], object] | None = None) -> None:
        self.root = Path(root)
        self.interval = interval
        self.on_reload = on_reload  # e.g. bring the search index up to date
        self._cache = LoadCache()
        self._lock = threading.Lock()
        self._fingerprint = content_fingerprint(self.root)
        self._catalogue = load_catalogue(self.root, self._cache)
        self._watcher: threading.Thread | None = None
        self._watcher_pid: int | None = None
        self._stop = threading.Event()

    def get(self) -> Catalogue:
        """The current catalogue (starts the watcher in this process on first use, e.g. after a fork)."""
        if self.interval > 0 and self._watcher_pid != os.getpid():
            self._start_watcher()
        return self._catalogue

    def refresh(self) -> bool:
        """Reload now if anything changed; True if it did."""
        with self._lock:
            stamp = content_fingerprint(self.root)
            if stamp == self._fingerprint:
                return False
            catalogue = load_catalogue(self.root, self._cache)
            self._fingerprint = stamp
            if self.on_reload is not None:
                self.on_reload(catalogue)  # index first, so search never lags behind the pages
            self._catalogue = catalogue
            log.info("content reloaded: %s", catalogue.summary_line())
            for issue in catalogue.errors:
                log.warning("%s", issue)
            return True

    def stop(self) -> None:
        self._stop.set()

    def _start_watcher(self) -> None:
        with self._lock:
            if self._watcher_pid == os.getpid():
                return
            self._watcher_pid = os.getpid()
            self._stop = threading.Event()
            self._watcher = threading.Thread(target=self._watch, name="kb-content-watcher", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - a watcher must survive anything and try again later
                log.exception("content reload failed; keeping the previous catalogue")
