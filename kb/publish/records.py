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
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import threading
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
FORMAT_VERSION = 3

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
_CHILD_TABLES = ("sector", "award_ref", "replication")


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
def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)  # level 1 rather than 6: at 10k the file grew 59 -> 60 MB


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


class RecordsWriter:
    """Writes the records file of a generation that is not published yet, in one transaction.

    `base`: the records file of the previous generation to start from (copied, then changed), or None
    for a new, empty file."""

    def __init__(self, path: Path | str, base: Path | str | None = None) -> None:
        self.path = Path(path)
        self.fresh = base is None  # a new file: nothing to delete before an insert
        if base is not None:
            shutil.copyfile(base, self.path)
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.execute("PRAGMA synchronous=OFF")  # the file is published only after it is complete
        self.conn.executescript(_SCHEMA)
        self.conn.execute("BEGIN")

    def put(self, inn: Innovation, replication_count: int, links: str, stale: bool) -> None:
        """Insert or replace one record; `inn.body` holds its body."""
        if not self.fresh:
            self.remove(inn.slug)
        conn = self.conn
        conn.execute("INSERT INTO innovation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (inn.slug, inn.title.lower(), inn.year, feed_date(inn).isoformat(),
                      inn.updated.isoformat() if inn.updated else None, inn.region_code, inn.province_code,
                      inn.replicated_from, replication_count, links, int(stale),
                      dumps_innovation(inn), _pack(inn.body)))
        conn.executemany("INSERT INTO sector VALUES (?, ?)", [(inn.slug, s) for s in inn.sectors])
        conn.executemany("INSERT INTO award_ref VALUES (?, ?, ?, ?)",
                         [(inn.slug, a.award, a.year, n) for n, a in enumerate(inn.awards)])
        conn.executemany("INSERT INTO replication VALUES (?, ?, ?, ?)",
                         [(inn.slug, n, r.region_code, r.region_code.split(".")[0])
                          for n, r in enumerate(inn.replications) if r.region_code])

    def remove(self, slug: str) -> None:
        for table in ("innovation", *_CHILD_TABLES):
            self.conn.execute(f"DELETE FROM {table} WHERE slug = ?", (slug,))  # noqa: S608 - fixed names

    def put_file(self, rel: str, kind: str, stamp: tuple[int, int], slug: str, links: dict | None) -> None:
        self.conn.execute("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?)",
                          (rel, kind, stamp[0], stamp[1], slug, json.dumps(links) if links is not None else None))

    def remove_file(self, rel: str) -> None:
        self.conn.execute("DELETE FROM file WHERE rel = ?", (rel,))
        self.conn.execute("DELETE FROM problem WHERE rel = ?", (rel,))

    def set_problems(self, rel: str, scope: str, issues: Iterable[Issue]) -> None:
        """Replace the problems of one file found by one kind of check ("file" or "cross")."""
        self.conn.execute("DELETE FROM problem WHERE rel = ? AND scope = ?", (rel, scope))
        self.conn.executemany("INSERT INTO problem VALUES (?, ?, ?, ?, ?, ?)",
                              [(rel, scope, i.line, i.field, i.message, i.severity.value) for i in issues])

    def clear_problems(self, scope: str) -> None:
        self.conn.execute("DELETE FROM problem WHERE scope = ?", (scope,))

    def set_awards(self, awards: Iterable[Award]) -> None:
        self.conn.execute("DELETE FROM award")
        self.conn.executemany("INSERT INTO award VALUES (?, ?, ?)",
                              [(a.slug, _dumps_award(a), _pack(a.body)) for a in sorted(awards, key=lambda a: a.slug)])

    def set_aliases(self, aliases: dict[str, str]) -> None:
        self.conn.execute("DELETE FROM alias")
        self.conn.executemany("INSERT INTO alias VALUES (?, ?)", sorted(aliases.items()))

    def set_meta(self, values: dict[str, Any]) -> None:
        self.conn.execute("DELETE FROM meta")
        self.conn.executemany("INSERT INTO meta VALUES (?, ?)",
                              [(k, json.dumps(v)) for k, v in {"format": FORMAT_VERSION, **values}.items()])

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.close()

    def cancel(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        self.conn.close()


def readable(path: Path | str) -> bool:
    """Whether `path` is a records file this version can read (a cheap check, not a full scan)."""
    if not Path(path).is_file():
        return False
    try:
        conn = _connect(Path(path))
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and json.loads(row[0]) == FORMAT_VERSION


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a published (never again written) records file: no locking at all."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True, timeout=30,
                           check_same_thread=True)
    conn.execute("PRAGMA query_only=1")
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
    """Read access to one records file; safe to share between threads (a connection per thread).

    Lists that can grow with the catalogue take a `limit`: a browse page shows the first ones and links to
    the search page for the rest.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.path)
        return conn

    def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        return self._conn().execute(sql, tuple(args)).fetchall()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # single records
    def get(self, slug: str) -> Innovation | None:
        row = self._rows("SELECT data FROM innovation WHERE slug = ?", (slug,))
        return loads_innovation(row[0][0]) if row else None

    def body(self, slug: str) -> str:
        """The Markdown body of the published version."""
        row = self._rows("SELECT body FROM innovation WHERE slug = ?", (slug,))
        return _unpack(row[0][0]) if row else ""

    def award_body(self, slug: str) -> str:
        row = self._rows("SELECT body FROM award WHERE slug = ?", (slug,))
        return _unpack(row[0][0]) if row else ""

    def newer_version_problems(self, slug: str) -> list[Issue] | None:
        """For a record kept at its last good version: the errors of the file's newer version (None when the
        record is current)."""
        row = self._rows("SELECT stale, data FROM innovation WHERE slug = ?", (slug,))
        if not row or not row[0][0]:
            return None
        rel = self._rows("SELECT rel FROM file WHERE slug = ? AND kind = 'innovation'", (slug,))
        return [issue for r in rel for issue in self.problems(r[0]) if issue.is_error]

    def problems(self, rel: str | None = None, root: Path | None = None) -> list[Issue]:
        """Validation problems (of one file, or all), as `Issue`s with paths shown relative to the working
        folder when `root` (the content folder) is given."""
        where, args = ("WHERE rel = ?", (rel,)) if rel is not None else ("", ())
        rows = self._rows(f"SELECT rel, line, field, message, severity FROM problem {where}", args)  # noqa: S608
        return [Issue(_shown(r, root), line, field, message, Severity(severity))
                for r, line, field, message, severity in rows]

    def file_problems(self) -> Iterator[tuple[str, Issue]]:
        """(rel, problem) of every per-file problem, with the rel path as the issue's path."""
        for rel, line, field, message, severity in self._rows(
                "SELECT rel, line, field, message, severity FROM problem WHERE scope = 'file'"):
            yield rel, Issue(rel, line, field, message, Severity(severity))

    def files(self) -> dict[str, tuple[str, tuple[int, int], str, dict | None]]:
        """rel -> (kind, (size, mtime_ns), slug, link facts) of every content file seen."""
        return {rel: (kind, (size, mtime), slug, json.loads(links) if links else None)
                for rel, kind, size, mtime, slug, links in self._rows("SELECT * FROM file")}

    def states(self) -> dict[str, tuple[int, str, bool]]:
        """slug -> (replication count, resolved links as JSON, stale) of every record."""
        return {slug: (count, links, bool(stale)) for slug, count, links, stale in
                self._rows("SELECT slug, replication_count, links, stale FROM innovation")}

    def __contains__(self, slug: object) -> bool:
        return bool(self._rows("SELECT 1 FROM innovation WHERE slug = ?", (slug,)))

    def many(self, slugs: list[str]) -> list[Innovation]:
        """Records for `slugs`, in that order (unknown slugs left out)."""
        return [inn for inn, _ in self.counted(slugs)]

    def counted(self, slugs: list[str]) -> list[tuple[Innovation, int]]:
        """(record, replication count) for `slugs`, in that order (unknown slugs left out)."""
        found: dict[str, tuple[Innovation, int]] = {}
        for start in range(0, len(slugs), 500):
            chunk = slugs[start: start + 500]
            marks = ",".join("?" * len(chunk))
            for slug, data, count in self._rows(
                    f"SELECT slug, data, replication_count FROM innovation WHERE slug IN ({marks})", chunk):  # noqa: S608
                found[slug] = (loads_innovation(data), count)
        return [found[s] for s in slugs if s in found]

    def titles(self, slugs: Iterable[str]) -> dict[str, tuple[str, str]]:
        """slug -> (title, region) for links to other records."""
        return {inn.slug: (inn.title, inn.region) for inn in self.many(sorted(set(slugs)))}

    def aliases(self) -> dict[str, str]:
        """alias -> slug of every former slug."""
        return dict(self._rows("SELECT alias, slug FROM alias"))

    def canonical_slug(self, slug: str) -> str | None:
        """The canonical slug for a slug, a former slug (alias) or a case variant of either."""
        key = slug.strip().lower()
        if key in self:
            return key
        row = self._rows("SELECT slug FROM alias WHERE alias = ?", (key,))
        return row[0][0] if row else None

    def replication_count(self, slug: str) -> int:
        row = self._rows("SELECT replication_count FROM innovation WHERE slug = ?", (slug,))
        return row[0][0] if row else 0

    def replicas_of(self, slug: str) -> list[Innovation]:
        """Write-ups that say they replicate `slug` (the other direction of the trail)."""
        return [loads_innovation(d) for (d,) in self._rows(
            "SELECT data FROM innovation WHERE replicated_from = ? ORDER BY slug", (slug,))]

    # the whole catalogue
    def __len__(self) -> int:
        return self._rows("SELECT COUNT(*) FROM innovation")[0][0]

    def summary(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._rows("SELECT key, value FROM meta")}

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
                                               for slug, d in self._rows("SELECT slug, data FROM award")})

    def with_body(self, inn: Innovation) -> Innovation:
        """The record with its body filled in (for re-indexing an unchanged record)."""
        inn.body = self.body(inn.slug)
        return inn

    def slugs_updated(self, limit: int | None = None, offset: int = 0) -> Iterator[tuple[str, dt.date | None]]:
        """(slug, updated) of the records by slug, `limit` of them from `offset`: for sitemaps."""
        for slug, updated in self._conn().execute("SELECT slug, updated FROM innovation ORDER BY slug LIMIT ? "
                                                  "OFFSET ?", (_limit(limit), offset)):
            yield slug, dt.date.fromisoformat(updated) if updated else None

    def newest(self, limit: int) -> list[Innovation]:
        return self._innovations("SELECT data FROM innovation ORDER BY year DESC, title_key LIMIT ?", (limit,))

    def recently_updated(self, limit: int, sector: str | None = None, award: str | None = None) -> list[Innovation]:
        """For feeds: newest update (or verification, or start year) first."""
        where, args = "", []
        if sector:
            where, args = "WHERE slug IN (SELECT slug FROM sector WHERE sector = ?)", [sector]
        elif award:
            where, args = "WHERE slug IN (SELECT slug FROM award_ref WHERE award = ?)", [award]
        return self._innovations(f"SELECT data FROM innovation {where} "  # noqa: S608
                                 "ORDER BY feed_date DESC, year DESC, slug DESC LIMIT ?", (*args, limit))

    def most_replicated(self, limit: int = 5) -> list[tuple[Innovation, int]]:
        """Innovations with the most documented replications (own list plus replicas' write-ups)."""
        rows = self._rows("SELECT data, replication_count FROM innovation WHERE replication_count > 0 "
                          "ORDER BY replication_count DESC, title_key LIMIT ?", (limit,))
        return [(loads_innovation(d), n) for d, n in rows]

    def sector_counts(self) -> list[tuple[str, int]]:
        """Every sector in vocabulary order with its number of innovations (zero included)."""
        counts = self._cached("sectors", lambda: dict(self._rows("SELECT sector, COUNT(*) FROM sector GROUP BY sector")))
        return [(slug, counts.get(slug, 0)) for slug in vocab.sectors()]

    def in_sector(self, sector: str, limit: int | None = None) -> list[Innovation]:
        return self._innovations("SELECT data FROM innovation WHERE slug IN (SELECT slug FROM sector WHERE "
                                 "sector = ?) ORDER BY year DESC, title_key LIMIT ?", (sector, _limit(limit)))

    def award_counts(self) -> list[tuple[str, int]]:
        """(award slug, number of innovations holding it), in award-name order."""
        counts = self._cached("award_counts", lambda: dict(self._rows(
            "SELECT award, COUNT(DISTINCT slug) FROM award_ref GROUP BY award")))
        awards = self.awards
        return [(slug, counts.get(slug, 0)) for slug in sorted(awards, key=lambda s: awards[s].name.lower())]

    def award_years(self, award: str) -> list[tuple[int, int]]:
        """(year, number of innovations) for an award programme, newest first."""
        return self._rows("SELECT year, COUNT(DISTINCT slug) FROM award_ref WHERE award = ? GROUP BY year "
                          "ORDER BY year DESC", (award,))

    def with_award(self, award: str, year: int | None = None,
                   limit: int | None = None) -> list[tuple[Innovation, AwardRef]]:
        """Innovations holding an award (optionally of one year), newest award first: one entry per innovation
        and year, its ranks of that year joined ("Top 99, Top 45")."""
        rows = self._conn().execute(  # a cursor: stop reading at `limit` holders
            "SELECT i.slug, i.data, r.year, r.position FROM award_ref r JOIN innovation i USING (slug) "
            "WHERE r.award = ? AND (? IS NULL OR r.year = ?) ORDER BY r.year DESC, i.title_key, i.slug, r.position",
            (award, year, year))
        out: list[tuple[Innovation, AwardRef]] = []
        last: tuple[str, int] | None = None
        for slug, data, ref_year, position in rows:
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
        originated = dict(self._rows("SELECT region_code, COUNT(*) FROM innovation WHERE region_code IS NOT "
                                     "NULL GROUP BY region_code"))
        for code, n in self._rows("SELECT province_code, COUNT(*) FROM innovation WHERE region_code LIKE '%.%' "
                                  "GROUP BY province_code"):
            originated[code] = originated.get(code, 0) + n
        replicated = dict(self._rows("SELECT region_code, COUNT(*) FROM replication GROUP BY region_code"))
        for code, n in self._rows("SELECT province_code, COUNT(*) FROM replication WHERE region_code LIKE '%.%' "
                                  "GROUP BY province_code"):
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
        where = f"WHERE {column} = ?"
        summary.originated_total = self._rows(f"SELECT COUNT(*) FROM innovation {where}", (code,))[0][0]  # noqa: S608
        summary.originated = self._innovations(f"SELECT data FROM innovation {where} "  # noqa: S608
                                               "ORDER BY year DESC, title_key LIMIT ?", (code, _limit(limit)))
        summary.replicated_total = self._rows(f"SELECT COUNT(*) FROM replication {where}", (code,))[0][0]  # noqa: S608
        rows = self._rows(f"SELECT i.data, r.position FROM replication r JOIN innovation i USING (slug) "  # noqa: S608
                          f"WHERE r.{column} = ? ORDER BY i.title_key, r.position LIMIT ?", (code, _limit(limit)))
        for data, position in rows:
            inn = loads_innovation(data)
            summary.replicated.append((inn, inn.replications[position]))
        return summary

    def _innovations(self, sql: str, args: Iterable[Any]) -> list[Innovation]:
        return [loads_innovation(d) for (d,) in self._rows(sql, args)]


def _limit(limit: int | None) -> int:
    return -1 if limit is None else limit  # SQLite: a negative LIMIT means no limit
