"""The authoring workflow: drafts, review, publishing, and who may do what.

A draft is a row in the authoring database (status, revision, author, the published version it started
from) and a chain of commits on `refs/drafts/<id>` in the content repository (its text at each save).
Statuses: `draft` (the author writes; a reviewer's "send back" returns it here) -> `in_review` (submitted
without errors) -> `published` (a commit on the content branch). An author edits and submits their own
drafts; a reviewer may also edit any draft, comment, send back and publish; authors never publish.

Writes to one draft are serialised by the database's write transaction (the git work for a save or a
publish happens inside it), and publishes by the repository's publish lock as well, so two reviewers
publishing at once get one commit each, in turn, or a 409 when the second one's base is gone.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.authoring import gitstore
from kb.authoring.accounts import Accounts, User
from kb.authoring.checks import Catalogue, check_text, has_errors
from kb.authoring.database import Database, now
from kb.authoring.fielddiff import FieldChange, diff
from kb.authoring.gitstore import ContentRepo, Person, RemoteError, Stale
from kb.authoring.writeup import SlugError, WriteUp, check_slug, compose, parse, path_of
from kb.content.issues import Issue

log = logging.getLogger(__name__)

ID_RE = re.compile(r"^[0-9a-f]{12}$")
STATUSES = ("draft", "in_review", "published")
MAX_COMMENT = 5000


class Refused(Exception):
    """A request the workflow turns down, with the HTTP status that says why."""

    status = 400

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


def _refusal(name: str, status: int) -> type[Refused]:
    return type(name, (Refused,), {"status": status, "__module__": __name__})


BadRequest = _refusal("BadRequest", 400)
Forbidden = _refusal("Forbidden", 403)
NotFound = _refusal("NotFound", 404)
Conflict = _refusal("Conflict", 409)  # a stale revision or base, or a status that does not allow it
Invalid = _refusal("Invalid", 422)  # a bad slug, or content with errors
Unavailable = _refusal("Unavailable", 503)


@dataclass
class Draft:
    id: str
    slug: str
    status: str
    revision: int
    author: User
    base_commit: str | None
    base_blob: str | None
    head: str
    published_commit: str | None
    created: str
    updated: str
    raw: bytes = b""
    writeup: WriteUp = field(default_factory=lambda: WriteUp({}, ""))

    @property
    def is_new(self) -> bool:
        """A write-up that is not published yet (no base file)."""
        return self.base_blob is None

    @property
    def path(self) -> str:
        return path_of(self.slug)

    @property
    def title(self) -> str:
        title = self.writeup.front_matter.get("title")
        return str(title) if title else self.slug


@dataclass(frozen=True)
class Event:
    kind: str  # created, submitted, comment, rejected, published, withdrawn
    user: str
    body: str
    created: str


class Authoring:
    """Drafts and review for one content folder, with accounts in one data folder."""

    def __init__(self, content_dir: Path | str, data_dir: Path | str, remote: str = "", committer: str = "",
                 enabled: bool = True) -> None:
        """`enabled` False: read-only (KB_AUTHORING=0, e.g. a replica)."""
        self.content_dir = Path(content_dir)
        self.db = Database(data_dir)
        self.accounts = Accounts(self.db)
        self.remote = remote
        self.reason = gitstore.unavailable_reason(self.content_dir) if enabled else ("disabled", "")
        self.repo = (ContentRepo(self.content_dir, gitstore.parse_person(committer) if committer else None)
                     if self.reason is None else None)

    @property
    def available(self) -> bool:
        return self.repo is not None

    def _repo(self) -> ContentRepo:
        if self.repo is None:
            raise Unavailable("authoring is off: the content folder is not the top of a git work tree")
        return self.repo

    # -- reading ------------------------------------------------------------------------------------
    def get(self, draft_id: str, user: User | None = None) -> Draft:
        """The draft with its text; with `user`: only when they may see it (author or reviewer)."""
        if not isinstance(draft_id, str) or not ID_RE.match(draft_id):
            raise NotFound("no such draft")
        with self.db.read() as conn:
            row = conn.execute("SELECT draft.*, user.email, user.name, user.role, user.active FROM draft "
                               "JOIN user ON user.id = draft.author_id WHERE draft.id = ?", (draft_id,)).fetchone()
        if row is None:
            raise NotFound("no such draft")
        draft = _draft(row)
        if user is not None and not (user.is_reviewer or user.id == draft.author.id):
            raise Forbidden("only the draft's author and reviewers may see it")
        raw = self._repo().read(draft.head, draft.path) or b""
        draft.raw = raw
        parsed = parse(raw, draft.slug)
        draft.writeup = parsed if isinstance(parsed, WriteUp) else WriteUp({}, "")
        return draft

    def list(self, user: User, status: str | None = None) -> list[Draft]:
        """Drafts a user works on (theirs; a reviewer's queue: everyone's in review), newest first."""
        sql = ("SELECT draft.*, user.email, user.name, user.role, user.active FROM draft "
               "JOIN user ON user.id = draft.author_id")
        if status is not None:
            rows_sql, args = f"{sql} WHERE status = ? ORDER BY updated DESC LIMIT 500", (status,)
        else:
            rows_sql, args = f"{sql} WHERE author_id = ? ORDER BY updated DESC LIMIT 500", (user.id,)
        with self.db.read() as conn:
            rows = conn.execute(rows_sql, args).fetchall()
        drafts = [_draft(r) for r in rows]
        if status is not None and not user.is_reviewer:
            drafts = [d for d in drafts if d.author.id == user.id]
        for draft in drafts:
            parsed = parse(self._repo().read(draft.head, draft.path) or b"", draft.slug)
            if isinstance(parsed, WriteUp):
                draft.writeup = parsed
        return drafts

    def events(self, draft_id: str) -> list[Event]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT event.*, user.name FROM event JOIN user ON user.id = event.user_id "
                                "WHERE draft_id = ? ORDER BY event.id", (draft_id,)).fetchall()
        return [Event(r["kind"], r["name"], r["body"], r["created"]) for r in rows]

    def published(self, slug: str) -> tuple[str | None, bytes | None]:
        """The published file now: (its blob id, its text), or (None, None)."""
        repo = self._repo()
        blob = repo.blob_id(repo.head(), path_of(slug))
        return blob, repo.read_blob(blob)

    def problems(self, draft: Draft, catalogue: Catalogue | None = None) -> list[Issue]:
        """What `check` would say about the draft's text."""
        return check_text(draft.slug, draft.raw, self.content_dir, catalogue, new=draft.is_new)

    def changes(self, draft: Draft, lang: str = "id") -> list[FieldChange]:
        """The draft against the published version (field by field)."""
        _, raw = self.published(draft.slug)
        return diff(_parsed(raw, draft.slug), draft.writeup, lang)

    def changed_meanwhile(self, draft: Draft, lang: str = "id") -> list[FieldChange] | None:
        """What was published since the draft started (None: nothing; the draft's base is current)."""
        blob, raw = self.published(draft.slug)
        if blob == draft.base_blob or draft.status == "published":
            return None
        base = _parsed(self._repo().read_blob(draft.base_blob), draft.slug)
        return diff(base, _parsed(raw, draft.slug), lang)

    # -- writing ------------------------------------------------------------------------------------
    def create(self, user: User, slug: Any, writeup: WriteUp | None) -> Draft:
        """A new draft: of a new write-up (`writeup` required), or of a change to a published one (from
        `writeup`, or from the published file when None). The slug is checked before any path is made."""
        try:
            slug = check_slug(slug)
        except SlugError as exc:
            raise Invalid(str(exc), field="slug") from exc
        repo = self._repo()
        path = path_of(slug)
        draft_id = secrets.token_hex(6)
        with self.db.write() as conn:
            base = repo.head()
            base_blob = repo.blob_id(base, path)
            published = repo.read_blob(base_blob)
            if writeup is None:
                if published is None:
                    raise Invalid(f"{slug!r} is not published yet: a new write-up needs its front matter",
                                  field="front_matter")
                raw = published
            else:
                raw = _compose(writeup, published)
            head = repo.save_draft(draft_id, base, path, raw, _person(user), f"{slug}: draft {draft_id}, revision 1")
            stamp = now()
            conn.execute("INSERT INTO draft (id, slug, status, revision, author_id, base_commit, base_blob, head, "
                         "created, updated) VALUES (?, ?, 'draft', 1, ?, ?, ?, ?, ?, ?)",
                         (draft_id, slug, user.id, base, base_blob, head, stamp, stamp))
            _event(conn, draft_id, user, "created")
        return self.get(draft_id)

    def update(self, user: User, draft_id: str, base_revision: Any, writeup: WriteUp) -> Draft:
        """Save a new revision. `base_revision` must be the revision the editor started from (409
        otherwise, with the current draft). An author's edit of a draft in review takes it back out of
        review (it has to be submitted again)."""
        draft = self.get(draft_id, user)
        self._may_edit(user, draft)
        if isinstance(base_revision, bool) or not isinstance(base_revision, int):
            raise BadRequest("'base' must be the revision (a whole number) the edit started from")
        raw = _compose(writeup, draft.raw)
        repo = self._repo()
        with self.db.write() as conn:
            row = conn.execute("SELECT revision, status, head FROM draft WHERE id = ?", (draft_id,)).fetchone()
            if row["status"] == "published":
                raise Conflict("this draft is already published: start a new one from the page")
            if row["revision"] != base_revision:
                raise Conflict(f"this draft was saved elsewhere meanwhile (revision {row['revision']}, your edit "
                               f"started from {base_revision}): reload it and apply your change again",
                               revision=row["revision"])
            if raw == draft.raw:
                return self.get(draft_id)
            revision = row["revision"] + 1
            head = repo.save_draft(draft_id, row["head"], draft.path, raw, _person(user),
                                   f"{draft.slug}: draft {draft_id}, revision {revision}")
            status = row["status"]
            if status == "in_review" and not user.is_reviewer:
                status = "draft"
                _event(conn, draft_id, user, "withdrawn")
            conn.execute("UPDATE draft SET revision = ?, head = ?, status = ?, updated = ? WHERE id = ?",
                         (revision, head, status, now(), draft_id))
        return self.get(draft_id)

    def submit(self, user: User, draft_id: str, catalogue: Catalogue | None = None) -> Draft:
        """Ask for review; refused (422, with the problems) while the draft has errors."""
        draft = self.get(draft_id, user)
        self._may_edit(user, draft)
        if draft.status != "draft":
            raise Conflict(f"only a draft can be submitted; this one is {draft.status}")
        problems = self.problems(draft, catalogue)
        if has_errors(problems):
            raise Invalid("fix the errors before submitting", problems=problems)
        with self.db.write() as conn:
            done = conn.execute("UPDATE draft SET status = 'in_review', updated = ? WHERE id = ? AND revision = ? "
                                "AND status = 'draft'", (now(), draft_id, draft.revision)).rowcount
            if not done:
                raise Conflict("the draft changed while it was being submitted: try again")
            _event(conn, draft_id, user, "submitted")
        return self.get(draft_id)

    def comment(self, user: User, draft_id: str, text: Any) -> Draft:
        draft = self.get(draft_id, user)
        body = _comment_text(text)
        with self.db.write() as conn:
            _event(conn, draft_id, user, "comment", body)
        return draft

    def reject(self, user: User, draft_id: str, text: Any) -> Draft:
        """Send a draft in review back to its author, with a comment saying why."""
        if not user.is_reviewer:
            raise Forbidden("only reviewers may send a draft back")
        draft = self.get(draft_id, user)
        body = _comment_text(text)
        if draft.status != "in_review":
            raise Conflict(f"only a draft in review can be sent back; this one is {draft.status}")
        with self.db.write() as conn:
            conn.execute("UPDATE draft SET status = 'draft', updated = ? WHERE id = ?", (now(), draft_id))
            _event(conn, draft_id, user, "rejected", body)
        return self.get(draft_id)

    def publish(self, user: User, draft_id: str, catalogue: Catalogue | None = None,
                today: dt.date | None = None) -> tuple[Draft, str | None]:
        """Commit the draft to the content branch (authored by the draft's author, committed by the site),
        write it into the work tree, and push when a remote is set. Returns the draft and a warning when
        the push failed (the commit stands; the next publish pushes it). 409 with `changes` when the
        published file changed since the draft started."""
        if not user.is_reviewer:
            raise Forbidden("only reviewers may publish")
        draft = self.get(draft_id, user)
        if draft.status != "in_review":
            raise Conflict(f"only a draft in review can be published; this one is {draft.status}")
        front = dict(draft.writeup.front_matter)
        front["updated"] = today or dt.date.today()
        raw = _compose(WriteUp(front, draft.writeup.body), draft.raw)
        problems = check_text(draft.slug, raw, self.content_dir, catalogue, new=draft.is_new)
        if has_errors(problems):
            raise Invalid("the draft has errors now (the catalogue changed): send it back", problems=problems)
        repo = self._repo()
        verb = "publish new write-up" if draft.is_new else "publish change"
        message = (f"{draft.slug}: {verb}\n\nDraft: {draft.id} (revision {draft.revision})\n"
                   f"Reviewed-by: {user.name} <{user.email}>\n")
        with self.db.write() as conn:
            row = conn.execute("SELECT revision, status FROM draft WHERE id = ?", (draft_id,)).fetchone()
            if row["status"] != "in_review" or row["revision"] != draft.revision:
                raise Conflict("the draft changed while it was being published: review it again")
            try:
                commit = repo.publish(draft.path, raw, draft.base_blob, _person(draft.author), message)
            except Stale as exc:
                raise Conflict("the published write-up changed since this draft started: see what changed, "
                               "then update the draft", changes=self.changed_meanwhile(draft) or []) from exc
            except gitstore.Dirty as exc:
                raise Conflict(str(exc)) from exc
            conn.execute("UPDATE draft SET status = 'published', published_commit = ?, updated = ? WHERE id = ?",
                         (commit, now(), draft_id))
            _event(conn, draft_id, user, "published", commit)
        warning = None
        if self.remote:
            try:
                repo.push(self.remote)
            except RemoteError as exc:
                warning = str(exc)
                log.warning("%s (the commit stands; the next publish pushes it)", exc)
        return self.get(draft_id), warning

    def rebase(self, user: User, draft_id: str) -> tuple[Draft, list[str]]:
        """Move a draft onto the published version that replaced its base: fields the draft did not change
        take the published value; fields both changed keep the draft's (returned, for the author to
        look at)."""
        draft = self.get(draft_id, user)
        self._may_edit(user, draft)
        blob, raw = self.published(draft.slug)
        if blob == draft.base_blob:
            return draft, []
        base = _parsed(self._repo().read_blob(draft.base_blob), draft.slug) or WriteUp({}, "")
        theirs = _parsed(raw, draft.slug) or WriteUp({}, "")
        mine = draft.writeup
        merged: dict[str, Any] = {}
        conflicts = []
        for name in dict.fromkeys([*theirs.front_matter, *mine.front_matter, *base.front_matter]):
            b, t, m = base.front_matter.get(name), theirs.front_matter.get(name), mine.front_matter.get(name)
            value = t if m == b else m
            if m != b and t != b and m != t:
                conflicts.append(name)
            if value is not None:
                merged[name] = value
        body = theirs.body if mine.body == base.body else mine.body
        if mine.body != base.body and theirs.body != base.body and mine.body != theirs.body:
            conflicts.append("body")
        new_raw = _compose(WriteUp(merged, body), raw)
        with self.db.write() as conn:
            row = conn.execute("SELECT revision, head FROM draft WHERE id = ?", (draft_id,)).fetchone()
            if row["revision"] != draft.revision:
                raise Conflict("this draft was saved elsewhere meanwhile: reload it")
            head = self._repo().save_draft(draft_id, row["head"], draft.path, new_raw, _person(user),
                                           f"{draft.slug}: draft {draft_id} updated to the published version")
            conn.execute("UPDATE draft SET revision = revision + 1, head = ?, base_commit = ?, base_blob = ?, "
                         "updated = ? WHERE id = ?", (head, self._repo().head(), blob, now(), draft_id))
        return self.get(draft_id), conflicts

    def _may_edit(self, user: User, draft: Draft) -> None:
        if not (user.is_reviewer or user.id == draft.author.id):
            raise Forbidden("only the draft's author and reviewers may edit it")
        if draft.status == "published":
            raise Conflict("this draft is already published: start a new one from the page")


def _draft(row) -> Draft:  # noqa: ANN001
    author = User(row["author_id"], row["email"], row["name"], row["role"], bool(row["active"]))
    return Draft(row["id"], row["slug"], row["status"], row["revision"], author, row["base_commit"],
                 row["base_blob"], row["head"], row["published_commit"], row["created"], row["updated"])


def _person(user: User) -> Person:
    return Person(user.name, user.email)


def _compose(writeup: WriteUp, keep: bytes | None) -> bytes:
    try:
        return compose(writeup, keep)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc


def _parsed(raw: bytes | None, slug: str) -> WriteUp | None:
    if raw is None:
        return None
    parsed = parse(raw, slug)
    return parsed if isinstance(parsed, WriteUp) else None


def _comment_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid("a comment needs some text", field="comment")
    if len(text) > MAX_COMMENT:
        raise Invalid(f"a comment may have at most {MAX_COMMENT} characters", field="comment")
    return text.strip()


def _event(conn, draft_id: str, user: User, kind: str, body: str = "") -> None:  # noqa: ANN001
    conn.execute("INSERT INTO event (draft_id, user_id, kind, body, created) VALUES (?, ?, ?, ?, ?)",
                 (draft_id, user.id, kind, body, now()))
