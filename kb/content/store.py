"""A catalogue that follows the content folder: files added, changed or removed are picked up by a
background thread, so requests never wait for a reload (author preview, deploys).

The thread wakes on file-system notifications (watchdog: inotify on Linux) and otherwise polls every
`interval` seconds; polling a large folder costs CPU, so with notifications the poll is only a fallback.
"""
from __future__ import annotations

import logging
import os
import threading
import time
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
        """The first load runs in a thread and is published like every later one (`on_reload`, e.g. bring
        the search index up to date); `get()` waits for it."""
        self.root = Path(root)
        self.interval = interval
        self.on_reload = on_reload
        self._cache = LoadCache()
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._catalogue: Catalogue | None = None
        self._watcher: threading.Thread | None = None
        self._watcher_pid: int | None = None
        self._stop = threading.Event()
        self._changed = threading.Event()
        self._notified = False
        self._fingerprint: frozenset = frozenset()
        threading.Thread(target=self._first_load, name="kb-content-load", daemon=True).start()

    def _first_load(self) -> None:
        with self._lock:
            stamp = content_fingerprint(self.root)
            catalogue = load_catalogue(self.root, self._cache)
            try:
                self._publish(stamp, catalogue)
            except Exception:  # noqa: BLE001 - the catalogue still serves; the watcher retries the index
                log.exception("index update after loading content failed")
                self._catalogue = catalogue
            self._ready.set()
        self._ensure_watcher()

    def _publish(self, stamp: frozenset, catalogue: Catalogue) -> None:
        """Index first (so search never lags behind), then keep the new catalogue. The fingerprint is
        recorded last: if indexing fails, the next check tries again."""
        if self.on_reload is not None:
            self.on_reload(catalogue)
        self._catalogue = catalogue
        self._fingerprint = stamp
        log.info("content loaded: %s", catalogue.summary_line())

    def get(self) -> Catalogue:
        """The current catalogue (waits for the first load; starts the watcher in this process, e.g.
        after a fork)."""
        self._ensure_watcher()
        self._ready.wait()
        return self._catalogue  # type: ignore[return-value]

    def _ensure_watcher(self) -> None:
        """One watcher per process (threads do not survive a fork, e.g. gunicorn --preload)."""
        if self.interval > 0 and self._ready.is_set() and self._watcher_pid != os.getpid():
            self._start_watcher()

    def refresh(self) -> bool:
        """Reload now if anything changed; True if it did."""
        with self._lock:
            stamp = content_fingerprint(self.root)
            if stamp == self._fingerprint:
                return False
            catalogue = load_catalogue(self.root, self._cache)
            self._publish(stamp, catalogue)
            for issue in catalogue.errors:
                log.warning("%s", issue)
            return True

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()

    def _start_watcher(self) -> None:
        with self._lock:
            if self._watcher_pid == os.getpid():
                return
            self._watcher_pid = os.getpid()
            self._stop = threading.Event()
            self._changed = threading.Event()
            self._notified = _observe(self.root, self._changed)
            self._watcher = threading.Thread(target=self._watch, name="kb-content-watcher", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        poll = self.interval * NOTIFIED_POLL_FACTOR if self._notified else self.interval
        while not self._stop.is_set():
            self._changed.wait(poll)
            if self._stop.is_set():
                break
            if self._changed.is_set():
                time.sleep(DEBOUNCE_SECONDS)  # an editor's save is often several events
                self._changed.clear()
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - a watcher must survive anything and try again later
                log.exception("content reload failed; keeping the previous catalogue")


DEBOUNCE_SECONDS = 0.05
NOTIFIED_POLL_FACTOR = 60  # with notifications, poll only as a safety net (notifications can be lost)


def _observe(root: Path, changed: threading.Event) -> bool:
    """Set `changed` on any file-system event under `root`; False when notifications are unavailable."""
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:
        return False

    class _Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:  # noqa: ANN001
            if not event.is_directory or event.event_type in ("created", "deleted", "moved"):
                changed.set()

    try:
        observer = Observer()
        observer.daemon = True
        observer.schedule(_Handler(), str(root), recursive=True)
        observer.start()
    except Exception as exc:  # noqa: BLE001 - e.g. inotify limits: fall back to polling
        log.warning("no file-system notifications for %s (%s); polling instead", root, exc)
        return False
    return True
