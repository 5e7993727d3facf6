"""Content from a remote: a replica follows the authoring site through git (`python3 run.py sync --pull`),
and `python3 run.py init-repo` makes a content repository of its own from a content folder.

Git carries the content; every machine keeps its own index. The follower fetches the remote's branch every
few seconds and fast-forwards the work tree; the sync owner, which watches the folder, publishes what
changed. A replica never commits, so its branch can only be behind the remote, never diverged from it.
"""
from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pygit2

from kb.authoring.gitstore import SITE_EMAIL, SITE_NAME, ContentRepo, RemoteError

log = logging.getLogger(__name__)

CONTENT_SUBDIRS = ("innovations", "awards")


def init_repo(target: Path | str, source: Path | str, branch: str = "main") -> str:
    """A new git repository at `target` holding a copy of `source`'s write-ups, committed once. Refuses a
    target that exists and is not empty. Returns the commit id."""
    target, source = Path(target), Path(source)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} exists and is not empty")
    if not source.is_dir() or source.resolve() == target.resolve():
        raise FileNotFoundError(f"{source} is not a content folder to copy (pass --from)")
    target.mkdir(parents=True, exist_ok=True)
    for sub in CONTENT_SUBDIRS:
        if (source / sub).is_dir():
            shutil.copytree(source / sub, target / sub, ignore=shutil.ignore_patterns(".*", "_*"))
    repo = pygit2.init_repository(str(target), initial_head=branch)
    try:
        index = repo.index
        index.add_all()
        index.write()
        site = pygit2.Signature(SITE_NAME, SITE_EMAIL)
        return str(repo.create_commit("HEAD", site, site, f"Content from {source}", index.write_tree(), []))
    finally:
        repo.free()


def clone(url: str, target: Path | str) -> None:
    """A replica's content folder: a clone of the remote (into a missing or empty folder)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} exists and is not empty")
    try:
        pygit2.clone_repository(url, str(target)).free()
    except pygit2.GitError as exc:
        raise RemoteError(f"cannot clone {url}: {exc}") from exc


class Follower:
    """Pulls `url` into the content folder every `interval` seconds, in a thread, until stopped."""

    def __init__(self, content_dir: Path | str, url: str, interval: float = 2.0) -> None:
        self.content_dir = Path(content_dir)
        self.url = url
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def pull_once(self) -> bool:
        """Fetch and fast-forward now; True when the work tree changed. Errors are logged, not raised: the
        replica keeps serving what it has."""
        try:
            changed = ContentRepo(self.content_dir).pull(self.url)
        except (RemoteError, OSError, pygit2.GitError) as exc:
            if str(exc) != self.last_error:
                log.error("pull from %s: %s", self.url, exc)
            self.last_error = str(exc)
            return False
        if self.last_error is not None:
            log.info("pull from %s works again", self.url)
        self.last_error = None
        if changed:
            log.info("pulled new content from %s", self.url)
        return changed

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kb-pull", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.pull_once()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None
