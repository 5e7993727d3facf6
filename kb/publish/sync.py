"""The one sync owner: keeps the index generations in step with the content folder.

There is exactly one per index folder. `python3 run.py` (serve) runs it in a thread next to the web server;
a gunicorn deployment runs `python3 run.py sync` once, next to the workers, and the workers only read.
`Syncer.start()` publishes what changed since the last generation (a full build the first time), then
watches the folder (inotify through watchdog) and publishes every change; `stop()` ends the watcher and the
thread. Between publishes it keeps what the current generation holds in memory (kb.publish.builder.
Publisher), and a publish after a notification looks only at the paths the watcher reported. Notifications
can be lost (a full inotify queue, a file changed through a hard link elsewhere, some network file systems),
so every `interval` x 60 seconds a publish compares every file (the safety scan); where notifications are
unavailable, every publish does, every `interval` seconds.
It also repairs: a deleted index is rebuilt, and a repair request left by a reader that found the current
generation unreadable (kb.publish.generation) leads to a check and, if needed, a full rebuild.

An exclusive lock (`INDEX_DIR/.sync.lock`) keeps a second owner on standby: it takes over if the first
one stops or dies.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from kb.publish.builder import ContentMissing, Publisher, PublishReport
from kb.publish.changes import relative
from kb.publish.generation import CHECKED, REPAIR_REQUEST, Generation, Unavailable
from kb.search import store

log = logging.getLogger(__name__)

LOCK_NAME = ".sync.lock"
DEBOUNCE_S = 0.05  # an editor's save is often several events
NOTIFIED_POLL_FACTOR = 60  # with notifications, poll only as a safety net (notifications can be lost)
STANDBY_POLL_S = 0.5
REPAIR_CHECK_S = 0.5  # how often the owner looks for a deleted index or a reader's repair request


class Syncer:
    """Owns publishing for one content folder and index folder, with a clear start and stop."""

    def __init__(self, content_dir: Path | str, index_dir: Path | str, interval: float = 1.0) -> None:
        """`interval`: seconds between polls where notifications are unavailable; 0 publishes once at
        start and never watches."""
        self.content_dir = Path(content_dir)
        self.index_dir = Path(index_dir)
        self.interval = interval
        self.last_report: PublishReport | None = None
        self.publisher = Publisher(self.content_dir, self.index_dir)
        self._dirty: set[str] | None = None  # paths reported since the last publish; None: compare every file
        self._dirty_lock = threading.Lock()
        self._stop = threading.Event()
        self._changed = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer: Any = None
        self._lock_fd: int | None = None
        self.owner = threading.Event()  # set while this syncer holds the lock

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self, wait: bool = True) -> None:
        """Publish what changed and start watching. `wait`: return only after the first publish (when
        this syncer is the owner; a standby returns at once)."""
        if self._thread is not None:
            raise RuntimeError("this syncer is already started")
        self._stop.clear()
        first_done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(first_done,), name="kb-sync", daemon=True)
        self._thread.start()
        if wait:
            while not first_done.wait(0.1):
                if not self._thread.is_alive():
                    break

    def stop(self, timeout: float = 60.0) -> None:
        """Stop watching and wait for a publish under way to finish; release the lock."""
        self._stop.set()
        self._changed.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._stop_observer()
        self._release()

    def run_forever(self) -> int:
        """`python3 run.py sync`: run until SIGTERM or Ctrl+C."""
        done = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: done.set())
        self.start(wait=False)
        while not done.wait(0.5):
            if self._thread is not None and not self._thread.is_alive():
                break
        self.stop()
        return 0

    # -- the work ---------------------------------------------------------------------------------
    def sync_once(self, rebuild: bool = False, scan: bool = True) -> PublishReport | None:
        """Publish what changed now (the caller must own the lock, or be a one-off command). `scan` False:
        look only at the paths the watcher reported since the last publish, if it reported them all."""
        with self._dirty_lock:
            paths, self._dirty = self._dirty, set()
        try:
            report = self.publisher.publish(rebuild=rebuild, changed=None if scan else paths)
        except ContentMissing as exc:
            log.error("%s", exc)
            return None
        self.last_report = report
        if report.mode != "unchanged":
            log.info("%s", report.summary_line())
        _write_checked(self.index_dir)
        return report

    def _run(self, first_done: threading.Event) -> None:
        try:
            if not self._acquire(first_done):
                return
            self.owner.set()
            notified = self.interval > 0 and self._start_observer()  # before the first publish: no change missed
            self._safely(self._repair_or_sync)
            first_done.set()
            if self.interval <= 0:
                return
            poll = self.interval * NOTIFIED_POLL_FACTOR if notified else self.interval
            next_poll = time.monotonic() + poll
            while not self._stop.is_set():
                self._changed.wait(min(poll, REPAIR_CHECK_S))
                if self._stop.is_set():
                    break
                due = (self._changed.is_set() or time.monotonic() >= next_poll or self._repair_requested()
                       or store.current_generation(self.index_dir) is None)
                if not due:
                    continue
                if self._changed.is_set():
                    self._stop.wait(DEBOUNCE_S)
                    self._changed.clear()
                scan = not notified or time.monotonic() >= next_poll
                self._safely(lambda: self._repair_or_sync(scan))
                if scan:
                    next_poll = time.monotonic() + poll
        finally:
            first_done.set()
            self.owner.clear()

    def _safely(self, action) -> None:  # noqa: ANN001
        try:
            action()
        except Exception:  # noqa: BLE001 - the owner must survive anything and try again next round
            log.exception("publishing failed; the current generation keeps serving")

    def _repair_requested(self) -> bool:
        return (self.index_dir / REPAIR_REQUEST).exists()

    def _repair_or_sync(self, scan: bool = True) -> None:
        rebuild = False
        if self._repair_requested():
            (self.index_dir / REPAIR_REQUEST).unlink(missing_ok=True)
            rebuild = not _generation_readable(self.index_dir)
            if rebuild:
                log.warning("the current index generation is unreadable: rebuilding it")
        self.sync_once(rebuild=rebuild, scan=scan or rebuild)

    def _note(self, path: str | None) -> None:
        """A path the watcher reported (None: something only a full comparison can tell, e.g. a folder moved)."""
        rel = relative(self.content_dir, path) if path is not None else None
        with self._dirty_lock:
            if self._dirty is not None:
                if rel is None:
                    self._dirty = None
                else:
                    self._dirty.add(rel)
        self._changed.set()

    # -- the lock ---------------------------------------------------------------------------------
    def _acquire(self, first_done: threading.Event) -> bool:
        """Take the owner lock, waiting (as a standby) while another process holds it."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        announced = False
        while not self._stop.is_set():
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._lock_fd = fd
                if announced:
                    log.info("sync owner: taking over %s", self.index_dir)
                return True
            except BlockingIOError:
                if not announced:
                    log.info("another sync owner is running for %s; standing by", self.index_dir)
                    announced = True
                    first_done.set()
                self._stop.wait(STANDBY_POLL_S)
        os.close(fd)
        return False

    def _release(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- watching ---------------------------------------------------------------------------------
    def _start_observer(self) -> bool:
        """Wake on any file-system event under the content folder; False when notifications are
        unavailable (then the loop polls)."""
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            return False
        note = self._note

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:  # noqa: ANN001
                if _in_git_dir(event.src_path) and _in_git_dir(getattr(event, "dest_path", "") or event.src_path):
                    return  # a content repository's own files (drafts saved in the browser): not content
                if event.event_type in ("opened", "closed_no_write"):
                    return  # a file read (the publish itself reads them), not changed
                if event.is_directory:
                    if event.event_type in ("created", "deleted", "moved"):
                        note(None)  # a whole folder's files came or went
                    return
                note(event.src_path)
                if getattr(event, "dest_path", ""):
                    note(event.dest_path)

        try:
            observer = Observer()
            observer.daemon = True
            observer.schedule(_Handler(), str(self.content_dir), recursive=True)
            observer.start()
        except Exception as exc:  # noqa: BLE001 - e.g. inotify limits: fall back to polling
            log.warning("no file-system notifications for %s (%s); polling instead", self.content_dir, exc)
            return False
        self._observer = observer
        return True

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(10)
            self._observer = None


def _in_git_dir(path: str | bytes) -> bool:
    text = os.fsdecode(path)
    return f"{os.sep}.git{os.sep}" in text or text.endswith(f"{os.sep}.git")


def _write_checked(index_dir: Path) -> None:
    """When the owner last compared the content folder with the index (changed or not): /healthz reports it,
    so a deploy can wait for the owner's first round."""
    tmp = index_dir / (CHECKED + ".tmp")
    tmp.write_text(dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds") + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / CHECKED)


def _generation_readable(index_dir: Path) -> bool:
    folder = store.current_generation(index_dir)
    if folder is None:
        return False
    generation = Generation(folder)
    try:
        generation.open()
        return True
    except Unavailable:
        return False
    finally:
        generation.close()
