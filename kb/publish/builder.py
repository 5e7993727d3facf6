"""Publishing: the content folder becomes a new index generation (search index, spelling vocabulary and
records, from one snapshot of the folder) which then replaces the current one in one atomic step.

Every publish makes a new generation folder. An incremental one starts from hard links to the current
generation's Whoosh files and writes only the records the plan names: into an overlay over the current
full records file (linked, never written; kb/publish/records.py), or, once the overlay has grown, into a
compacted full copy. A full one starts empty. Nothing is published until the folder is complete, so
readers see the old generation or the new one, never a mix; a failed or killed publish leaves an
unpublished folder that the next one removes. One process publishes at a time (`store.write_lock`).

`Publisher` keeps what the current generation holds in memory between publishes (kb/publish/state.py):
the sync owner's next publish then starts from memory and from the paths its watcher reported, instead of
loading that state from the records file and scanning every file.
"""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kb import memory
from kb.content.model import Innovation
from kb.publish import prepare, records
from kb.publish.changes import SPILL_FROM, Plan, Write, links_json, make_plan
from kb.publish.state import Published
from kb.search import indexer, store
from kb.search.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# An overlay is compacted into a new full records file once it replaces this share of the base's records
# (and at least COMPACT_MIN): reading through it stays as fast as reading a full file.
COMPACT_SHARE = 0.05
COMPACT_MIN = 500


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
    scanned: bool = True  # every file's size and mtime compared (False: only the paths the watcher reported)
    records: str = ""  # how the records file was written: "full", "overlay" or "compacted"

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


def check(content_dir: Path | str, index_dir: Path | str) -> Plan:
    """`check`: every problem of the content folder, files unchanged since the published generation not
    read again (their problems are kept with it)."""
    content_dir, index_dir = Path(content_dir), Path(index_dir)
    previous = previous_records(index_dir, content_dir)
    try:
        known = Published.load(previous, content_dir) if previous is not None else None
        return make_plan(content_dir, known, keep_records=False)
    finally:
        if previous is not None:
            previous.close()


def publish(content_dir: Path | str, index_dir: Path | str, rebuild: bool = False,
            progress: Progress | None = None) -> PublishReport:
    """Bring the index up to date with the content folder: a new generation when anything changed."""
    return Publisher(content_dir, index_dir).publish(rebuild=rebuild, progress=progress)


class Publisher:
    """Publishes one content folder into one index folder, keeping the current generation's state between
    publishes (see the module docstring)."""

    def __init__(self, content_dir: Path | str, index_dir: Path | str, overlay_limit: int | None = None,
                 spill_from: int = SPILL_FROM) -> None:
        """`overlay_limit`: records an overlay may replace before it is compacted (default: COMPACT_SHARE of
        the base, at least COMPACT_MIN). `spill_from`: files from which a full build keeps the records it
        read on disk until they are written (kb.publish.changes.Spill)."""
        self.content_dir = Path(content_dir)
        self.index_dir = Path(index_dir)
        self.overlay_limit = overlay_limit
        self.spill_from = spill_from
        self._known: Published | None = None

    @property
    def state(self) -> Published | None:
        """What the current generation holds, as kept since this publisher's last publish (None: none yet)."""
        return self._known

    def publish(self, rebuild: bool = False, changed: Iterable[str] | None = None,
                progress: Progress | None = None) -> PublishReport:
        """Publish what changed. `changed`: the only paths (relative to the content folder) that can have
        changed since the last publish by this publisher, or None to compare every file."""
        content_dir, index_dir = self.content_dir, self.index_dir
        if not (content_dir / "innovations").is_dir():
            # An empty generation would unpublish every page: a wrong path or a missing volume must not do that.
            raise ContentMissing(f"{content_dir}: no innovations/ folder here; nothing published")
        started = time.perf_counter()
        known, self._known = self._known, None  # kept again only once this publish has succeeded
        with store.write_lock(index_dir):
            for name in store.remove_abandoned(index_dir):
                log.warning("removed %s: an index build that did not finish", name)
            previous = previous_records(index_dir, content_dir)
            try:
                if previous is None or known is None or known.generation != previous.path.parent.name:
                    # A cold start, or someone else published (`run.py index`): start from the current generation.
                    known = Published.load(previous, content_dir) if previous is not None else None
                    changed = None
                plan = make_plan(content_dir, known, full=rebuild or known is None,
                                 changed=None if rebuild else changed, previous=previous, spill=index_dir,
                                 spill_from=self.spill_from)
                try:
                    if not plan.has_changes:
                        self._known = plan.state
                        return PublishReport("unchanged", plan.published, 0, 0, 0, len(plan.stale), plan.skipped,
                                             time.perf_counter() - started, plan.summary_line(), len(plan.read),
                                             scanned=changed is None)
                    gen, how = _build(plan, index_dir, previous, progress, self.overlay_limit)
                finally:
                    plan.close()
            finally:
                if previous is not None:
                    previous.close()
            _log_problems(plan)
            store.publish(index_dir, gen)
            plan.state.generation = gen.name
            self._known = plan.state
        memory.trim()
        added = sum(1 for w in plan.writes.values() if w.new and not w.stale)
        changed_records = sum(1 for w in plan.writes.values() if not w.new and not w.stale)
        return PublishReport("full" if plan.full else "incremental", plan.published, added, changed_records,
                             len(plan.removed), len(plan.stale), plan.skipped, time.perf_counter() - started,
                             plan.summary_line(), len(plan.read), gen.name, scanned=changed is None, records=how)


def _log_problems(plan: Plan) -> None:
    """The log names what this publish found: errors in the files it read, and records newly kept at their
    last good version (`check` lists every problem; unchanged files are not logged again)."""
    state, graph = plan.state, plan.state.graph
    rels = list(plan.read) + [graph.holder(slug) for slug in sorted(plan.newly_stale) if slug in graph.resolved]
    for rel in dict.fromkeys(rels):
        for issue in [*state.problems.get(rel, ()), *graph.issues.get(rel, ())]:
            if issue.is_error:
                log.warning("%s", issue)
    for slug in sorted(plan.newly_stale):
        log.warning("%s: the newer version has errors; serving its last good version", slug)


def _build(plan: Plan, index_dir: Path, previous: records.RecordsFile | None, progress: Progress | None,
           overlay_limit: int | None) -> tuple[Path, str]:
    """Write the new generation folder (not yet published); returns it and how its records were written."""
    gen = store.new_generation(index_dir)
    try:
        path = gen / records.FILENAME
        if plan.full:
            ix = indexer.create(gen)
            rw, how = records.RecordsWriter.new(path), "full"
        else:
            assert previous is not None
            ix = indexer.link_from(previous.path.parent, gen)
            replaced, base = previous.overlay_size()
            limit = overlay_limit if overlay_limit is not None else max(COMPACT_MIN, int(base * COMPACT_SHARE))
            if replaced + len(plan.writes) + len(plan.removed) > limit:
                rw, how = records.RecordsWriter.compacted(path, previous), "compacted"
            else:
                rw, how = records.RecordsWriter.overlay(path, previous), "overlay"
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
    return gen, how


def _write(plan: Plan, ix, rw: records.RecordsWriter, progress: Progress | None) -> None:  # noqa: ANN001
    """Every planned record into the index and the records file. A full build fills a new, empty index
    with the bulk writer (kb/search/bulk.py); an incremental one updates documents with Whoosh's own."""
    writer = indexer.bulk_writer(ix, plan.helper) if plan.full else ix.writer(limitmb=indexer.WRITER_LIMIT_MB)
    try:
        for slug in plan.removed:
            writer.delete_by_term("slug", slug)
            rw.remove(slug)
        total = len(plan.writes)
        if plan.full:  # with the helper that read part of the files, if the plan started one
            for number, (write, innovation, (plain, background, postings)) in enumerate(
                    prepare.prepare_all(plan.helper, _records(plan, rw)), 1):
                writer.add_document(**indexer.to_document(innovation, write.replications, plain, background),
                                    _postings=postings)
                if progress:
                    progress(number, total)
        else:
            for number, (slug, write) in enumerate(sorted(plan.writes.items()), 1):
                innovation = write.load()
                if not write.stale:  # a stale record keeps the document it had
                    writer.update_document(**indexer.to_document(innovation, write.replications))
                rw.put(innovation, write.replications, links_json(write.links), write.stale)
                if progress:
                    progress(number, total)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _write_facts(plan, rw)


def _records(plan: Plan, rw: records.RecordsWriter) -> Iterator[tuple[Write, Innovation]]:
    """The planned records of a full build in order, each written to the records file on the way."""
    for _, write in sorted(plan.writes.items()):
        innovation = write.load()
        rw.put(innovation, write.replications, links_json(write.links), write.stale)
        yield write, innovation


def _write_facts(plan: Plan, rw: records.RecordsWriter) -> None:
    """Files, problems, awards, aliases and the summary: what the next publish and `check` start from."""
    state = plan.state
    for rel in plan.removed_files:
        rw.remove_file(rel)
    for rel, change in plan.file_writes.items():
        fact = change.fact
        rw.put_file(rel, fact.kind, fact.stamp, fact.slug, fact.links.to_json() if fact.links is not None else None,
                    change.problems)
    rw.set_cross_problems(state.graph.issues)
    rw.set_awards(plan.awards.values())
    if plan.alias_changes is None:
        rw.set_aliases(state.aliases)
    else:
        rw.change_aliases(plan.alias_changes)
    errors, warnings = state.errors_and_warnings()
    rw.set_meta({"content_root": str(plan.root.resolve()), "files": len(state.files), "errors": errors,
                 "warnings": warnings, "summary": plan.summary_line(), "award_keys": state.award_keys,
                 "awards": state.awards,
                 "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")})
