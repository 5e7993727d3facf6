"""The Whoosh side of a generation: the document each innovation becomes, and writing documents into a
generation folder (kb.publish decides what to write and publishes the folder)."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from kb.content import regions, vocab
from kb.content.fields import facet_values
from kb.content.model import Innovation
from kb.content.render import index_text
from kb.search import acronyms, spelling
from kb.search.bulk import BulkWriter
from kb.search.lexicon import key as lexicon_key
from kb.search.sections import background
from kb.search.schema import get_schema

log = logging.getLogger(__name__)

# Whoosh's posting pool for incremental writes (a few documents): it sorts and spills runs, never segments.
WRITER_LIMIT_MB = 512
# The term buffer of a full build (kb/search/bulk.py): spilled runs are merged term by term, so a small
# buffer costs little time and keeps the building process small (docs/performance.md, "Build speed").
BULK_LIMIT_MB = 24
SPELLING_FILE = "spelling.json"


def to_document(innovation: Innovation, replications: int, plain: str | None = None,
                background_text: str | None = None) -> dict[str, Any]:
    """The Whoosh document for one innovation (`innovation.body` holds its body; `plain` and
    `background_text`: its `index_text` and `sections.background`, if made already)."""
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
    if plain is None:
        plain = index_text(innovation.body)
    names = _names(innovation)
    return {
        "slug": innovation.slug,
        "content_hash": innovation.content_hash,
        "title": innovation.title,
        "summary": innovation.summary,
        "plain": plain,
        **titles_and_topics(innovation),
        "body": body_text(innovation.agency, plain),
        "background": background(innovation.body) if background_text is None else background_text,
        "acronyms": acronyms.terms(acronyms.pairs(innovation.title, innovation.full_name,
                                                  [innovation.summary, plain], innovation.body), lexicon_key),
        "exact": "\n".join(names + [innovation.summary, " ".join(innovation.tags), innovation.slug]),
        "place": "\n".join(places),
        "complete": " ".join(n for n in names if n),
        "title_sort": innovation.title.lower(),
        "year": innovation.year,
        "replications": replications,
        "facet": ",".join(f"{name}={value}" for name, values in facet_values(innovation).items() for value in values),
        "meta": meta,
    }


def _names(innovation: Innovation) -> list[str]:
    return [innovation.title, innovation.full_name or ""]


def titles_and_topics(innovation: Innovation) -> dict[str, str]:
    """The ranked `name` and `about` fields: titles, and summary, tags and sector labels."""
    # Sector labels are words people search for ("kesehatan", "pangan"): indexed with summary and tags.
    labels = [label for s in innovation.sectors for label in vocab.sectors().get(s, ())]
    return {"name": "\n".join(n for n in _names(innovation) if n),
            "about": "\n".join([innovation.summary, " ".join(innovation.tags), " ".join(labels)])}


def body_text(agency: str, plain: str) -> str:
    """The ranked `body` field: the agency, then the body's plain text (`index_text`)."""
    return agency + "\n" + plain


def create(folder: Path) -> Any:
    """A new, empty Whoosh index in `folder`."""
    return whoosh_index.create_in(str(folder), get_schema())


def bulk_writer(ix: Any, helper: Any = None) -> BulkWriter:
    """The writer for a full build into the new, empty index `ix` (one segment, as Whoosh would write it);
    `helper`: the build's helper process (kb.search.ahead), which then writes part of the segment."""
    return BulkWriter(ix, limitmb=BULK_LIMIT_MB, helper=helper)


SEGMENT_SPELLING = "spelling-{}.json"  # one per Whoosh segment: as immutable as the segment itself


def link_from(source: Path, folder: Path) -> Any:
    """The index of `source` in `folder`, sharing its files: Whoosh never changes a segment file or a TOC
    once written (a commit writes new ones), so hard links are an exact, instant copy that a writer in
    `folder` can then change without touching `source`."""
    for path in source.iterdir():
        if path.name.startswith(("MAIN_", "_MAIN_", "spelling-")) and "WRITELOCK" not in path.name:
            try:
                os.link(path, folder / path.name)
            except OSError:  # e.g. a file system without hard links
                import shutil

                shutil.copy2(path, folder / path.name)
    return whoosh_index.open_dir(str(folder))


def write_spelling(ix: Any, folder: Path) -> None:
    """The spelling vocabulary of the index as committed, next to it (readers load it instead of walking
    the term dictionary): one file per segment, and `spelling.json` naming the segments' files. A segment
    never changes once written, so its vocabulary (kept beside it, and linked into the next generation with
    it) is provably the same; only new segments are read. Readers sum the segments' frequencies, as
    Whoosh's own multi-segment reader does (`read_spelling`). Nothing is merged here: at 100 000 write-ups
    merging and writing the whole vocabulary cost most of a second of every publish."""
    parts = []
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            if leaf.segment() is None:  # an index without documents (an empty catalogue) has no segment
                continue
            part = folder / SEGMENT_SPELLING.format(leaf.segment().segment_id())
            parts.append(part.name)
            if not part.is_file():
                words, roots = spelling.vocabulary(leaf)
                _write_json(part, {"freq": words, "stems": sorted(roots)})
    for stale in folder.glob(SEGMENT_SPELLING.format("*")):  # segments merged away
        if stale.name not in parts:
            stale.unlink()
    _write_json(folder / SPELLING_FILE, {"segments": parts})


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def read_spelling(folder: Path) -> tuple[dict[str, int], set[str]] | None:
    """The generation's spelling vocabulary: word -> frequency summed over its segments, and the stems
    (None when a file is missing or damaged: the caller reads the index itself)."""
    found = read_spelling_parts(folder)
    return None if found is None else (found[0], found[1])


def read_spelling_parts(folder: Path) -> tuple[dict[str, int], set[str], list[tuple[tuple, dict[str, int]]]] | None:
    """`read_spelling`, and (key, words) of each segment: what the same segment holds in any generation
    (a `Speller` indexes each once per process)."""
    try:
        parts = json.loads((folder / SPELLING_FILE).read_text(encoding="utf-8"))["segments"]
        loaded = [_segment_spelling(folder / name) for name in parts]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    loaded.sort(key=lambda part: len(part[1]), reverse=True)  # the small ones are added to a copy of the largest
    freq: dict[str, int] = dict(loaded[0][1]) if loaded else {}
    stems: set[str] = set(loaded[0][2]) if loaded else set()
    for _, words, roots in loaded[1:]:
        for word, count in words.items():
            freq[word] = freq.get(word, 0) + count
        stems.update(roots)
    global _SPELLING_KEPT
    _SPELLING_KEPT = {key: value for key, value in _SPELLING_KEPT.items() if key[0] in parts}
    return freq, stems, [(key, words) for key, words, _ in loaded]


_SPELLING_KEPT: dict[tuple, tuple[dict[str, int], frozenset[str]]] = {}  # segment file read last -> its words


def _segment_spelling(path: Path) -> tuple[tuple, dict[str, int], frozenset[str]]:
    """(key, words, stems) of one segment, read once per process: the file, like its segment, never changes
    once written (it is linked from one generation into the next); its name, size and inode say it is the
    same."""
    st = path.stat()
    key = (path.name, st.st_size, st.st_ino, st.st_mtime_ns)
    found = _SPELLING_KEPT.get(key)
    if found is None:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = _SPELLING_KEPT[key] = (data["freq"], frozenset(data["stems"]))
    return key, found[0], found[1]
