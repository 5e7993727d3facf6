"""Publishing: the content folder becomes a new index generation (search index, spelling vocabulary and
records, from one snapshot of the folder) which then replaces the current one in one atomic step.

Every publish makes a new generation folder. An incremental one starts from hard links to the current
generation's Whoosh files and a copy of its records file, then writes only the records the plan names;
a full one starts empty. Nothing is published until the folder is complete, so readers see the old
generation or the new one, never a mix; a failed or killed publish leaves an unpublished folder that the
next one removes. One process publishes at a time (`store.write_lock`).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb import memory
from kb.publish import records
from kb.publish.changes import Plan, links_json, make_plan
from kb.search import indexer, store
from kb.search.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class ContentMissing(Exception):
    """The content folder (or its innovations/ folder) does not exist."""


@dataclass(frozen=True)
class PublishReport:
    """What one publish did."""

    mode: str  # "full", "incremental" or "unchanged"
    documents: int  # records served by the (new) current generation
    added: int
    changed: int
    deleted: int
    stale: int  # records kept at their last good version because the file's newer version has errors
    skipped_files: int  # innovation files with errors
    seconds: float
    summary: str  # the load summary (files checked, errors, warnings)
    files_read: int = 0  # innovation files read (the others were known from the published generation)
    generation: str | None = None

    def summary_line(self) -> str:
        what = {"full": "full rebuild", "incremental": "incremental update", "unchanged": "index up to date"}
        detail = (f", {self.added} added, {self.changed} changed, {self.deleted} deleted"
                  if self.mode == "incremental" else "")
        kept = f", {self.stale} kept at their last good version" if self.stale else ""
        return (f"{what[self.mode]}: {self.documents} documents{detail}, {self.skipped_files} files skipped"
                f"{kept}, {self.seconds:.2f} s")


def previous_records(index_dir: Path, content_dir: Path) -> records.RecordsFile | None:
    """The records of the current generation, if this code wrote them for this content folder."""
    gen = store.current_generation(index_dir)
    if gen is None or store.read_manifest(gen).get("schema_version") != SCHEMA_VERSION:
        return None
    path = gen / records.FILENAME
    if not records.readable(path):
        return None
    found = records.RecordsFile(path)
    if found.summary().get("content_root") != str(content_dir.resolve()):
        found.close()
        return None
    return found


def publish(content_dir: Path | str, index_dir: Path | str, rebuild: bool = False,
            progress: Progress | None = None) -> PublishReport:
    """Bring the index up to date with the content folder: a new generation when anything changed."""
    content_dir, index_dir = Path(content_dir), Path(index_dir)
    if not (content_dir / "innovations").is_dir():
        # An empty generation would unpublish every page: a wrong path or a missing volume must not do that.
        raise ContentMissing(f"{content_dir}: no innovations/ folder here; nothing published")
    started = time.perf_counter()
    with store.write_lock(index_dir):
        for name in store.remove_abandoned(index_dir):
            log.warning("removed %s: an index build that did not finish", name)
        previous = previous_records(index_dir, content_dir)
        try:
            plan = make_plan(content_dir, previous, full=rebuild or previous is None)
            skipped = sum(1 for rel, r in plan.read.items() if r.record is None) + \
                sum(1 for rel, l in plan.links.items() if rel not in plan.read and not l.ok)
            if not plan.has_changes:
                return PublishReport("unchanged", len(plan.published()), 0, 0, 0, len(plan.stale), skipped,
                                     time.perf_counter() - started, plan.summary_line(), len(plan.read))
            gen = _build(plan, index_dir, previous, progress)
        finally:
            if previous is not None:
                previous.close()
        # The log names what this publish found: errors in the files it read, and records newly kept at
        # their last good version (`check` lists every problem; unchanged files are not logged again).
        newly_stale = {slug for slug, write in plan.writes.items() if write.stale}
        fresh = {r.display for r in plan.read.values()} | \
            {entry.path for entry in plan.links.values() if entry.slug in newly_stale}
        for issue in plan.issues():
            if issue.is_error and issue.path in fresh:
                log.warning("%s", issue)
        for slug in sorted(newly_stale):
            log.warning("%s: the newer version has errors; serving its last good version", slug)
        store.publish(index_dir, gen)
    memory.trim()
    added = sum(1 for w in plan.writes.values() if w.new and not w.stale)
    changed = sum(1 for w in plan.writes.values() if not w.new and not w.stale)
    return PublishReport("full" if plan.full else "incremental", len(plan.published()), added,
                         changed, len(plan.removed), len(plan.stale), skipped,
                         time.perf_counter() - started, plan.summary_line(), len(plan.read), gen.name)


def _build(plan: Plan, index_dir: Path, previous: records.RecordsFile | None, progress: Progress | None) -> Path:
    """Write the new generation folder (not yet published) and return it."""
    gen = store.new_generation(index_dir)
    try:
        if plan.full:
            ix = indexer.create(gen)
            rw = records.RecordsWriter(gen / records.FILENAME)
        else:
            assert previous is not None
            ix = indexer.link_from(previous.path.parent, gen)
            rw = records.RecordsWriter(gen / records.FILENAME, base=previous.path)
        try:
            _write(plan, ix, rw, progress)
        except BaseException:
            rw.cancel()
            raise
        rw.commit()
        indexer.write_spelling(ix, gen)
        ix.close()
        store.write_manifest(gen, {"schema_version": SCHEMA_VERSION,
                                   "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")})
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen


def _write(plan: Plan, ix, rw: records.RecordsWriter, progress: Progress | None) -> None:  # noqa: ANN001
    """Every planned record into the index and the records file. A full build fills a new, empty index
    with the bulk writer (kb/search/bulk.py); an incremental one updates documents with Whoosh's own."""
    writer = indexer.bulk_writer(ix, len(plan.writes)) if plan.full else ix.writer(limitmb=indexer.WRITER_LIMIT_MB)
    try:
        for slug in plan.removed:
            writer.delete_by_term("slug", slug)
            rw.remove(slug)
        total = len(plan.writes)
        for number, (slug, write) in enumerate(sorted(plan.writes.items()), 1):
            if not write.stale:  # a stale record keeps the document it had
                document = indexer.to_document(write.innovation, write.replications)
                if plan.full:
                    writer.add_document(**document)
                else:
                    writer.update_document(**document)
            elif plan.full:
                writer.add_document(**indexer.to_document(write.innovation, write.replications))
            rw.put(write.innovation, write.replications, links_json(write.links), write.stale)
            write.innovation.body = ""  # done with it: keep memory flat during a full build
            if progress:
                progress(number, total)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _write_facts(plan, rw)


def _write_facts(plan: Plan, rw: records.RecordsWriter) -> None:
    """Files, problems, awards, aliases and the summary: what the next publish and `check` start from."""
    rels = list(plan.files) if plan.full or plan.previous is None else \
        plan.changed_files + [rel for rel, (kind, _, _) in plan.files.items() if kind == "award"]
    for rel in plan.removed_files:
        rw.remove_file(rel)
    for rel in rels:
        kind, path, stamp = plan.files[rel]
        entry = plan.links.get(rel)
        rw.put_file(rel, kind, stamp, path.stem, entry.to_json() if entry is not None else None)
        rw.set_problems(rel, "file", plan.file_problems.get(rel, []))
    rw.clear_problems("cross")
    rel_of = {os.path.abspath(path): rel for rel, (_, path, _) in plan.files.items()}
    for shown, found in plan.cross.issues.items():
        rw.set_problems(rel_of.get(os.path.abspath(shown), shown), "cross", found)
    rw.set_awards(plan.awards.values())
    aliases = dict(plan.cross.aliases)
    if plan.previous is not None:  # a record kept at its last good version keeps its former slugs too
        for alias, slug in plan.previous.aliases().items():
            if slug in plan.stale and alias not in aliases and alias not in plan.cross.valid:
                aliases[alias] = slug
    rw.set_aliases(aliases)
    issues = plan.issues()
    errors = sum(i.is_error for i in issues)
    rw.set_meta({"content_root": str(plan.root.resolve()), "files": len(plan.files), "errors": errors,
                 "warnings": len(issues) - errors, "summary": plan.summary_line(),
                 "award_keys": [list(kv) for kv in sorted(plan.award_keys.items())],
                 "awards": sorted([a.slug, a.content_hash] for a in plan.awards.values()),
                 "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")})
