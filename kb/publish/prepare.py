"""A full build in two processes: a helper (kb.search.ahead) reads and checks part of the files while the
build reads the rest, then prepares each record's ranked text for indexing - the body's plain text (when
the build is the busier side), and the postings of the fields that need Sastrawi (the slowest part of
indexing) - while the build does everything else. At the end it also encodes the body's postings into the
segment (kb.search.bulk, `APART_FIELDS`).

Everything the helper does needs nothing but a file or a text, and gives what the building process would
make itself (`Preparer` is the same in both); if the helper fails, the build does the rest alone. The
split is measured (docs/performance.md, "Build speed"): Sastrawi keeps a cache of the words it stemmed, so
one process must stem all of them (split between two, words are stemmed twice); sending whole records
costs more to pickle than it saves; the records' JSON stays in the build, which the helper would
otherwise keep waiting. Below `HELPER_FROM` files, starting a process costs more than it saves.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kb.content.loader import FileResult, read_innovation
from kb.content.model import Innovation
from kb.content.render import index_text
from kb.search import ahead, indexer
from kb.search.bulk import helper_fields
from kb.search.schema import get_schema
from kb.search.sections import background

HELPER_FROM = 2000
READ_CHUNK = 32  # files read by one side before the other's turn: the helper reads every other chunk
PREPARE_BATCH = 64
PREPARE_LEAD = 1024  # records sent ahead of the one being indexed: the helper needs a head start (at
# first nearly every word is new to stem), and the build must not wait on a pipe

# The bodies' plain texts (Markdown to text: needs nothing but the body) are made by whichever side has time:
# the helper, unless it kept the build waiting for a result, after which the build makes the next batch's.
# At 10 000 write-ups the helper is the slower side (nearly every word is new to stem); at 100 000 the build
# is (its records file, columns and own fields grow with the catalogue). A fixed share fitted one or the other.
WAITED = 0.002  # seconds: a result already received is taken in microseconds
# name and about texts, agency; the Markdown body, or its plain text and background section made already
Item = tuple[str, str, str, str | None, str | None, str | None]
Prepared = tuple[str, str, dict[str, ahead.Postings]]  # the body's plain text, its background; {field: postings}


def item(innovation: Innovation, plain: str | None = None, background_text: str | None = None) -> Item:
    """What the helper needs of a record (a few strings: cheaper to send than the record): the body if its
    plain texts are not made yet."""
    texts = indexer.titles_and_topics(innovation)
    markdown = innovation.body if plain is None else None
    return texts["name"], texts["about"], innovation.agency, markdown, plain, background_text


class Preparer:
    """Prepares records' ranked texts (in the helper, or in the building process when it has none)."""

    def __init__(self) -> None:
        schema = get_schema()
        self.fields = helper_fields(schema)
        if sorted(self.fields) != ["about", "background", "body", "name"]:  # what `item` sends
            raise ValueError(f"the helper prepares name, about, body and background, not {self.fields}")
        self.analyzers = {name: schema[name].analyzer for name in self.fields}

    def __call__(self, found: Item) -> Prepared:
        name, about, agency, markdown, plain, background_text = found
        if plain is None or background_text is None:
            plain, background_text = plain_texts(markdown or "")
        texts = {"name": name, "about": about, "body": indexer.body_text(agency, plain), "background": background_text}
        return plain, background_text, {field: ahead.field_postings(self.analyzers[field], texts[field])
                                        for field in self.fields}


def plain_texts(markdown: str) -> tuple[str, str]:
    """A body's plain text and its background section's (`index_text`, `sections.background`)."""
    return index_text(markdown), background(markdown)


def preparer(setup: Any = None) -> Preparer:  # noqa: ARG001 - the helper's job signature
    """The helper's job: an `Item` -> `Prepared`."""
    return Preparer()


def reader(setup: tuple[dict[str, str], str]) -> Callable[[tuple[str, str]], FileResult]:
    """The helper's job: (path, path as shown) of an innovation file -> `read_innovation` of it."""
    award_keys, root = setup
    return lambda item: read_innovation(Path(item[0]), item[1], award_keys, Path(root))


def start(award_keys: dict[str, str], root: Path) -> ahead.Helper | None:
    """A helper for a full build of the folder `root`."""
    return ahead.start({"read": ("kb.publish.prepare:reader", (dict(award_keys), str(root))),
                        "prepare": ("kb.publish.prepare:preparer", None),
                        "encode": ("kb.search.bulk:encoder", None)})


def read_all(helper: ahead.Helper | None, files: list[tuple[str, str, str]],
             read: Callable[[str, str], FileResult]) -> Iterator[tuple[int, FileResult]]:
    """(index, result) of every file (rel, path, shown) in order: every other chunk of `READ_CHUNK` files
    read by the helper, the rest by `read(path, shown)` here."""
    def helpers(chunk: int) -> bool:
        return helper is not None and chunk % 2 == 1

    chunks = (len(files) + READ_CHUNK - 1) // READ_CHUNK
    sent = 0
    for chunk in range(chunks):
        while helper is not None and sent < min(chunks, chunk + 8):  # the helper's chunks a little ahead
            if helpers(sent):
                first = sent * READ_CHUNK
                helper.send("read", first, [(path, shown) for _, path, shown in files[first:first + READ_CHUNK]])
            sent += 1
        first = chunk * READ_CHUNK
        for number in range(first, min(len(files), first + READ_CHUNK)):
            result = helper.result("read", number) if helpers(chunk) else None
            if result is None:  # ours, or the helper failed
                _, path, shown = files[number]
                result = read(path, shown)
            yield number, result


def prepare_all(helper: ahead.Helper | None, records: Iterator[tuple[Any, Innovation]]
                ) -> Iterator[tuple[Any, Innovation, Prepared]]:
    """(key, record, prepared) for every (key, record) in order: the records' items sent to the helper
    `PREPARE_LEAD` ahead, prepared here if it has none or fails."""
    here: Preparer | None = None
    pending: deque[tuple[Any, Innovation, tuple[str, str] | None]] = deque()
    batch: list[Item] = []
    sent = taken = 0
    plain_here = 0  # records whose plain texts the build makes, from the next one sent
    records = iter(records)
    exhausted = False
    while True:
        while not exhausted and len(pending) < (PREPARE_LEAD if helper is not None and not helper.failed else 1):
            found = next(records, None)
            if found is None:
                exhausted = True
                break
            made = None
            if plain_here:
                made = plain_texts(found[1].body)
                plain_here -= 1
            pending.append((*found, made))
            if helper is not None:
                batch.append(item(found[1], *(made or ())))
            sent += 1
            if len(batch) == PREPARE_BATCH:
                _send(helper, sent - len(batch), batch)
                batch = []
        if batch and (exhausted or helper is None or helper.failed):
            _send(helper, sent - len(batch), batch)
            batch = []
        if not pending:
            return
        key, innovation, made = pending.popleft()
        prepared = None
        if helper is not None:
            started = time.perf_counter()
            prepared = helper.result("prepare", taken)
            if time.perf_counter() - started > WAITED:
                plain_here = PREPARE_BATCH
        if prepared is None:
            here = here or Preparer()
            prepared = here(item(innovation, *(made or ())))
        taken += 1
        yield key, innovation, prepared


def _send(helper: ahead.Helper | None, first: int, batch: list[Item]) -> None:
    if helper is not None:
        helper.send("prepare", first, batch)
