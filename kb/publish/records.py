"""The records file of an index generation (SQLite): every published record with its body, the groupings
browse pages need, and what the next publish needs to work incrementally.

Loading 10 000 write-ups into Python objects takes ~70 MB and seconds; 100 000 take most of a gigabyte. So
web processes never load the content: they read one record, or one grouping, per request from this file.
It holds:
- `innovation`: each published record (front matter as JSON, the body, derived columns) - the version
  pages show. A record whose file has since failed validation stays, marked `stale` (its last good version);
- `sector`, `award_ref`, `replication`, `alias`, `award`: groupings for browse pages;
- `file` and `problem`: every content file with its size, mtime, hash and link facts, and every validation
  problem, so the next publish (and `check`) re-reads only files that changed.
A generation's file is written once, before the generation is published, and never changed afterwards;
readers open it immutable.

A generation's records are either one full file, or an overlay: a small file of what changed since a full
"base" file, which sits beside it as a hard link to the same, never-written file (at 100 000 write-ups the
full file is ~600 MB: copying it for every edit cost a second and its disk space for every generation kept).
An overlay holds the changed rows in the same tables, and `hidden` / `hidden_file` / `hidden_alias`: the
base rows it replaces or removes. Readers query both (`RecordsFile._union`) and never see a hidden row; a
publish compacts the overlay into a new full file once it grows (kb.publish.builder).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.content import regions, vocab
from kb.content.issues import Issue, Severity
from kb.content.model import Award, AwardRef, Innovation, Replication, Source
from kb.content.plain import from_plain, plain, to_plain

log = logging.getLogger(__name__)

FILENAME = "records.sqlite"
BASE_FILENAME = "records-base.sqlite"  # an overlay's base, beside it (a hard link)
FORMAT_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS innovation (
    slug TEXT PRIMARY KEY, title_key TEXT NOT NULL, year INTEGER NOT NULL, feed_date TEXT NOT NULL,
    updated TEXT, region_code TEXT, province_code TEXT, replicated_from TEXT,
    replication_count INTEGER NOT NULL, links TEXT NOT NULL, stale INTEGER NOT NULL, data TEXT NOT NULL,
    body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS innovation_newest ON innovation (year DESC, title_key);
CREATE INDEX IF NOT EXISTS innovation_feed ON innovation (feed_date DESC, year DESC, slug DESC);
CREATE INDEX IF NOT EXISTS innovation_region ON innovation (region_code);
CREATE INDEX IF NOT EXISTS innovation_province ON innovation (province_code);
CREATE INDEX IF NOT EXISTS innovation_replicated_from ON innovation (replicated_from);
CREATE INDEX IF NOT EXISTS innovation_replicated ON innovation (replication_count DESC, title_key);
CREATE TABLE IF NOT EXISTS sector (slug TEXT NOT NULL, sector TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sector_by_sector ON sector (sector);
CREATE INDEX IF NOT EXISTS sector_by_slug ON sector (slug);
CREATE TABLE IF NOT EXISTS award_ref (slug TEXT NOT NULL, award TEXT NOT NULL, year INTEGER NOT NULL,
    position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS award_ref_by_award ON award_ref (award, year);
CREATE INDEX IF NOT EXISTS award_ref_by_slug ON award_ref (slug);
CREATE TABLE IF NOT EXISTS replication (slug TEXT NOT NULL, position INTEGER NOT NULL, region_code TEXT NOT NULL,
    province_code TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS replication_by_region ON replication (region_code);
CREATE INDEX IF NOT EXISTS replication_by_province ON replication (province_code);
CREATE INDEX IF NOT EXISTS replication_by_slug ON replication (slug);
CREATE TABLE IF NOT EXISTS alias (alias TEXT PRIMARY KEY, slug TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS award (slug TEXT PRIMARY KEY, data TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS file (rel TEXT PRIMARY KEY, kind TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, slug TEXT NOT NULL, links TEXT);
CREATE TABLE IF NOT EXISTS problem (rel TEXT NOT NULL, scope TEXT NOT NULL, line INTEGER, field TEXT NOT NULL,
    message TEXT NOT NULL, severity TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS problem_by_rel ON problem (rel);
"""
_OVERLAY_SCHEMA = """
CREATE TABLE IF NOT EXISTS hidden (slug TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS hidden_file (rel TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS hidden_alias (alias TEXT PRIMARY KEY);
"""
_CHILD_TABLES = ("sector", "award_ref", "replication")
# What an overlay's base rows must satisfy to be seen (the base arm of `RecordsFile._union`). Cross-file
# problems are always all in the overlay: they are few, and any edit can change any of them.
_VISIBLE = {
    "slug": "slug NOT IN (SELECT slug FROM main.hidden)",
    "r.slug": "r.slug NOT IN (SELECT slug FROM main.hidden)",
    "rel": "rel NOT IN (SELECT rel FROM main.hidden_file)",
    "alias": "alias NOT IN (SELECT alias FROM main.hidden_alias)",
    "problem": "scope = 'file' AND rel NOT IN (SELECT rel FROM main.hidden_file)",
}
_HIDDEN_ONLY = "slug IN (SELECT slug FROM main.hidden)"


# -- (de)serialising records -------------------------------------------------------------------------------
def dumps_innovation(inn: Innovation) -> str:
    data = to_plain(inn)
    data.pop("body", None)  # bodies stay in the files
    data["path"] = os.path.abspath(inn.path)  # the same file for every process, whatever its working folder
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def loads_innovation(text: str) -> Innovation:
    return from_plain(json.loads(text))


def _dumps_award(award: Award) -> str:
    data = plain(award)
    data.pop("body", None)  # kept compressed in its own column
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _shown(rel: str, root: Path | None) -> str:
    if root is None:
        return rel
    from kb.content.loader import display_path

    return display_path(root / rel)


def _loads_award(text: str) -> Award:
    data = json.loads(text)
    data["path"] = Path(data["path"])
    data["sources"] = [Source(**s) for s in data.get("sources", [])]
    if "updated" in data:
        data["updated"] = dt.date.fromisoformat(data["updated"])
    return Award(**data)


def feed_date(inn: Innovation) -> dt.date:
    """The date a feed entry carries: last update, else last verification, else the start year."""
    return inn.updated or inn.verified or dt.date(inn.year, 1, 1)


# -- writing ---------------------------------------------------------------------------------------------
def pack(text: str) -> bytes:
    """A body as the records file keeps it."""
    return zlib.compress(text.encode("utf-8"), 1)  # level 1 rather than 6: at 10k the file grew 59 -> 60 MB


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


class RecordsWriter:
    """Writes the records file of a generation that is not published yet, in one transaction.

    Start one with `new` (an empty full file: a full build), `overlay` (only what changes, over the previous
    generation's base) or `compacted` (a full file again: the previous generation's base and overlay merged
    into a copy)."""

    def __init__(self, path: Path | str, mode: str = "new", identity: str | None = None,
                 apply_overlay: Path | None = None) -> None:
        """Use the class methods. `mode`: "new" (empty), "full" (a copy to change) or "overlay"."""
        self.path = Path(path)
        self.mode = mode
        self.identity = identity or uuid.uuid4().hex  # a full file's id, or the id of an overlay's base
        # A URI connection, so that the previous overlay is attached read-only and immutable (`_uri`).
        self.conn = sqlite3.connect(self.path.resolve().as_uri(), uri=True, timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.execute("PRAGMA synchronous=OFF")  # the file is published only after it is complete
        self.conn.executescript(_SCHEMA)
        if mode == "overlay":
            self.conn.executescript(_OVERLAY_SCHEMA)
        if apply_overlay is not None:
            self.conn.execute("ATTACH ? AS ov", (_uri(apply_overlay),))
        self.conn.execute("BEGIN")
        if apply_overlay is not None:
            self._apply_overlay()

    @classmethod
    def new(cls, path: Path | str) -> RecordsWriter:
        return cls(path)

    @classmethod
    def overlay(cls, path: Path | str, previous: RecordsFile) -> RecordsWriter:
        """The changes of a new generation over `previous`'s base: the base is linked beside `path`, the
        previous overlay (if any) copied to `path` and then changed."""
        path = Path(path)
        _link(previous.base_path, path.with_name(BASE_FILENAME))
        if previous.is_overlay:
            shutil.copyfile(previous.path, path)
        return cls(path, "overlay", previous.base_id)

    @classmethod
    def compacted(cls, path: Path | str, previous: RecordsFile) -> RecordsWriter:
        """A full file with everything `previous` holds, to be changed."""
        shutil.copyfile(previous.base_path, path)
        return cls(path, "full", apply_overlay=previous.path if previous.is_overlay else None)

    def _apply_overlay(self) -> None:
        """Make the copied base hold what base + overlay held (in the open transaction)."""
        run = self.conn.execute
        for table in ("innovation", *_CHILD_TABLES):
            run(f"DELETE FROM {table} WHERE slug IN (SELECT slug FROM ov.hidden)")  # noqa: S608 - fixed names
            run(f"INSERT INTO {table} SELECT * FROM ov.{table}")  # noqa: S608
        run("DELETE FROM file WHERE rel IN (SELECT rel FROM ov.hidden_file)")
        run("DELETE FROM problem WHERE scope = 'cross' OR rel IN (SELECT rel FROM ov.hidden_file)")
        run("INSERT INTO file SELECT * FROM ov.file")
        run("INSERT INTO problem SELECT * FROM ov.problem")
        run("DELETE FROM alias WHERE alias IN (SELECT alias FROM ov.hidden_alias)")
        run("INSERT INTO alias SELECT * FROM ov.alias")
        for table in ("award", "meta"):
            run(f"DELETE FROM {table}")  # noqa: S608
            run(f"INSERT INTO {table} SELECT * FROM ov.{table}")  # noqa: S608

    def _hide(self, table: str, key: str) -> None:
        if self.mode == "overlay":
            self.conn.execute(f"INSERT OR IGNORE INTO {table} VALUES (?)", (key,))  # noqa: S608 - fixed names

    def put(self, inn: Innovation, replication_count: int, links: str, stale: bool) -> None:
        """Insert or replace one record; `inn.body` holds its body."""
        self.put_row(record_row(inn, replication_count, links, stale))

    def put_row(self, row: RecordRow) -> None:
        """Insert or replace one record, serialised (`record_row`)."""
        slug = row.values[0]
        if self.mode != "new":
            self.remove(slug)
        conn = self.conn
        conn.execute("INSERT INTO innovation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row.values)
        conn.executemany("INSERT INTO sector VALUES (?, ?)", row.sectors)
        conn.executemany("INSERT INTO award_ref VALUES (?, ?, ?, ?)", row.awards)
        conn.executemany("INSERT INTO replication VALUES (?, ?, ?, ?)", row.replications)

    def remove(self, slug: str) -> None:
        for table in ("innovation", *_CHILD_TABLES):
            self.conn.execute(f"DELETE FROM {table} WHERE slug = ?", (slug,))  # noqa: S608 - fixed names
        self._hide("hidden", slug)

    def put_file(self, rel: str, kind: str, stamp: tuple[int, int], slug: str, links: dict | None,
                 problems: Iterable[Issue]) -> None:
        """A content file's facts and its own (per-file) problems."""
        self.conn.execute("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?)",
                          (rel, kind, stamp[0], stamp[1], slug, json.dumps(links) if links is not None else None))
        self.conn.execute("DELETE FROM problem WHERE rel = ? AND scope = 'file'", (rel,))
        self.conn.executemany("INSERT INTO problem VALUES (?, 'file', ?, ?, ?, ?)",
                              [(rel, i.line, i.field, i.message, i.severity.value) for i in problems])
        self._hide("hidden_file", rel)

    def remove_file(self, rel: str) -> None:
        self.conn.execute("DELETE FROM file WHERE rel = ?", (rel,))
        self.conn.execute("DELETE FROM problem WHERE rel = ? AND scope = 'file'", (rel,))
        self._hide("hidden_file", rel)

    def set_cross_problems(self, problems: dict[str, list[Issue]]) -> None:
        """Every cross-file problem, by rel path (they replace the previous ones)."""
        self.conn.execute("DELETE FROM problem WHERE scope = 'cross'")
        self.conn.executemany("INSERT INTO problem VALUES (?, 'cross', ?, ?, ?, ?)",
                              [(rel, i.line, i.field, i.message, i.severity.value)
                               for rel, found in sorted(problems.items()) for i in found])

    def set_awards(self, awards: Iterable[Award]) -> None:
        self.conn.execute("DELETE FROM award")
        self.conn.executemany("INSERT INTO award VALUES (?, ?, ?)",
                              [(a.slug, _dumps_award(a), pack(a.body)) for a in sorted(awards, key=lambda a: a.slug)])

    def set_aliases(self, aliases: dict[str, str]) -> None:
        """All aliases (a new file)."""
        self.conn.execute("DELETE FROM alias")
        self.conn.executemany("INSERT INTO alias VALUES (?, ?)", sorted(aliases.items()))

    def change_aliases(self, changes: dict[str, str | None]) -> None:
        """alias -> its slug now, or None: no longer an alias."""
        for alias, slug in sorted(changes.items()):
            self.conn.execute("DELETE FROM alias WHERE alias = ?", (alias,))
            if slug is not None:
                self.conn.execute("INSERT INTO alias VALUES (?, ?)", (alias, slug))
            self._hide("hidden_alias", alias)

    def set_meta(self, values: dict[str, Any]) -> None:
        self.conn.execute("DELETE FROM meta")
        identity = {"base": self.identity} if self.mode == "overlay" else {"id": self.identity}
        self.conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            (k, json.dumps(v)) for k, v in {**values, "format": FORMAT_VERSION, **identity}.items()])

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.close()

    def cancel(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        self.conn.close()


@dataclass(frozen=True)
class RecordRow:
    """One record as the records file stores it (made once; written, or kept until writing)."""

    values: tuple
    sectors: list[tuple]
    awards: list[tuple]
    replications: list[tuple]


def record_row(inn: Innovation, replication_count: int, links: str, stale: bool, data: str | None = None,
               body: bytes | None = None) -> RecordRow:
    """The rows of one record (`inn.body` holds its body; `data` and `body`: its `dumps_innovation` and
    packed body, if made already)."""
    return RecordRow(
        (inn.slug, inn.title.lower(), inn.year, feed_date(inn).isoformat(),
         inn.updated.isoformat() if inn.updated else None, inn.region_code, inn.province_code,
         inn.replicated_from, replication_count, links, int(stale),
         dumps_innovation(inn) if data is None else data, pack(inn.body) if body is None else body),
        [(inn.slug, s) for s in inn.sectors],
        [(inn.slug, a.award, a.year, n) for n, a in enumerate(inn.awards)],
        [(inn.slug, n, r.region_code, r.region_code.split(".")[0]) for n, r in enumerate(inn.replications)
         if r.region_code])


def _link(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (the same never-written file), or a copy where links fail."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro&immutable=1"


def readable(path: Path | str) -> bool:
    """Whether `path` is a records file this version can read, with its base if it is an overlay (a cheap
    check, not a full scan)."""
    if not Path(path).is_file():
        return False
    try:
        conn = _connect(Path(path))
        conn.close()
    except sqlite3.Error:
        return False
    return True


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a published (never again written) records file, its base attached if it
    is an overlay: no locking at all. Raises `sqlite3.DatabaseError` for a file this version cannot read."""
    conn = sqlite3.connect(_uri(path), uri=True, timeout=30, check_same_thread=True)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('format', 'base')").fetchall())
        if json.loads(meta.get("format", "null")) != FORMAT_VERSION:
            raise sqlite3.DatabaseError(f"{path}: not a records file of format {FORMAT_VERSION}")
        if "base" in meta:
            base = path.with_name(BASE_FILENAME)
            if not base.is_file():
                raise sqlite3.DatabaseError(f"{path}: its base file is missing")
            conn.execute("ATTACH ? AS base", (_uri(base),))
            found = conn.execute("SELECT value FROM base.meta WHERE key = 'id'").fetchone()
            if found is None or found[0] != meta["base"]:
                raise sqlite3.DatabaseError(f"{path}: {BASE_FILENAME} is not the base it was written over")
        conn.execute("PRAGMA query_only=1")
    except BaseException:
        conn.close()
        raise
    return conn


# -- reading ---------------------------------------------------------------------------------------------
@dataclass
class RegionSummary:
    """A province or regency/city: innovations that started there and replications there."""

    code: str
    name: str
    originated: list[Innovation] = field(default_factory=list)
    replicated: list[tuple[Innovation, Replication]] = field(default_factory=list)
    originated_total: int = 0
    replicated_total: int = 0

    @property
    def is_province(self) -> bool:
        return "." not in self.code


class RecordsFile:
    """Read access to one records file (full, or an overlay with its base); safe to share between threads
    (a connection per thread).

    Lists that can grow with the catalogue take a `limit`: a browse page shows the first ones and links to
    the search page for the rest.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._layout: tuple[bool, str] | None = None  # (is an overlay, id of the full file it reads)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.path)
            if self._layout is None:
                meta = dict(conn.execute("SELECT key, value FROM main.meta WHERE key IN ('id', 'base')"))
                self._layout = ("base" in meta, json.loads(meta.get("base") or meta.get("id") or "null"))
        return conn

    @property
    def is_overlay(self) -> bool:
        self._conn()
        assert self._layout is not None
        return self._layout[0]

    @property
    def base_id(self) -> str:
        """The id of the full file this one is (or whose overlay it is)."""
        self._conn()
        assert self._layout is not None
        return self._layout[1]

    @property
    def base_path(self) -> Path:
        """The full file: this one, or the base beside an overlay."""
        return self.path.with_name(BASE_FILENAME) if self.is_overlay else self.path

    def overlay_size(self) -> tuple[int, int]:
        """(records an overlay replaces or adds, records of its base); (0, records) for a full file."""
        if not self.is_overlay:
            return 0, len(self)
        conn = self._conn()
        return (conn.execute("SELECT COUNT(*) FROM main.hidden").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM base.innovation").fetchone()[0])

    def overlay_changes(self) -> tuple[list[str], list[str]] | None:
        """For an overlay: (slugs of the base's records it hides, slugs of the records it holds), i.e. what
        differs from its base; None for a full file."""
        if not self.is_overlay:
            return None
        conn = self._conn()
        return ([slug for slug, in conn.execute("SELECT slug FROM main.hidden ORDER BY slug")],
                [slug for slug, in conn.execute("SELECT slug FROM main.innovation ORDER BY slug")])

    def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        return self._conn().execute(sql, tuple(args)).fetchall()

    def _union(self, sql: str, args: Iterable[Any] = (), key: str = "slug", order: str = "", tail: str = "",
               tail_args: Iterable[Any] = (), cursor: bool = False) -> Any:
        """Rows of `sql` over the records this file serves. `sql` is one SELECT with its tables written
        `{s}name` and `{live}` in its WHERE clause; for an overlay it runs on the base (rows the overlay
        hides left out: `key` names the column that says so, see `_VISIBLE`) and on the overlay, as one
        UNION ALL. `order` (result column names) and `tail` (LIMIT/OFFSET, with `tail_args`) apply to the
        whole; SQLite merges the two ordered halves, each read through its own index."""
        conn = self._conn()
        assert self._layout is not None
        if self._layout[0]:
            text = sql.format(s="base.", live=_VISIBLE[key]) + " UNION ALL " + sql.format(s="main.", live="1")
            args = tuple(args) * 2
        else:
            text, args = sql.format(s="", live="1"), tuple(args)
        if order:
            text += " ORDER BY " + order
        if tail:
            text += " " + tail
        found = conn.execute(text, args + tuple(tail_args))
        return found if cursor else found.fetchall()

    def _counts(self, sql: str, args: Iterable[Any] = ()) -> dict[Any, int]:
        """{group: count} of an aggregate `sql` (`SELECT group, COUNT(..) FROM {s}table WHERE {live} ...
        GROUP BY group`) over the records this file serves. Counts must add up by record (every row of a
        record is in the base or in the overlay, never both). For an overlay: the base's counts (the same
        for every overlay of that base, so computed once per process) minus the hidden records' plus the
        overlay's."""
        conn = self._conn()
        assert self._layout is not None
        args = tuple(args)
        if not self._layout[0]:
            return dict(conn.execute(sql.format(s="", live="1"), args).fetchall())
        key = (self._layout[1], sql, args)
        total = _BASE_COUNTS.get(key)
        if total is None:
            total = dict(conn.execute(sql.format(s="base.", live="1"), args).fetchall())
            if len(_BASE_COUNTS) >= 256:
                _BASE_COUNTS.clear()
            _BASE_COUNTS[key] = total
        counts = dict(total)
        for group, n in conn.execute(sql.format(s="base.", live=_HIDDEN_ONLY), args):
            counts[group] -= n
        for group, n in conn.execute(sql.format(s="main.", live="1"), args):
            counts[group] = counts.get(group, 0) + n
        return {group: n for group, n in counts.items() if n}

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # single records
    def get(self, slug: str) -> Innovation | None:
        row = self._union("SELECT data FROM {s}innovation WHERE {live} AND slug = ?", (slug,))
        return loads_innovation(row[0][0]) if row else None

    def body(self, slug: str) -> str:
        """The Markdown body of the published version."""
        row = self._union("SELECT body FROM {s}innovation WHERE {live} AND slug = ?", (slug,))
        return _unpack(row[0][0]) if row else ""

    def award_body(self, slug: str) -> str:
        row = self._rows("SELECT body FROM main.award WHERE slug = ?", (slug,))
        return _unpack(row[0][0]) if row else ""

    def newer_version_problems(self, slug: str) -> list[Issue] | None:
        """For a record kept at its last good version: the errors of the file's newer version (None when the
        record is current)."""
        row = self._union("SELECT stale FROM {s}innovation WHERE {live} AND slug = ?", (slug,))
        if not row or not row[0][0]:
            return None
        rel = self._union("SELECT rel FROM {s}file WHERE {live} AND slug = ? AND kind = 'innovation'", (slug,),
                          key="rel")
        return [issue for r in rel for issue in self.problems(r[0]) if issue.is_error]

    def problems(self, rel: str | None = None, root: Path | None = None) -> list[Issue]:
        """Validation problems (of one file, or all), as `Issue`s with paths shown relative to the working
        folder when `root` (the content folder) is given."""
        where, args = ("AND rel = ?", (rel,)) if rel is not None else ("", ())
        rows = self._union("SELECT rel, line, field, message, severity FROM {s}problem WHERE {live} " + where,
                           args, key="problem")
        return [Issue(_shown(r, root), line, field, message, Severity(severity))
                for r, line, field, message, severity in rows]

    def file_problems(self) -> Iterator[tuple[str, Issue]]:
        """(rel, problem) of every per-file problem, with the rel path as the issue's path."""
        for rel, line, field, message, severity in self._union(
                "SELECT rel, line, field, message, severity FROM {s}problem WHERE {live} AND scope = 'file'",
                key="problem"):
            yield rel, Issue(rel, line, field, message, Severity(severity))

    def cross_problems(self) -> Iterator[tuple[str, Issue]]:
        """(rel, problem) of every cross-file problem, with the path as messages show it."""
        for rel, line, field, message, severity in self._rows(
                "SELECT rel, line, field, message, severity FROM main.problem WHERE scope = 'cross'"):
            yield rel, Issue(rel, line, field, message, Severity(severity))

    def files(self) -> dict[str, tuple[str, tuple[int, int], str, dict | None]]:
        """rel -> (kind, (size, mtime_ns), slug, link facts) of every content file seen."""
        return {rel: (kind, (size, mtime), slug, json.loads(links) if links else None)
                for rel, kind, size, mtime, slug, links in self._union("SELECT * FROM {s}file WHERE {live}",
                                                                       key="rel")}

    def states(self) -> dict[str, tuple[int, str, bool]]:
        """slug -> (replication count, resolved links as JSON, stale) of every record."""
        return {slug: (count, links, bool(stale)) for slug, count, links, stale in
                self._union("SELECT slug, replication_count, links, stale FROM {s}innovation WHERE {live}")}

    def __contains__(self, slug: object) -> bool:
        return bool(self._union("SELECT 1 FROM {s}innovation WHERE {live} AND slug = ?", (slug,)))

    def many(self, slugs: list[str]) -> list[Innovation]:
        """Records for `slugs`, in that order (unknown slugs left out)."""
        return [inn for inn, _ in self.counted(slugs)]

    def counted(self, slugs: list[str]) -> list[tuple[Innovation, int]]:
        """(record, replication count) for `slugs`, in that order (unknown slugs left out)."""
        found: dict[str, tuple[Innovation, int]] = {}
        for start in range(0, len(slugs), 400):
            chunk = slugs[start: start + 400]
            marks = ",".join("?" * len(chunk))
            for slug, data, count in self._union(
                    "SELECT slug, data, replication_count FROM {s}innovation WHERE {live} AND slug IN (" + marks + ")",
                    chunk):
                found[slug] = (loads_innovation(data), count)
        return [found[s] for s in slugs if s in found]

    def titles(self, slugs: Iterable[str]) -> dict[str, tuple[str, str]]:
        """slug -> (title, region) for links to other records."""
        return {inn.slug: (inn.title, inn.region) for inn in self.many(sorted(set(slugs)))}

    def aliases(self) -> dict[str, str]:
        """alias -> slug of every former slug."""
        return dict(self._union("SELECT alias, slug FROM {s}alias WHERE {live}", key="alias"))

    def canonical_slug(self, slug: str) -> str | None:
        """The canonical slug for a slug, a former slug (alias) or a case variant of either."""
        key = slug.strip().lower()
        if key in self:
            return key
        row = self._union("SELECT slug FROM {s}alias WHERE {live} AND alias = ?", (key,), key="alias")
        return row[0][0] if row else None

    def replication_count(self, slug: str) -> int:
        row = self._union("SELECT replication_count FROM {s}innovation WHERE {live} AND slug = ?", (slug,))
        return row[0][0] if row else 0

    def replicas_of(self, slug: str) -> list[Innovation]:
        """Write-ups that say they replicate `slug` (the other direction of the trail)."""
        return [loads_innovation(d) for d, _ in self._union(
            "SELECT data, slug FROM {s}innovation WHERE {live} AND replicated_from = ?", (slug,), order="slug")]

    # the whole catalogue
    def __len__(self) -> int:
        return self._counts("SELECT 0, COUNT(*) FROM {s}innovation WHERE {live}").get(0, 0)

    def summary(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._rows("SELECT key, value FROM main.meta")}

    def _cached(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, kept until the file changes: catalogue-wide groupings are the same for every page
        until the next update. `data_version` is per connection, so the cache is per thread too."""
        version = self._rows("PRAGMA data_version")[0][0]
        cache = getattr(self._local, "cache", None)
        if cache is None or cache[0] != version:
            cache = self._local.cache = (version, {})
        if name not in cache[1]:
            cache[1][name] = compute()
        return cache[1][name]

    @property
    def awards(self) -> dict[str, Award]:
        """Award programmes by slug."""
        return self._cached("awards", lambda: {slug: _loads_award(d)
                                               for slug, d in self._rows("SELECT slug, data FROM main.award")})

    def with_body(self, inn: Innovation) -> Innovation:
        """The record with its body filled in (for re-indexing an unchanged record)."""
        inn.body = self.body(inn.slug)
        return inn

    def slugs_updated(self, limit: int | None = None, offset: int = 0) -> Iterator[tuple[str, dt.date | None]]:
        """(slug, updated) of the records by slug, `limit` of them from `offset`: for sitemaps."""
        for slug, updated in self._union("SELECT slug, updated FROM {s}innovation WHERE {live}", order="slug",
                                         tail="LIMIT ? OFFSET ?", tail_args=(_limit(limit), offset), cursor=True):
            yield slug, dt.date.fromisoformat(updated) if updated else None

    def newest(self, limit: int) -> list[Innovation]:
        return self._innovations("SELECT data, year, title_key FROM {s}innovation WHERE {live}", (),
                                 "year DESC, title_key", limit)

    def recently_updated(self, limit: int, sector: str | None = None, award: str | None = None) -> list[Innovation]:
        """For feeds: newest update (or verification, or start year) first."""
        where, args = "", []
        if sector:
            where, args = "AND slug IN (SELECT slug FROM {s}sector WHERE sector = ?)", [sector]
        elif award:
            where, args = "AND slug IN (SELECT slug FROM {s}award_ref WHERE award = ?)", [award]
        return self._innovations("SELECT data, feed_date, year, slug FROM {s}innovation WHERE {live} " + where,
                                 args, "feed_date DESC, year DESC, slug DESC", limit)

    def most_replicated(self, limit: int = 5) -> list[tuple[Innovation, int]]:
        """Innovations with the most documented replications (own list plus replicas' write-ups)."""
        rows = self._union("SELECT data, replication_count, title_key FROM {s}innovation WHERE {live} "
                           "AND replication_count > 0", order="replication_count DESC, title_key",
                           tail="LIMIT ?", tail_args=(limit,))
        return [(loads_innovation(d), n) for d, n, _ in rows]

    def sector_counts(self) -> list[tuple[str, int]]:
        """Every sector in vocabulary order with its number of innovations (zero included)."""
        counts = self._cached("sectors", lambda: self._counts(
            "SELECT sector, COUNT(*) FROM {s}sector WHERE {live} GROUP BY sector"))
        return [(slug, counts.get(slug, 0)) for slug in vocab.sectors()]

    def in_sector(self, sector: str, limit: int | None = None) -> list[Innovation]:
        return self._innovations("SELECT data, year, title_key FROM {s}innovation WHERE {live} AND slug IN "
                                 "(SELECT slug FROM {s}sector WHERE sector = ?)", (sector,), "year DESC, title_key",
                                 limit)

    def award_counts(self) -> list[tuple[str, int]]:
        """(award slug, number of innovations holding it), in award-name order."""
        counts = self._cached("award_counts", lambda: self._counts(
            "SELECT award, COUNT(DISTINCT slug) FROM {s}award_ref WHERE {live} GROUP BY award"))
        awards = self.awards
        return [(slug, counts.get(slug, 0)) for slug in sorted(awards, key=lambda s: awards[s].name.lower())]

    def award_years(self, award: str) -> list[tuple[int, int]]:
        """(year, number of innovations) for an award programme, newest first."""
        counts = self._counts("SELECT year, COUNT(DISTINCT slug) FROM {s}award_ref WHERE {live} AND award = ? "
                              "GROUP BY year", (award,))
        return sorted(counts.items(), reverse=True)

    def with_award(self, award: str, year: int | None = None,
                   limit: int | None = None) -> list[tuple[Innovation, AwardRef]]:
        """Innovations holding an award (optionally of one year), newest award first: one entry per innovation
        and year, its ranks of that year joined ("Top 99, Top 45")."""
        rows = self._union(  # a cursor: stop reading at `limit` holders
            "SELECT i.slug AS slug, i.data AS data, r.year AS year, r.position AS position, i.title_key AS "
            "title_key FROM {s}award_ref r JOIN {s}innovation i USING (slug) WHERE {live} AND r.award = ? "
            "AND (? IS NULL OR r.year = ?)", (award, year, year), key="r.slug",
            order="year DESC, title_key, slug, position", cursor=True)
        out: list[tuple[Innovation, AwardRef]] = []
        last: tuple[str, int] | None = None
        for slug, data, ref_year, position, _ in rows:
            if (slug, ref_year) == last:
                continue
            last = (slug, ref_year)
            if limit is not None and len(out) >= limit:
                break
            inn = loads_innovation(data)
            refs = [a for a in inn.awards if a.award == award and a.year == ref_year]
            ranks = ", ".join(dict.fromkeys(a.rank for a in refs if a.rank)) or None
            out.append((inn, AwardRef(award=award, year=ref_year, rank=ranks, url=refs[0].url if refs else None)))
        return out

    def region_counts(self) -> list[dict]:
        """Every region that appears in the catalogue, with counts; provinces first, then by code."""
        return [dict(row) for row in self._cached("regions", self._region_counts)]  # copies: callers add keys

    def _region_counts(self) -> list[dict]:
        originated = self._counts("SELECT region_code, COUNT(*) FROM {s}innovation WHERE {live} AND region_code "
                                  "IS NOT NULL GROUP BY region_code")
        for code, n in self._counts("SELECT province_code, COUNT(*) FROM {s}innovation WHERE {live} AND "
                                    "region_code LIKE '%.%' GROUP BY province_code").items():
            originated[code] = originated.get(code, 0) + n
        replicated = self._counts("SELECT region_code, COUNT(*) FROM {s}replication WHERE {live} GROUP BY "
                                  "region_code")
        for code, n in self._counts("SELECT province_code, COUNT(*) FROM {s}replication WHERE {live} AND "
                                    "region_code LIKE '%.%' GROUP BY province_code").items():
            replicated[code] = replicated.get(code, 0) + n
        out = []
        for code in sorted(set(originated) | set(replicated), key=lambda c: (c.split(".")[0], "." in c, c)):
            region = regions.get_region(code)
            if region is None:
                continue
            out.append({"code": code, "name": region.display_name,
                        "level": "province" if region.is_province else "regency",
                        "innovations": originated.get(code, 0), "replications": replicated.get(code, 0)})
        return out

    def region_summary(self, code: str, limit: int | None = None) -> RegionSummary | None:
        """Innovations from a region (a province includes its regencies) and replications in it."""
        region = regions.get_region(code)
        if region is None:
            return None
        summary = RegionSummary(code=region.code, name=region.display_name)
        column = "province_code" if region.is_province else "region_code"
        where = f"AND {column} = ?"
        summary.originated_total = self._counts(
            "SELECT 0, COUNT(*) FROM {s}innovation WHERE {live} " + where, (code,)).get(0, 0)
        summary.originated = self._innovations("SELECT data, year, title_key FROM {s}innovation WHERE {live} "
                                               + where, (code,), "year DESC, title_key", limit)
        summary.replicated_total = self._counts(
            "SELECT 0, COUNT(*) FROM {s}replication WHERE {live} " + where, (code,)).get(0, 0)
        rows = self._union(f"SELECT i.data AS data, r.position AS position, i.title_key AS title_key FROM "
                           f"{{s}}replication r JOIN {{s}}innovation i USING (slug) WHERE {{live}} AND "
                           f"r.{column} = ?", (code,), key="r.slug", order="title_key, position",
                           tail="LIMIT ?", tail_args=(_limit(limit),))
        for data, position, _ in rows:
            inn = loads_innovation(data)
            summary.replicated.append((inn, inn.replications[position]))
        return summary

    def _innovations(self, sql: str, args: Iterable[Any], order: str, limit: int | None) -> list[Innovation]:
        """Records of `sql` (its first column: the record's data), in `order`, at most `limit`."""
        rows = self._union(sql, args, order=order, tail="LIMIT ?", tail_args=(_limit(limit),))
        return [loads_innovation(row[0]) for row in rows]


_BASE_COUNTS: dict[tuple, dict] = {}  # (full file id, query, arguments) -> counts: a full file never changes


def _limit(limit: int | None) -> int:
    return -1 if limit is None else limit  # SQLite: a negative LIMIT means no limit
