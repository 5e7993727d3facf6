"""What changed in the content folder since the published generation, and what that means for each record.

Only files whose size or modification time differ from what the published generation recorded are read
again; every other file is represented by what that generation kept of it (its link facts and problems).
The cross-file checks then run over the compact link facts of every innovation, which tells which other
records an edit affects (a replica's link changes its original's replication count). `check` uses the same
plan without writing anything, so an unchanged 10 000-file folder is checked without reading a file.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from kb.content.issues import Issue
from kb.content.loader import (
    AWARDS_DIR,
    INNOVATIONS_DIR,
    CrossCheck,
    FileResult,
    Links,
    apply_links,
    cross_check,
    display_path,
    iter_content_files,
    load_awards,
    read_innovation,
    summary_line,
)
from kb.content.model import Award, Innovation
from kb.publish.records import RecordsFile

Stamp = tuple[int, int]  # (size, mtime in ns): a cheap change detector


def scan(root: Path) -> dict[str, tuple[str, Path, Stamp]]:
    """rel path -> (kind, path, stamp) of every content file (awards first, then innovations, sorted), with
    the rules of `loader.iter_content_files` (hidden and `_draft` names skipped, links to folders not
    followed). Plain `os.scandir` and string paths: this runs over every file on every publish and `check`."""
    found: dict[str, tuple[str, Path, Stamp]] = {}
    base = str(root)
    for kind, sub in (("award", AWARDS_DIR), ("innovation", INNOVATIONS_DIR)):
        for rel, stamp in _walk(os.path.join(base, sub), sub):
            found[rel] = (kind, _LazyPath(os.path.join(base, rel)), stamp)
    return found


def _walk(folder: str, rel: str) -> list[tuple[str, Stamp]]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    files: list[tuple[str, Stamp]] = []
    folders: list[tuple[str, str]] = []
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        try:
            if entry.is_dir():
                if not entry.is_symlink():  # a linked folder is never followed
                    folders.append((entry.path, f"{rel}/{entry.name}"))
            elif entry.name.endswith(".md"):
                try:
                    st = entry.stat()
                    stamp = (st.st_size, st.st_mtime_ns)
                except OSError:
                    stamp = (-1, -1)  # vanished or unreadable: read again (and reported) every time
                files.append((f"{rel}/{entry.name}", stamp))
        except OSError:
            continue
    for path, sub_rel in folders:  # files of a folder first, then its subfolders (as os.walk lists them)
        files.extend(_walk(path, sub_rel))
    return files


class _LazyPath(str):
    """A content file's path as a string, made a `Path` only when a file is actually read (building ten
    thousand `Path` objects costs more than scanning the folder)."""

    @property
    def stem(self) -> str:
        return os.path.splitext(os.path.basename(self))[0]


@dataclass
class Write:
    """One record to (re)write in the new generation."""

    innovation: Innovation  # with its body
    replications: int
    links: tuple[str | None, dict[int, str]]
    stale: bool = False
    new: bool = False  # no record under this slug before


@dataclass
class Plan:
    """The content folder compared with the published generation: problems, and the records to write."""

    root: Path
    files: dict[str, tuple[str, Path, Stamp]]
    full: bool
    awards: dict[str, Award]
    award_keys: dict[str, str]
    read: dict[str, FileResult]  # innovation files read now, by rel path
    links: dict[str, Links]  # every innovation file's link facts, by rel path
    file_problems: dict[str, list[Issue]]  # per-file problems of every file, by rel path
    cross: CrossCheck
    previous: RecordsFile | None
    writes: dict[str, Write] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    stale: set[str] = field(default_factory=set)  # records kept at their last good version
    changed_files: list[str] = field(default_factory=list)  # rel paths whose file facts must be written
    removed_files: list[str] = field(default_factory=list)
    awards_changed: bool = False
    _issues: list[Issue] | None = field(default=None, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.full or self.writes or self.removed or self.changed_files or self.removed_files
                    or self.awards_changed)

    def issues(self) -> list[Issue]:
        """Every problem, per-file and cross-file, sorted by path and line, paths as messages show them."""
        if self._issues is None:
            self._issues = self._collect_issues()
        return self._issues

    def _collect_issues(self) -> list[Issue]:
        out: list[Issue] = []
        for rel, found in self.file_problems.items():
            shown = display_path(os.path.join(self.root, rel))
            out.extend(i if i.path == shown else Issue(shown, i.line, i.field, i.message, i.severity) for i in found)
        for found in self.cross.issues.values():
            out.extend(found)
        out.sort(key=lambda i: (i.path, i.line or 0))
        return out

    def published(self) -> set[str]:
        """Slugs the new generation serves: valid records and stale ones kept at their last good version."""
        return set(self.cross.valid) | self.stale

    def summary_line(self) -> str:
        issues = self.issues()
        errors = sum(i.is_error for i in issues)
        return summary_line(len(self.files), len(self.cross.valid), len(self.awards), errors, len(issues) - errors)


def make_plan(root: Path | str, previous: RecordsFile | None, full: bool = False) -> Plan:
    """Compare the folder with `previous` (the published records, or None) and decide every record's fate.

    `full`: read every file (a rebuild); records whose file is broken still keep their last good version
    from `previous`."""
    root = Path(root)
    files = scan(root)
    prev_files = previous.files() if previous is not None else {}
    prev_meta = previous.summary() if previous is not None else {}
    award_results, award_keys = load_awards(root)
    awards = {r.slug: r.record for r in award_results if isinstance(r.record, Award)}
    rel_of = {display_path(path): rel for rel, (_, path, _) in files.items()}
    file_problems: dict[str, list[Issue]] = {rel_of.get(r.display, r.display): r.issues for r in award_results}
    keys_now = [list(kv) for kv in sorted(award_keys.items())]  # as the records file keeps them (JSON)
    awards_changed = prev_meta.get("award_keys") != keys_now or \
        prev_meta.get("awards") != sorted([a.slug, a.content_hash] for a in awards.values())
    reread_all = full or previous is None or prev_meta.get("award_keys") != keys_now
    cached_problems = _problems_by_rel(previous) if previous is not None and not reread_all else {}
    read: dict[str, FileResult] = {}
    links: dict[str, Links] = {}
    changed_files: list[str] = []
    for rel, (kind, path, stamp) in files.items():
        if kind != "innovation":
            continue
        before = prev_files.get(rel)
        if reread_all or before is None or before[1] != stamp or before[0] != kind or stamp == (-1, -1):
            result = read_innovation(Path(path), display_path(path), award_keys, root)
            read[rel] = result
            file_problems[rel] = result.issues
            if result.links is not None:
                links[rel] = result.links
            changed_files.append(rel)
        else:
            file_problems[rel] = cached_problems.get(rel, [])
            if before[3] is not None:
                links[rel] = Links.from_json(before[2], display_path(path), before[3])
    cross = cross_check(links.values())
    plan = Plan(root, files, full, awards, award_keys, read, links, file_problems, cross, previous,
                changed_files=changed_files, awards_changed=awards_changed)
    plan.removed_files = [rel for rel in prev_files if rel not in files]
    _decide(plan, previous)
    return plan


def _problems_by_rel(previous: RecordsFile) -> dict[str, list[Issue]]:
    found: dict[str, list[Issue]] = {}
    for rel, issue in previous.file_problems():
        found.setdefault(rel, []).append(issue)
    return found


def _decide(plan: Plan, previous: RecordsFile | None) -> None:
    """Which records to write, keep stale, or remove."""
    states = previous.states() if previous is not None else {}
    by_slug: dict[str, str] = {}
    for rel, entry in plan.links.items():
        by_slug.setdefault(entry.slug, rel)
    for rel, result in plan.read.items():  # files that cannot even be parsed have no links entry
        by_slug.setdefault(result.slug, rel)
    valid = plan.cross.valid
    for slug, rel in by_slug.items():
        before = states.get(slug)
        if slug in valid:
            links = plan.cross.resolved[slug]
            count = plan.cross.replication_count(slug)
            state = (count, links_json(links), False)
            if rel in plan.read:
                record = plan.read[rel].record
                assert isinstance(record, Innovation)
                plan.writes[slug] = Write(record, count, links, new=before is None)
            elif plan.full or before != state:
                if previous is None or before is None:
                    continue  # cannot happen: an unread file was published before
                record = previous.with_body(previous.get(slug))
                apply_links(record, links)
                plan.writes[slug] = Write(record, count, links)
        elif before is not None:
            plan.stale.add(slug)  # the newer version failed validation: keep serving the last good one
            if plan.full or not before[2]:
                record = previous.with_body(previous.get(slug))
                plan.writes[slug] = Write(record, before[0], _links_from_json(before[1]), stale=True)
    keep = valid | plan.stale
    plan.removed = sorted(slug for slug in states if slug not in keep)


def links_json(links: tuple[str | None, dict[int, str]]) -> str:
    """The resolved links of a record as the records file stores them (compared to find affected records)."""
    return json.dumps([links[0], {str(k): v for k, v in sorted(links[1].items())}])


def _links_from_json(text: str) -> tuple[str | None, dict[int, str]]:
    source, targets = json.loads(text)
    return source, {int(k): v for k, v in targets.items()}

