"""The content repository, through pygit2 (libgit2): draft branches, publish commits, history, push, pull.

Drafts are commits on their own refs (`refs/drafts/<id>`), made from objects only: the work tree and the
checked-out branch never see them. Publishing is one commit on the checked-out branch, authored by the
write-up's author and committed by the site, then the one file is written into the work tree (atomically)
and the git index is updated, so `git status` stays clean and the sync owner, which watches the folder,
publishes it to the index.

Publishing is serialised by an exclusive lock on a file in the git folder (across threads, processes and
gunicorn workers on this machine), and the branch is moved with a reference transaction that checks it
still points where the new commit's parent does. A file that changed since a draft started (its blob is
not the draft's base) is refused with `Stale`.

Every operation opens its own `pygit2.Repository` (libgit2 objects are not for sharing between threads).
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pygit2
from pygit2.enums import CheckoutStrategy, FileMode, SortMode

log = logging.getLogger(__name__)

LOCK_NAME = "kb-publish.lock"
DRAFT_REFS = "refs/drafts/"
SITE_NAME = "Lumbung Inovasi"
SITE_EMAIL = "lumbung-inovasi@localhost"
TRACKING_REF = "refs/kb/remote-head"


class Stale(Exception):
    """The published file changed since the draft started: `current` is its blob now (None: gone)."""

    def __init__(self, current: str | None, commit: str | None) -> None:
        super().__init__("the published file changed since this draft started")
        self.current = current
        self.commit = commit


class Dirty(Exception):
    """The work tree's copy of the file differs from the last commit (an edit that was never committed):
    publishing would overwrite it."""


class RemoteError(Exception):
    """A push or fetch that did not go through."""


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class Version:
    """One commit that changed a file: who, when, why, and the blobs before and after."""

    commit: str
    author: Person
    when: int  # seconds since the epoch
    offset: int  # minutes from UTC, as recorded
    message: str
    old: str | None
    new: str | None


def parse_person(text: str) -> Person:
    """"Name <email>" -> Person (the committer setting)."""
    name, _, rest = text.partition("<")
    email = rest.rstrip().rstrip(">").strip()
    if not name.strip() or "@" not in email:
        raise ValueError(f"expected 'Name <email>', got {text!r}")
    return Person(name.strip(), email)


def unavailable_reason(content_dir: Path | str) -> tuple[str, str] | None:
    """Why the browser cannot write to this content folder (a code and the detail), or None when it can:
    the folder must be the top of a git work tree, with a branch checked out."""
    root = Path(content_dir)
    if not root.is_dir():
        return "missing", str(root)
    found = pygit2.discover_repository(str(root))
    if found is None:
        return "no-git", str(root)
    repo = pygit2.Repository(found)
    try:
        if repo.is_bare or repo.workdir is None:
            return "bare", found
        top = Path(repo.workdir).resolve()
        if top != root.resolve():
            return "subfolder", str(top)
        if repo.head_is_detached:
            return "detached", str(top)
        return None
    finally:
        repo.free()


def _entry(tree: pygit2.Tree | None, path: str) -> str | None:
    if tree is None:
        return None
    try:
        obj = tree[path]
    except KeyError:
        return None
    return str(obj.id) if obj.type_str == "blob" else None


def _tree_with(repo: pygit2.Repository, tree: pygit2.Tree | None, path: str, blob: pygit2.Oid) -> pygit2.Oid:
    """A tree: `tree` with the file at `path` set to `blob` (an in-memory index, not the work tree's)."""
    index = pygit2.Index()
    if tree is not None:
        index.read_tree(tree)
    index.add(pygit2.IndexEntry(path, blob, FileMode.BLOB))
    return index.write_tree(repo)


class ContentRepo:
    """A content folder that is the top of a git work tree (see `unavailable_reason`), or, read-only, a
    folder anywhere inside one (`prefix`: the folder's path in the repository, for history)."""

    def __init__(self, content_dir: Path | str, committer: Person | None = None) -> None:
        self.content_dir = Path(content_dir)
        found = pygit2.discover_repository(str(self.content_dir))
        if found is None:
            raise FileNotFoundError(f"{self.content_dir} is not inside a git repository")
        self.git_dir = Path(found)
        repo = self._open()
        try:
            top = Path(repo.workdir).resolve() if repo.workdir else self.content_dir.resolve()
            rel = self.content_dir.resolve().relative_to(top).as_posix()
            self.prefix = "" if rel == "." else rel + "/"
        finally:
            repo.free()
        self.committer = committer or Person(SITE_NAME, SITE_EMAIL)

    def _open(self) -> pygit2.Repository:
        return pygit2.Repository(str(self.git_dir))

    @contextlib.contextmanager
    def repo(self) -> Iterator[pygit2.Repository]:
        repo = self._open()
        try:
            yield repo
        finally:
            repo.free()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """The publish lock (flock: per open file, so threads of one process queue too)."""
        fd = os.open(self.git_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- reading ----------------------------------------------------------------------------------
    def head(self) -> str | None:
        """The checked-out branch's commit (None in a repository without commits)."""
        with self.repo() as repo:
            return None if repo.head_is_unborn else str(repo.head.target)

    def blob_id(self, commit: str | None, path: str) -> str | None:
        if commit is None:
            return None
        with self.repo() as repo:
            return _entry(repo[commit].peel(pygit2.Commit).tree, self.prefix + path)

    def read_blob(self, blob: str | None) -> bytes | None:
        if blob is None:
            return None
        with self.repo() as repo:
            return repo[blob].peel(pygit2.Blob).data

    def read(self, commit: str | None, path: str) -> bytes | None:
        return self.read_blob(self.blob_id(commit, path))

    # -- drafts -----------------------------------------------------------------------------------
    def save_draft(self, draft_id: str, parent: str | None, path: str, raw: bytes, author: Person,
                   message: str) -> str:
        """A commit of the draft's file on top of `parent` (the draft's last commit, or the published
        commit it starts from), kept alive by `refs/drafts/<id>`. Objects only: no work tree change."""
        with self.repo() as repo:
            parent_commit = repo[parent].peel(pygit2.Commit) if parent else None
            blob = repo.create_blob(raw)
            tree = _tree_with(repo, parent_commit.tree if parent_commit else None, self.prefix + path, blob)
            commit = repo.create_commit(None, self._signature(author), self._signature(self.committer), message,
                                        tree, [parent_commit.id] if parent_commit else [])
            repo.references.create(DRAFT_REFS + draft_id, commit, force=True)
            return str(commit)

    # -- publishing -------------------------------------------------------------------------------
    def publish(self, path: str, raw: bytes, base_blob: str | None, author: Person, message: str) -> str:
        """Commit `raw` as `path` on the checked-out branch and write it into the work tree. Raises `Stale`
        when the branch's file is no longer `base_blob`, `Dirty` when the work tree's copy was edited by
        hand and not committed."""
        if self.prefix:
            raise Dirty("the content folder is not the top of its git work tree: publishing is off")
        with self.locked(), self.repo() as repo:
            head = None if repo.head_is_unborn else repo.head.peel(pygit2.Commit)
            current = _entry(head.tree if head else None, path)
            if current != base_blob:
                raise Stale(current, str(head.id) if head else None)
            target = self.content_dir / path
            on_disk = str(repo.hashfile(str(target))) if target.is_file() else None
            if on_disk != current:
                raise Dirty(f"{path} was changed in the content folder and not committed; commit or undo that "
                            "change first")
            blob = repo.create_blob(raw)
            tree = _tree_with(repo, head.tree if head else None, path, blob)
            commit = repo.create_commit(None, self._signature(author), self._signature(self.committer), message,
                                        tree, [head.id] if head else [])
            branch = repo.references["HEAD"].target  # the symbolic HEAD's branch name
            if head is None:
                repo.references.create(branch, commit)
            else:
                with repo.transaction() as txn:
                    txn.lock_ref(branch)
                    if repo.references[branch].target != head.id:
                        raise Stale(current, str(repo.references[branch].target))
                    txn.set_target(branch, commit, message=f"publish: {message.splitlines()[0]}")
            _write_atomically(target, raw)
            index = repo.index
            index.read()
            index.add(path)
            index.write()
            return str(commit)

    # -- history ----------------------------------------------------------------------------------
    def history(self, path: str, limit: int = 100) -> list[Version]:
        """The commits that changed `path` on the checked-out branch, newest first (at most `limit`)."""
        full = self.prefix + path
        out: list[Version] = []
        with self.repo() as repo:
            if repo.head_is_unborn:
                return out
            for commit in repo.walk(repo.head.target, SortMode.TOPOLOGICAL | SortMode.TIME):
                new = _entry(commit.tree, full)
                try:
                    olds = [_entry(p.tree, full) for p in commit.parents]
                except (KeyError, pygit2.GitError):  # a parent beyond a shallow clone's edge
                    olds = []
                if (olds and new in olds) or (not olds and new is None):
                    continue
                author = commit.author
                out.append(Version(str(commit.id), Person(author.name, author.email), author.time, author.offset,
                                   commit.message.strip(), olds[0] if olds else None, new))
                if len(out) >= limit:
                    break
        return out

    # -- remotes ----------------------------------------------------------------------------------
    def push(self, url: str) -> None:
        """Push the checked-out branch to `url` (fast-forward only). Raises RemoteError."""
        with self.locked(), self.repo() as repo:
            if repo.head_is_unborn:
                return
            branch = repo.head.name
            rejected: list[str] = []

            class Callbacks(pygit2.RemoteCallbacks):
                def push_update_reference(self, refname: str, message: str | None) -> None:
                    if message:
                        rejected.append(f"{refname}: {message}")

            try:
                repo.remotes.create_anonymous(url).push([f"{branch}:{branch}"], callbacks=Callbacks())
            except pygit2.GitError as exc:
                raise RemoteError(f"push to {url} failed: {exc}") from exc
            if rejected:
                raise RemoteError(f"push to {url} was refused: {'; '.join(rejected)}")

    def pull(self, url: str) -> bool:
        """Fetch `url`'s branch of the same name and fast-forward the checked-out branch and the work tree
        to it. True when something changed. Raises RemoteError when the branches have diverged or the work
        tree has uncommitted changes in the way."""
        with self.locked(), self.repo() as repo:
            branch = repo.references["HEAD"].target
            try:
                repo.remotes.create_anonymous(url).fetch([f"+{branch}:{TRACKING_REF}"])
            except pygit2.GitError as exc:
                raise RemoteError(f"fetch from {url} failed: {exc}") from exc
            if TRACKING_REF not in repo.references:
                return False
            theirs = repo.references[TRACKING_REF].target
            ours = None if repo.head_is_unborn else repo.head.target
            if ours == theirs or (ours is not None and repo.descendant_of(ours, theirs)):
                return False
            if ours is not None and not repo.descendant_of(theirs, ours):
                raise RemoteError(f"{branch} has diverged from {url}: local commits are not on the remote")
            try:
                repo.checkout_tree(repo[theirs].peel(pygit2.Commit).tree, strategy=CheckoutStrategy.SAFE)
            except pygit2.GitError as exc:
                raise RemoteError(f"cannot update the work tree: {exc}") from exc
            repo.references.create(branch, theirs, force=True)
            return True

    def _signature(self, person: Person) -> pygit2.Signature:
        offset = -time.timezone // 60 if not time.daylight else -time.altzone // 60
        return pygit2.Signature(person.name, person.email, int(time.time()), offset)


def _write_atomically(target: Path, raw: bytes) -> None:
    """Write the file whole or not at all (a hidden temporary name, which is not content, then rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.kb-tmp")
    with open(tmp, "wb") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
