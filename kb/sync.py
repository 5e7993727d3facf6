"""Keeps the search index and the records file in step with the content folder.

The work (read and validate every file, re-index what changed, write the records pages read) runs either in
a thread of the web process or, by default, in one child process per index folder. In a child, the
catalogue's memory (~70 MB at 10 000 write-ups, most of a gigabyte at 100 000) stays out of the web
workers, which only open the index and the records file.

Several web workers (gunicorn) each start a child; an exclusive lock on `INDEX_DIR/.sync.lock` lets one of
them work while the others wait, cheaply, and take over if it dies. A child exits when its parent does.
"""
from __future__ import annotations

import argparse
import atexit
import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = ".sync.lock"
PARENT_CHECK_S = 0.5


def build(content_dir: Path | str, index_dir: Path | str, rebuild: bool = False) -> None:
    """Load the content and bring the index (and records) up to date in this process, then let go of the
    catalogue: for a first run, and to recover a missing or damaged index."""
    from kb import memory
    from kb.content.loader import load_catalogue
    from kb.search import update_index

    catalogue = load_catalogue(content_dir)
    for issue in catalogue.errors:
        log.warning("%s", issue)
    log.info("%s", update_index(catalogue, index_dir, rebuild=rebuild).summary_line())
    del catalogue
    memory.trim()


def make_store(content_dir: Path | str, index_dir: Path | str, interval: float,
               after_update: Callable[[], object] | None = None):  # noqa: ANN201 - kb.content.store.ContentStore
    """A content store whose every (re)load brings the index and records up to date."""
    from kb.content.loader import Catalogue
    from kb.content.store import ContentStore
    from kb.search import update_index

    def reindex(catalogue: Catalogue) -> None:
        log.info("%s", update_index(catalogue, index_dir).summary_line())
        if after_update is not None:
            after_update()

    return ContentStore(content_dir, interval=interval, on_reload=reindex)


def spawn(content_dir: Path | str, index_dir: Path | str, interval: float) -> subprocess.Popen:
    """Start the sync child for this process (it waits for the lock if another one holds it)."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    return subprocess.Popen([sys.executable, "-m", "kb.sync", "--content", str(content_dir), "--index",
                             str(index_dir), "--interval", str(interval), "--parent", str(os.getpid())],
                            env=env, stdin=subprocess.DEVNULL, close_fds=True)


class SyncChild:
    """This process's sync child, started on first use (a request), not when the app is built: CLI commands
    that build an app (`flask --app kb check`) need none. Once per process (forks get their own); reaped
    when it exits, terminated when this process exits."""

    def __init__(self, content_dir: Path | str, index_dir: Path | str, interval: float) -> None:
        self.args = (content_dir, index_dir, interval)
        self.process: subprocess.Popen | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def ensure(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self.process = spawn(*self.args)
            self._pid = os.getpid()
            atexit.register(self.stop)
            threading.Thread(target=self.process.wait, name="kb-sync-reaper", daemon=True).start()

    def stop(self) -> None:
        if self.process is not None and self._pid == os.getpid() and self.process.poll() is None:
            self.process.terminate()


def _lock(index_dir: Path, parent: int) -> tuple[int, bool] | None:
    """Take the sync lock, waiting while another child holds it: (descriptor, whether we had to wait), or
    None if our parent went away meanwhile."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    waited = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd, waited
        except BlockingIOError:
            if os.getppid() != parent:
                os.close(fd)
                return None
            waited = True
            time.sleep(PARENT_CHECK_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.sync", description=__doc__.split("\n")[0])
    parser.add_argument("--content", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--parent", type=int, default=os.getppid())
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s kb-sync[%(process)d] %(levelname)s %(message)s")
    locked = _lock(Path(args.index), args.parent)
    if locked is None or (locked[1] and args.interval <= 0):
        return 0  # parent gone; or a one-off check that another worker's child has just made
    from kb import memory

    content = make_store(args.content, args.index, args.interval, after_update=memory.trim)
    for issue in content.get().errors:
        log.warning("%s", issue)
    if args.interval <= 0:  # content is never re-read: the start-up check was all there was to do
        return 0
    while os.getppid() == args.parent:
        time.sleep(PARENT_CHECK_S)
    content.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
