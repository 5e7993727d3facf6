"""Build the index from a catalogue: full rebuilds (atomic) and incremental updates (by fingerprint)."""
from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from kb.content import regions, vocab
from kb.content.fields import facet_values
from kb.content.loader import Catalogue
from kb.content.model import Innovation
from kb.content.records import FILENAME as RECORDS_FILE
from kb.content.records import readable as records_readable
from kb.content.records import write_records
from kb.content.render import index_text
from kb.search import store
from kb.search.schema import SCHEMA_VERSION, get_schema

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
WRITER_LIMIT_MB = 512  # a bigger buffer means fewer segment merges: the main lever on build speed
WRITER_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class IndexReport:
    """What one indexing run did."""

    mode: str  # "full", "incremental" or "unchanged"
    documents: int
    added: int
    changed: int
    deleted: int
    skipped_files: int
    seconds: float

    def summary_line(self) -> str:
        what = {"full": "full rebuild", "incremental": "incremental update", "unchanged": "index up to date"}
        detail = (f", {self.added} added, {self.changed} changed, {self.deleted} deleted"
                  if self.mode == "incremental" else "")
        return (f"{what[self.mode]}: {self.documents} documents{detail}, {self.skipped_files} files skipped, "
                f"{self.seconds:.2f} s")


def fingerprint(innovation: Innovation, catalogue: Catalogue) -> str:
    """Changes whenever anything the index or the records store for this innovation changes, incl.
    cross-file data (replication counts, links resolved through aliases)."""
    links = [innovation.replicated_from or ""] + [r.innovation or "" for r in innovation.replications]
    derived = [innovation.content_hash, os.path.abspath(innovation.path), str(catalogue.replication_count(innovation)),
               innovation.region_code or "", ",".join(a.award for a in innovation.awards), ",".join(links),
               str(SCHEMA_VERSION)]
    return hashlib.sha1("\x1f".join(derived).encode()).hexdigest()


def to_document(innovation: Innovation, catalogue: Catalogue, stamp: str | None = None) -> dict[str, Any]:
    """The Whoosh document for one innovation (`stamp`: its fingerprint, if already computed)."""
    replications = catalogue.replication_count(innovation)
    names = [innovation.title, innovation.full_name or ""]
    places = [innovation.region]
    province = regions.get_region(innovation.province_code) if innovation.province_code else None
    if province is not None and province.code != innovation.region_code:
        places.append(province.display_name)
    places += [r.region for r in innovation.replications]
    meta = {
        "region": innovation.region,
        "sectors": innovation.sectors,
        "awards": [{"award": a.award, "year": a.year, "rank": a.rank} for a in innovation.awards],
        "language": innovation.language,
        "full_name": innovation.full_name,
    }
    plain = index_text(innovation.load_body())
    # Sector labels are words people search for ("kesehatan", "pangan"): indexed with summary and tags.
    labels = [label for s in innovation.sectors for label in vocab.sectors().get(s, ())]
    return {
        "slug": innovation.slug,
        "content_hash": stamp or fingerprint(innovation, catalogue),
        "title": innovation.title,
        "summary": innovation.summary,
        "plain": plain,
        "name": "\n".join(n for n in names if n),
        "about": "\n".join([innovation.summary, " ".join(innovation.tags), " ".join(labels)]),
        "body": innovation.agency + "\n" + plain,
        "exact": "\n".join(names + [innovation.summary, " ".join(innovation.tags), innovation.slug]),
        "place": "\n".join(places),
        "complete": " ".join(n for n in names if n),
        "title_sort": innovation.title.lower(),
        "year": innovation.year,
        "replications": replications,
        "facet": ",".join(f"{name}={value}" for name, values in facet_values(innovation).items() for value in values),
        "meta": meta,
    }


def update_index(catalogue: Catalogue, index_dir: Path | str, rebuild: bool = False,
                 progress: Progress | None = None) -> IndexReport:
    """Re-index what changed (or everything, with `rebuild`); one writer at a time."""
    index_dir = Path(index_dir)
    started = time.perf_counter()
    with store.write_lock(index_dir):
        for name in store.remove_abandoned(index_dir):
            log.warning("removed %s: an index build that did not finish", name)
        gen = store.current_generation(index_dir)
        manifest = store.read_manifest(gen) if gen else {}
        if rebuild or gen is None or manifest.get("schema_version") != SCHEMA_VERSION:
            if gen is not None and not rebuild:
                log.info("index schema %s != %s: rebuilding", manifest.get("schema_version"), SCHEMA_VERSION)
            count = _full_build(catalogue, index_dir, progress)
            return IndexReport("full", count, count, 0, 0, len(catalogue.errors_by_file()), _since(started))
        return _incremental(catalogue, gen, manifest, started, progress)


def _full_build(catalogue: Catalogue, index_dir: Path, progress: Progress | None) -> int:
    gen = store.new_generation(index_dir)
    ix = whoosh_index.create_in(str(gen), get_schema())
    writer = ix.writer(limitmb=WRITER_LIMIT_MB)
    docs: dict[str, str] = {}
    total = len(catalogue.innovations)
    try:
        for number, innovation in enumerate(catalogue.innovations.values(), 1):
            document = to_document(innovation, catalogue)
            writer.add_document(**document)
            docs[innovation.slug] = document["content_hash"]
            if progress:
                progress(number, total)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    write_records(catalogue, gen / RECORDS_FILE)  # pages read these: published together with the index
    store.write_manifest(gen, {"schema_version": SCHEMA_VERSION, "docs": docs})
    store.publish(index_dir, gen)
    return total


def _incremental(catalogue: Catalogue, gen: Path, manifest: dict[str, Any], started: float,
                 progress: Progress | None) -> IndexReport:
    have: dict[str, str] = manifest.get("docs", {})
    wanted = {slug: fingerprint(inn, catalogue) for slug, inn in catalogue.innovations.items()}
    changed = [slug for slug, fp in wanted.items() if have.get(slug) != fp]
    deleted = [slug for slug in have if slug not in wanted]
    skipped = len(catalogue.errors_by_file())
    records = gen / RECORDS_FILE
    if not records_readable(records):
        write_records(catalogue, records)  # e.g. the records file was lost or damaged: write them all again
    if not changed and not deleted:
        write_records(catalogue, records, slugs=[])  # awards, aliases and the load summary may have changed
        return IndexReport("unchanged", len(wanted), 0, 0, 0, skipped, _since(started))
    ix = whoosh_index.open_dir(str(gen))
    writer = ix.writer(timeout=WRITER_TIMEOUT_S, limitmb=WRITER_LIMIT_MB)
    try:
        for slug in deleted:
            writer.delete_by_term("slug", slug)
        for number, slug in enumerate(changed, 1):
            writer.update_document(**to_document(catalogue.innovations[slug], catalogue, wanted[slug]))
            if progress:
                progress(number, len(changed))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    # After the index: a page never shows a record that search cannot find yet.
    write_records(catalogue, records, slugs=changed, deleted=deleted)
    store.write_manifest(gen, {"schema_version": SCHEMA_VERSION, "docs": wanted})
    added = sum(1 for slug in changed if slug not in have)
    return IndexReport("incremental", len(wanted), added, len(changed) - added, len(deleted), skipped,
                       _since(started))


def _since(started: float) -> float:
    return time.perf_counter() - started


def live_generation(index_dir: Path | str) -> Path | None:
    """The published generation if this version of the code built it (same schema) and its records file
    is there; None when the index must be (re)built before pages can be served."""
    gen = store.current_generation(Path(index_dir))
    if gen is None or store.read_manifest(gen).get("schema_version") != SCHEMA_VERSION:
        return None
    return gen if records_readable(gen / RECORDS_FILE) else None
