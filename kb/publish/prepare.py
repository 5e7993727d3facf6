"""A full build in two processes: a helper (kb.search.ahead) reads and checks part of the files while the
build reads the rest, then prepares each record for writing - its ranked text fields analysed (Sastrawi is
the slowest part of indexing), the body's plain text, the record's JSON and compressed body - while the
build writes the index and the records file.

Everything the helper does needs nothing but a file or a record, and gives what the building process
would make itself (`prepare` is the same function in both); if the helper fails, the build does the rest
alone. Below `HELPER_FROM` files, starting a process costs more than it saves.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.content.loader import FileResult, read_innovation
from kb.content.model import Innovation
from kb.content.render import index_text
from kb.publish.records import dumps_innovation, pack
from kb.search import ahead, indexer
from kb.search.bulk import helper_fields
from kb.search.schema import get_schema

HELPER_FROM = 2000
READ_CHUNK = 32  # files read by one side before the other's turn: the helper reads every other chunk
PREPARE_BATCH = 32
PREPARE_LEAD = 512  # records sent ahead of the one being written: the helper needs a head start (at first
# nearly every word is new to stem), and the build must not wait on a pipe


@dataclass(frozen=True)
class Prepared:
    """What the build writes for one record, besides what it cheaply makes itself."""

    postings: tuple[ahead.Postings, ...]  # of `helper_fields`, in that order
    plain: str  # the body's `index_text`
    data: str  # the record's JSON (`dumps_innovation`)
    body: bytes  # the body, compressed as the records file keeps it


class Preparer:
    """Prepares records (in the helper, or in the building process when it has none)."""

    def __init__(self) -> None:
        schema = get_schema()
        self.fields = helper_fields(schema)
        self.analyzers = [schema[name].analyzer for name in self.fields]
        self._singles: dict[int, bytes] = {}

    def __call__(self, innovation: Innovation) -> Prepared:
        plain = index_text(innovation.body)
        document = indexer.to_document(innovation, 0, plain=plain)  # its texts do not depend on the count
        postings = tuple(ahead.field_postings(analyzer, document[name], self._singles)
                         for name, analyzer in zip(self.fields, self.analyzers))
        return Prepared(postings, plain, dumps_innovation(innovation), pack(innovation.body))


def preparer(setup: Any = None) -> Preparer:  # noqa: ARG001 - the helper's job signature
    """The helper's job: a record -> `Prepared`."""
    return Preparer()


def reader(setup: tuple[dict[str, str], str]) -> Callable[[tuple[str, str]], FileResult]:
    """The helper's job: (path, path as shown) of an innovation file -> `read_innovation` of it."""
    award_keys, root = setup
    return lambda item: read_innovation(Path(item[0]), item[1], award_keys, Path(root))


def start(award_keys: dict[str, str], root: Path) -> ahead.Helper | None:
    """A helper for a full build of the folder `root`."""
    return ahead.start({"read": ("kb.publish.prepare:reader", (dict(award_keys), str(root))),
                        "prepare": ("kb.publish.prepare:preparer", None)})


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


def prepare_all(helper: ahead.Helper | None, records: Iterator[Any], load: Callable[[Any], Innovation]
                ) -> Iterator[tuple[Any, Innovation, Prepared]]:
    """(item, record, prepared) for every item of `records` in order (`load(item)` gives the record): the
    records sent to the helper `PREPARE_LEAD` ahead, prepared here if it has none or fails."""
    here: Preparer | None = None
    pending: deque[tuple[Any, Innovation]] = deque()
    batch: list[Innovation] = []
    sent = 0  # records loaded (and sent, or to be sent with the batch)
    taken = 0
    records = iter(records)
    exhausted = False
    while True:
        while not exhausted and len(pending) < (PREPARE_LEAD if helper is not None and not helper.failed else 1):
            item = next(records, None)
            if item is None:
                exhausted = True
                break
            innovation = load(item)
            pending.append((item, innovation))
            batch.append(innovation)
            sent += 1
            if len(batch) == PREPARE_BATCH:
                _send(helper, sent - len(batch), batch)
                batch = []
        if batch and (exhausted or helper is None or helper.failed):
            _send(helper, sent - len(batch), batch)
            batch = []
        if not pending:
            return
        item, innovation = pending.popleft()
        prepared = helper.result("prepare", taken) if helper is not None else None
        if prepared is None:
            here = here or Preparer()
            prepared = here(innovation)
        taken += 1
        yield item, innovation, prepared


def _send(helper: ahead.Helper | None, first: int, batch: list[Innovation]) -> None:
    if helper is not None:
        helper.send("prepare", first, batch)
