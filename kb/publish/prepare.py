"""A full build in two processes: a helper (kb.search.ahead) reads and checks part of the files while the
build reads the rest, then analyses the ranked text fields that need Sastrawi (the slowest part of
indexing: ~0.1 ms for each new word) ahead of the build, which meanwhile does everything else.

Everything the helper does needs nothing but a file or a text, and gives what the building process would
make itself (`Preparer` is the same in both); if the helper fails, the build does the rest alone. The
split is measured (docs/performance.md, "Build speed"): Sastrawi keeps a cache of the words it stemmed, so
each process stems the new words of what it analyses, and sharing the analysis stems words twice; the
helper analyses all of it (~16 s of CPU at 10 000 write-ups, against ~19 s for the rest of adding the
documents in the build). With more of each record sent to it (the plain text, the record's JSON) it was
the slower side. Below `HELPER_FROM` files, starting a process costs more than it saves.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kb.content.loader import FileResult, read_innovation
from kb.search import ahead
from kb.search.bulk import helper_fields
from kb.search.schema import get_schema

HELPER_FROM = 2000
READ_CHUNK = 32  # files read by one side before the other's turn: the helper reads every other chunk
PREPARE_BATCH = 64
PREPARE_LEAD = 1024  # documents sent ahead of the one being indexed: the helper needs a head start (at
# first nearly every word is new to stem), and the build must not wait on a pipe

Texts = tuple[str | None, ...]  # one document's `helper_fields`


class Preparer:
    """Analyses documents' `helper_fields` (in the helper, or in the building process when it has none)."""

    def __init__(self) -> None:
        schema = get_schema()
        self.fields = helper_fields(schema)
        self.analyzers = [schema[name].analyzer for name in self.fields]
        self._singles: dict[int, bytes] = {}

    def texts(self, document: dict[str, Any]) -> Texts:
        return tuple(v if isinstance(v := document.get(name), str) else None for name in self.fields)

    def __call__(self, texts: Texts) -> dict[str, ahead.Postings]:
        """A document's texts -> {field: postings} (`BulkWriter`'s `_postings`)."""
        return {name: ahead.field_postings(analyzer, text, self._singles)
                for name, analyzer, text in zip(self.fields, self.analyzers, texts) if text is not None}


def preparer(setup: Any = None) -> Preparer:  # noqa: ARG001 - the helper's job signature
    """The helper's job: a document's `Texts` -> {field: postings}."""
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


def prepare_all(helper: ahead.Helper | None, documents: Iterator[tuple[Any, dict[str, Any]]]
                ) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(item, document) for every (item, document) in order, the document with its `_postings`: the texts
    sent to the helper `PREPARE_LEAD` ahead, analysed here if it has none or fails."""
    here = Preparer()
    pending: deque[tuple[Any, dict[str, Any]]] = deque()
    batch: list[Texts] = []
    sent = taken = 0
    documents = iter(documents)
    exhausted = False
    while True:
        while not exhausted and len(pending) < (PREPARE_LEAD if helper is not None and not helper.failed else 1):
            found = next(documents, None)
            if found is None:
                exhausted = True
                break
            pending.append(found)
            batch.append(here.texts(found[1]))
            sent += 1
            if len(batch) == PREPARE_BATCH:
                _send(helper, sent - len(batch), batch)
                batch = []
        if batch and (exhausted or helper is None or helper.failed):
            _send(helper, sent - len(batch), batch)
            batch = []
        if not pending:
            return
        item, document = pending.popleft()
        postings = helper.result("prepare", taken) if helper is not None else None
        document["_postings"] = postings if postings is not None else here(here.texts(document))
        taken += 1
        yield item, document


def _send(helper: ahead.Helper | None, first: int, batch: list[Texts]) -> None:
    if helper is not None:
        helper.send("prepare", first, batch)
