"""A compact, on-disk copy of a validated catalogue (SQLite), so web processes never load the content.

Loading 10 000 write-ups into Python objects takes ~70 MB and seconds; 100 000 take most of a gigabyte. The
process that validates content and builds the search index writes every valid record here, with the
groupings browse pages need (sectors, awards, replications, aliases) as indexed tables. Pages then read one
record, or one grouping, per request. The file sits next to the index it was written with (one per
index generation), so a published generation always has matching records.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.content import regions, vocab
from kb.content.loader import Catalogue
from kb.content.model import Award, AwardRef, Innovation, Replication, Source
from kb.content.plain import from_plain, plain, to_plain

log = logging.getLogger(__name__)

FILENAME = "records.sqlite"
FORMAT_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS innovation (
    slug TEXT PRIMARY KEY, title_key TEXT NOT NULL, year INTEGER NOT NULL, feed_date TEXT NOT NULL,
    updated TEXT, region_code TEXT, province_code TEXT, replicated_from TEXT,
    replication_count INTEGER NOT NULL, data TEXT NOT NULL);
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
CREATE TABLE IF NOT EXISTS award (slug TEXT PRIMARY KEY, data TEXT NOT NULL);
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
    return json.dumps(plain(award), ensure_ascii=False, separators=(",", ":"))


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
def write_records(catalogue: Catalogue, path: Path | str, slugs: Iterable[str] | None = None,
                  deleted: Iterable[str] = ()) -> None:
    """Write the catalogue's records to `path`: all of them (a new file), or only `slugs` and `deleted`
    (in place, in one transaction: readers see the old or the new state, never a mix). Awards, aliases and
    the load summary are always rewritten: they are small."""
    path = Path(path)
    if path.exists() and not readable(path):
        log.warning("records file %s is unreadable: writing it again with every record", path)
        _remove(path)
    if not path.exists():
        slugs = None
    try:
        _write(catalogue, path, None if slugs is None else list(slugs), deleted)
    except sqlite3.DatabaseError as exc:  # damaged beyond what `readable` sees: start a new file
        log.warning("records file %s is unreadable (%s): writing it again with every record", path, exc)
        _remove(path)
        _write(catalogue, path, None, ())


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def readable(path: Path | str) -> bool:
    """Whether `path` is a records file this version can read (a cheap check, not a full scan)."""
    if not Path(path).is_file():
        return False
    try:
        conn = sqlite3.connect(Path(path), timeout=30)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and json.loads(row[0]) == FORMAT_VERSION


def _write(catalogue: Catalogue, path: Path, slugs: list[str] | None, deleted: Iterable[str]) -> None:
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # readers keep reading while an update is written
        conn.executescript(_SCHEMA)
        with conn:
            if slugs is None:
                for table in ("innovation", *_CHILD_TABLES):
                    conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
                slugs = catalogue.innovations
            else:
                gone = [(s,) for s in {*slugs, *deleted}]
                for table in ("innovation", *_CHILD_TABLES):
                    conn.executemany(f"DELETE FROM {table} WHERE slug = ?", gone)  # noqa: S608
            for slug in slugs:
                inn = catalogue.innovations.get(slug)
                if inn is not None:
                    _insert(conn, inn, catalogue.replication_count(inn))
            conn.execute("DELETE FROM alias")
            conn.executemany("INSERT INTO alias VALUES (?, ?)", sorted(catalogue.aliases.items()))
            conn.execute("DELETE FROM award")
            conn.executemany("INSERT INTO award VALUES (?, ?)",
                             [(slug, _dumps_award(a)) for slug, a in sorted(catalogue.awards.items())])
            summary = {"format": FORMAT_VERSION, "files": catalogue.files, "errors": len(catalogue.errors),
                       "warnings": len(catalogue.warnings), "summary": catalogue.summary_line(),
                       "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")}
            conn.execute("DELETE FROM meta")
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in summary.items()])
    finally:
        conn.close()


def _insert(conn: sqlite3.Connection, inn: Innovation, replications: int) -> None:
    province = inn.province_code
    conn.execute("INSERT INTO innovation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (inn.slug, inn.title.lower(), inn.year, feed_date(inn).isoformat(),
                  inn.updated.isoformat() if inn.updated else None, inn.region_code, province,
                  inn.replicated_from, replications, dumps_innovation(inn)))
    conn.executemany("INSERT INTO sector VALUES (?, ?)", [(inn.slug, s) for s in inn.sectors])
    conn.executemany("INSERT INTO award_ref VALUES (?, ?, ?, ?)",
                     [(inn.slug, a.award, a.year, n) for n, a in enumerate(inn.awards)])
    conn.executemany("INSERT INTO replication VALUES (?, ?, ?, ?)",
                     [(inn.slug, n, r.region_code, r.region_code.split(".")[0])
                      for n, r in enumerate(inn.replications) if r.region_code])


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


class Records:
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
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=True)
            conn.execute("PRAGMA query_only=1")
            self._local.conn = conn
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
