"""What the published generation holds that the next publish starts from: every content file's size, mtime,
link facts and problems, every record's state, the aliases, and the cross-file checks over all links.

`Published.load` reads it from a generation's records file (a cold start, `check`, `run.py index`): at
100 000 write-ups that takes seconds. The sync owner instead keeps the `Published` of the generation it
last published in memory (kb.publish.builder.Publisher) and changes it with each plan, so that an edit
costs work in proportion to what it affects. A plan changes it in place: when a publish fails, the owner
drops it and loads it again from the generation that is current.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.content.issues import Issue
from kb.content.loader import Links, display_path
from kb.publish.links import LinkGraph
from kb.publish.records import RecordsFile

Stamp = tuple[int, int]  # (size, mtime in ns): a cheap change detector
RecordState = tuple[int, str, bool]  # (replication count, resolved links as JSON, stale)


@dataclass(slots=True)
class FileFact:
    """What a generation keeps of one content file."""

    kind: str  # "innovation" or "award"
    stamp: Stamp
    slug: str  # the file name's stem
    links: Links | None  # innovations that could be parsed


@dataclass
class Published:
    """The state a plan compares the content folder with (see the module docstring)."""

    root: Path
    generation: str | None = None  # the generation folder this describes (None: not published yet)
    files: dict[str, FileFact] = field(default_factory=dict)  # rel path -> fact
    problems: dict[str, list[Issue]] = field(default_factory=dict)  # rel -> per-file problems
    records: dict[str, RecordState] = field(default_factory=dict)  # slug -> state of its published record
    aliases: dict[str, str] = field(default_factory=dict)  # the published alias table
    award_keys: list = field(default_factory=list)  # as the records file's meta keeps them
    awards: list = field(default_factory=list)  # [slug, content hash] of every award
    graph: LinkGraph = field(default_factory=LinkGraph)
    slug_files: dict[str, int] = field(default_factory=dict)  # innovation slug -> files of that name
    skipped: set[str] = field(default_factory=set)  # innovation rels that fail their own checks
    stale: set[str] = field(default_factory=set)  # records kept at their last good version
    award_rels: set[str] = field(default_factory=set)
    file_errors: int = 0
    file_warnings: int = 0
    _alias_slugs: dict[str, set[str]] = field(default_factory=dict)  # slug -> its published aliases

    @classmethod
    def load(cls, records: RecordsFile, root: Path) -> Published:
        """The state of the generation whose records file this is."""
        meta = records.summary()
        found = cls(root, records.path.parent.name, award_keys=meta.get("award_keys", []),
                    awards=meta.get("awards", []))
        shown = shower(root)
        for rel, (kind, stamp, slug, links) in records.files().items():
            entry = Links.from_json(slug, shown(rel), links) if links is not None else None
            found.set_file(rel, FileFact(kind, stamp, slug, entry))
        for rel, issue in records.file_problems():
            found.problems.setdefault(rel, []).append(issue)
            if issue.is_error:
                found.file_errors += 1
            else:
                found.file_warnings += 1
        for slug, state in records.states().items():
            found.set_record(slug, state)
        for alias, slug in records.aliases().items():
            found.set_alias(alias, slug)
        found.graph.build((rel, fact.links) for rel, fact in found.files.items() if fact.links is not None)
        return found

    def set_file(self, rel: str, fact: FileFact | None) -> None:
        """Record (or forget, with None) a content file's facts."""
        old = self.files.pop(rel, None)
        self.award_rels.discard(rel)
        if old is not None and old.kind == "innovation":
            left = self.slug_files.pop(old.slug, 1) - 1
            if left:
                self.slug_files[old.slug] = left
            self.skipped.discard(rel)
        if fact is None:
            return
        self.files[rel] = fact
        if fact.kind == "award":
            self.award_rels.add(rel)
        else:
            self.slug_files[fact.slug] = self.slug_files.get(fact.slug, 0) + 1
            if fact.links is None or not fact.links.ok:
                self.skipped.add(rel)

    def set_problems(self, rel: str, issues: list[Issue]) -> None:
        """A file's own problems now (none: forget them)."""
        for issue in self.problems.pop(rel, ()):
            if issue.is_error:
                self.file_errors -= 1
            else:
                self.file_warnings -= 1
        if issues:
            self.problems[rel] = issues
            errors = sum(1 for i in issues if i.is_error)
            self.file_errors += errors
            self.file_warnings += len(issues) - errors

    def set_alias(self, alias: str, slug: str | None) -> None:
        old = self.aliases.pop(alias, None)
        if old is not None:
            self._alias_slugs[old].discard(alias)
            if not self._alias_slugs[old]:
                del self._alias_slugs[old]
        if slug is not None:
            self.aliases[alias] = slug
            self._alias_slugs.setdefault(slug, set()).add(alias)

    def published_aliases_of(self, slug: str) -> set[str]:
        return set(self._alias_slugs.get(slug, ()))

    def set_record(self, slug: str, state: RecordState | None) -> None:
        """A published record's state now (None: no longer published)."""
        if state is None:
            self.records.pop(slug, None)
            self.stale.discard(slug)
            return
        self.records[slug] = state
        if state[2]:
            self.stale.add(slug)
        else:
            self.stale.discard(slug)

    def errors_and_warnings(self) -> tuple[int, int]:
        return self.file_errors + self.graph.errors, self.file_warnings + self.graph.warnings


def shower(root: Path) -> Callable[[str], str]:
    """rel path -> the path as messages show it (`display_path`, with the working folder looked up once)."""
    prefix = display_path(os.path.join(root, "x"))[:-1]
    return lambda rel: prefix + rel
