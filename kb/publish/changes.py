"""What changed in the content folder since the published generation, and what that means for each record.

A plan starts from `Published` (kb/publish/state.py): what the current generation holds. Only innovation
files whose size or modification time differ from it are read again. Which files to look at comes from a
scan of the whole folder (`scan`) or, in the sync owner, from the paths its file watcher reported
(`changed`; a periodic full scan catches anything a notification missed). The cross-file checks are then
updated on the compact link facts (kb/publish/links.py), which tells which other records an edit affects
(a replica's link changes its original's replication count), and only those records are decided again.
`check` uses the same plan without writing anything, so an unchanged 10 000-file folder is checked without
reading a file.
"""
from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kb.content.issues import Issue
from kb.content.loader import (
    AWARDS_DIR,
    INNOVATIONS_DIR,
    FileResult,
    Links,
    apply_links,
    display_path,
    load_awards,
    read_innovation,
    summary_line,
)
from kb.content.model import Award, Innovation
from kb.publish import prepare
from kb.publish.links import Resolved
from kb.publish.records import RecordsFile
from kb.publish.state import FileFact, Published, Stamp, shower
from kb.search import ahead

Found = tuple[str, str, Stamp]  # (kind, path, stamp) of a content file
# A full plan of this many files keeps the records it reads on disk until they are written (`Spill`): at
# 100 000 they took ~1.4 GB; at 10 000 keeping them in memory (~60 MB) is faster and within bounds.
SPILL_FROM = 20_000


def scan(root: Path, kinds: Iterable[str] = (AWARDS_DIR, INNOVATIONS_DIR)) -> dict[str, Found]:
    """rel path -> (kind, path, stamp) of every content file (awards first, then innovations, sorted), with
    the rules of `loader.iter_content_files` (hidden and `_draft` names skipped, links to folders not
    followed). Plain `os.scandir` and string paths: this runs over every file on every full scan."""
    found: dict[str, Found] = {}
    base = str(root)
    for sub in kinds:
        kind = "award" if sub == AWARDS_DIR else "innovation"
        for rel, stamp in _walk(os.path.join(base, sub), sub):
            found[rel] = (kind, os.path.join(base, rel), stamp)
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


def look_at(root: Path, rel: str) -> Found | None:
    """One innovation file as `scan` would list it, or None (gone, or not a content file): the sync owner
    looks only at the paths its watcher reported."""
    parts = rel.split("/")
    if len(parts) < 2 or parts[0] != INNOVATIONS_DIR or not parts[-1].endswith(".md") or \
            any(part.startswith((".", "_")) or not part for part in parts[1:]):
        return None
    base = str(root)
    for depth in range(2, len(parts)):  # every folder on the way must be a real one (links are not followed)
        folder = os.path.join(base, *parts[:depth])
        if os.path.islink(folder) or not os.path.isdir(folder):
            return None
    path = os.path.join(base, rel)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return ("innovation", path, (-1, -1)) if os.path.islink(path) else None  # a dangling link is listed
    except OSError:
        return "innovation", path, (-1, -1)
    if os.path.isdir(path):
        return None
    return "innovation", path, (st.st_size, st.st_mtime_ns)


def relative(root: Path, path: str) -> str | None:
    """A path the watcher reported, relative to the content folder (None: outside it)."""
    rel = os.path.relpath(path, root)
    return None if rel.startswith("..") or os.path.isabs(rel) else rel.replace(os.sep, "/")


@dataclass
class Write:
    """One record to (re)write in the new generation."""

    load: Callable[[], Innovation]  # the record with its body, made when it is written
    replications: int
    links: Resolved
    stale: bool = False
    new: bool = False  # no record under this slug before


@dataclass
class FileWrite:
    """A content file's facts and own problems to (re)write."""

    fact: FileFact
    problems: list[Issue]


class Spill:
    """Records read by a full plan, pickled to a temporary file until they are written: 100 000 records with
    their bodies would otherwise stay in memory until the first is written (~1.4 GB)."""

    def __init__(self, folder: Path) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile(dir=folder, prefix=".spill-")
        self.at: dict[str, tuple[int, int]] = {}
        self._end = 0

    def put(self, rel: str, innovation: Innovation) -> None:
        data = pickle.dumps(innovation, pickle.HIGHEST_PROTOCOL)
        self.file.seek(self._end)
        self.file.write(data)
        self.at[rel] = (self._end, len(data))
        self._end += len(data)

    def get(self, rel: str) -> Innovation:
        offset, size = self.at[rel]
        self.file.seek(offset)
        return pickle.loads(self.file.read(size))  # noqa: S301 - our own file, written above

    def close(self) -> None:
        self.file.close()


@dataclass
class Plan:
    """The content folder compared with the published generation: problems, and what to write."""

    root: Path
    state: Published  # what the new generation will hold (the plan changed it in place)
    full: bool
    awards: dict[str, Award]
    award_keys: dict[str, str]
    previous: RecordsFile | None
    read: dict[str, FileResult] = field(default_factory=dict)  # innovation files read now, by rel path
    writes: dict[str, Write] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    newly_stale: set[str] = field(default_factory=set)  # records this plan starts keeping at their last version
    file_writes: dict[str, FileWrite] = field(default_factory=dict)
    removed_files: list[str] = field(default_factory=list)
    alias_changes: dict[str, str | None] | None = None  # None: write every alias (a full plan)
    awards_changed: bool = False
    spill: Spill | None = None
    helper: ahead.Helper | None = None  # a full build's helper process (kb/publish/prepare.py)
    keep_records: bool = True  # False: `check`, which writes nothing
    affected: set[str] = field(default_factory=set)  # slugs whose record may change
    touched: set[str] = field(default_factory=set)  # names (slugs, aliases) whose holders changed
    _records: dict[str, Innovation] = field(default_factory=dict, repr=False)  # read records, when not spilled
    _issues: list[Issue] | None = field(default=None, repr=False)

    @property
    def has_changes(self) -> bool:
        innovation_files = any(w.fact.kind == "innovation" for w in self.file_writes.values())
        return bool(self.full or self.writes or self.removed or innovation_files or self.removed_files
                    or self.awards_changed or self.alias_changes)

    @property
    def stale(self) -> set[str]:
        return self.state.stale

    @property
    def published(self) -> int:
        """Records the new generation serves: valid ones and stale ones kept at their last good version."""
        return len(self.state.graph.valid) + len(self.state.stale)

    @property
    def skipped(self) -> int:
        """Innovation files that fail their own checks."""
        return len(self.state.skipped)

    def issues(self) -> list[Issue]:
        """Every problem, per-file and cross-file, sorted by path and line, paths as messages show them."""
        if self._issues is None:
            self._issues = self._collect_issues()
        return self._issues

    def _collect_issues(self) -> list[Issue]:
        out: list[Issue] = []
        shown = shower(self.root)
        for rel, found in self.state.problems.items():
            path = shown(rel)
            out.extend(i if i.path == path else Issue(path, i.line, i.field, i.message, i.severity) for i in found)
        for found in self.state.graph.issues.values():
            out.extend(found)
        out.sort(key=lambda i: (i.path, i.line or 0))
        return out

    def summary_line(self) -> str:
        errors, warnings = self.state.errors_and_warnings()
        return summary_line(len(self.state.files), len(self.state.graph.valid), len(self.awards), errors, warnings)

    def _keep(self, rel: str, result: FileResult) -> None:
        """A read file's record, until it is written (spilled to disk in a full plan)."""
        if isinstance(result.record, Innovation) and self.keep_records:
            if self.spill is not None:
                self.spill.put(rel, result.record)
            else:
                self._records[rel] = result.record
            result.record = None
        self.read[rel] = result

    def _read_record(self, rel: str, links: Resolved) -> Innovation:
        record = self.spill.get(rel) if self.spill is not None else self._records.pop(rel)
        apply_links(record, links)
        return record

    def _previous_record(self, slug: str, links: Resolved) -> Innovation:
        assert self.previous is not None
        record = self.previous.get(slug)
        assert record is not None, f"{slug} is not in the published records"
        self.previous.with_body(record)
        apply_links(record, links)
        return record

    def close(self) -> None:
        if self.spill is not None:
            self.spill.close()
            self.spill = None
        if self.helper is not None:
            self.helper.close()
            self.helper = None


def make_plan(root: Path | str, known: Published | None, full: bool = False,
              changed: Iterable[str] | None = None, previous: RecordsFile | None = None,
              spill: Path | None = None, keep_records: bool = True, spill_from: int = SPILL_FROM) -> Plan:
    """Compare the folder with `known` (the published generation's state, or None) and decide every
    affected record's fate; `known` becomes the new generation's state (`plan.state`).

    `changed`: the only innovation paths (relative to `root`) that can have changed, or None to scan the
    folder. `full`: read every file (a rebuild); records whose file is broken still keep their last good
    version from `previous`, the published records, which also gives the records an edit affects without
    changing their files. `spill`: a folder where a full plan of `spill_from` files or more keeps the records
    it read until they are written; `keep_records` False: keep none (nothing will be written)."""
    root = Path(root)
    shown = shower(root)
    award_results, award_keys = load_awards(root)
    awards = {r.slug: r.record for r in award_results if isinstance(r.record, Award)}
    keys_now = [list(kv) for kv in sorted(award_keys.items())]  # as the records file keeps them (JSON)
    awards_now = sorted([a.slug, a.content_hash] for a in awards.values())
    old = known if known is not None else Published(root)
    full = full or known is None
    reread_all = full or old.award_keys != keys_now  # award names are checked in every innovation file
    state = Published(root, old.generation) if full else old
    plan = Plan(root, state, full, awards, award_keys, previous, keep_records=keep_records,
                awards_changed=old.award_keys != keys_now or old.awards != awards_now)
    try:
        _plan_files(plan, old, award_results, changed if not reread_all else None, reread_all, shown,
                    spill if spill is not None and plan.full and keep_records else None, spill_from)
        state.award_keys, state.awards = keys_now, awards_now
        _decide(plan, old)
    except BaseException:
        plan.close()
        raise
    return plan


def _plan_files(plan: Plan, old: Published, award_results: list[FileResult], changed: Iterable[str] | None,
                reread_all: bool, shown: Callable[[str], str], spill: Path | None, spill_from: int) -> None:
    """Read what changed; bring the state's files, problems and cross-file checks up to date."""
    root, state = plan.root, plan.state
    awards_found = scan(root, (AWARDS_DIR,))
    rel_of = {display_path(path): rel for rel, (_, path, _) in awards_found.items()}
    for rel in [rel for rel in state.award_rels if rel not in awards_found]:
        _forget(plan, rel)
    for result in award_results:
        rel = rel_of.get(result.display, result.display)
        kind, path, stamp = awards_found.get(rel, ("award", "", (-1, -1)))
        fact = FileFact("award", stamp, Path(path).stem if path else result.slug, None)
        plan.file_writes[rel] = FileWrite(fact, result.issues)  # award facts are written every time: few
        state.set_file(rel, fact)
        state.set_problems(rel, result.issues)
    if changed is None:
        seen = scan(root, (INNOVATIONS_DIR,))
        gone = [rel for rel, fact in old.files.items() if fact.kind == "innovation" and rel not in seen]
    else:
        seen, gone = {}, []
        for rel in sorted(set(changed)):
            found = look_at(root, rel)
            if found is not None:
                seen[rel] = found
            elif rel in old.files and old.files[rel].kind == "innovation":
                gone.append(rel)
    if spill is not None and len(seen) >= spill_from:
        plan.spill = Spill(spill)
    link_changes: dict[str, Links | None] = {}
    to_read = []
    for rel, (kind, path, stamp) in seen.items():
        before = old.files.get(rel)
        if reread_all or before is None or before.stamp != stamp or before.kind != kind or stamp == (-1, -1):
            to_read.append((rel, path, shown(rel)))
    if plan.full and plan.keep_records and len(to_read) >= prepare.HELPER_FROM:
        plan.helper = prepare.start(plan.award_keys, root)  # reads part of the files now, prepares records later
    results = prepare.read_all(plan.helper, to_read,
                               lambda path, display: read_innovation(Path(path), display, plan.award_keys, root))
    for number, result in results:
        rel = to_read[number][0]
        kind, path, stamp = seen[rel]
        before = old.files.get(rel)
        plan._keep(rel, result)
        fact = FileFact("innovation", stamp, os.path.splitext(os.path.basename(rel))[0], result.links)
        plan.file_writes[rel] = FileWrite(fact, result.issues)
        if before is None or before.links != result.links or plan.full:
            link_changes[rel] = result.links
        state.set_file(rel, fact)
        state.set_problems(rel, result.issues)
    for rel in gone:
        link_changes[rel] = None
        _forget(plan, rel)
    if plan.full:
        state.graph.build((rel, entry) for rel, entry in link_changes.items() if entry is not None)
        plan.affected = set(state.graph.resolved)
        plan.touched = set()
    else:
        plan.affected, plan.touched = state.graph.update(link_changes)
    plan.affected |= {os.path.splitext(os.path.basename(rel))[0] for rel in plan.read}
    plan.affected |= {os.path.splitext(os.path.basename(rel))[0] for rel in gone}


def _forget(plan: Plan, rel: str) -> None:
    plan.removed_files.append(rel)
    plan.file_writes.pop(rel, None)
    plan.state.set_file(rel, None)
    plan.state.set_problems(rel, [])


def _decide(plan: Plan, old: Published) -> None:
    """Which records to write, keep at their last good version, or remove; and the aliases that change."""
    state, graph = plan.state, plan.state.graph
    slugs = plan.affected | set(old.records) if plan.full else plan.affected
    for slug in sorted(slugs):
        before = old.records.get(slug)
        if slug in graph.valid:
            links = graph.resolved[slug]
            count = graph.counts[slug]
            now = (count, links_json(links), False)
            rel = graph.holder(slug)
            if rel not in plan.read and (before is None or before[2]):
                # An unchanged file whose record is missing or stale (a link it makes now resolves): the
                # record must be the file as it is.
                result = read_innovation(Path(plan.root / rel), graph.entries[rel].path, plan.award_keys, plan.root)
                if result.links != graph.entries[rel]:
                    continue  # the file changed since it was looked at: the watcher reports it again
                plan._keep(rel, result)
            if rel in plan.read:
                plan.writes[slug] = Write(lambda rel=rel, links=links: plan._read_record(rel, links), count, links,
                                          new=before is None)
            elif plan.full or before != now:
                plan.writes[slug] = Write(lambda slug=slug, links=links: plan._previous_record(slug, links), count,
                                          links)
            state.set_record(slug, now)
        elif before is not None and slug in state.slug_files:
            # The newer version failed validation: keep serving the last good one.
            now = (before[0], before[1], True)
            if plan.full or not before[2]:
                links = _links_from_json(before[1])
                plan.writes[slug] = Write(lambda slug=slug, links=links: plan._previous_record(slug, links),
                                          before[0], links, stale=True)
                if not before[2]:
                    plan.newly_stale.add(slug)
            state.set_record(slug, now)
        else:
            if before is not None:
                plan.removed.append(slug)
            state.set_record(slug, None)
    _decide_aliases(plan, old, slugs)


def _decide_aliases(plan: Plan, old: Published, slugs: set[str]) -> None:
    """The alias table: every alias that leads to a valid record, and a stale record's former aliases."""
    state, graph = plan.state, plan.state.graph
    if plan.full:
        for alias, slug in graph.aliases().items():
            state.set_alias(alias, slug)
        for alias, slug in old.aliases.items():
            if slug in state.stale and alias not in state.aliases and alias not in graph.valid:
                state.set_alias(alias, slug)
        return
    candidates = set(plan.touched) | slugs
    for slug in slugs:
        candidates |= graph.aliases_of(slug) | state.published_aliases_of(slug)
    changes: dict[str, str | None] = {}
    for alias in sorted(candidates):
        now = graph.alias_target(alias)
        before = state.aliases.get(alias)
        if now is None and before is not None and before in state.stale and alias not in graph.valid:
            now = before
        if now != before:
            changes[alias] = now
    for alias, slug in changes.items():
        state.set_alias(alias, slug)
    plan.alias_changes = changes


def links_json(links: Resolved) -> str:
    """The resolved links of a record as the records file stores them (compared to find affected records)."""
    return json.dumps([links[0], {str(k): v for k, v in sorted(links[1].items())}])


def _links_from_json(text: str) -> Resolved:
    source, targets = json.loads(text)
    return source, {int(k): v for k, v in targets.items()}
