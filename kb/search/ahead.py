"""Analysing ahead of a full build in a second process.

Analysis is the part of indexing that needs nothing but the text, and the slowest part of it is Sastrawi
(~0.1 ms a word; a realistic catalogue has about 200 000 distinct words in 10 000 write-ups). So a helper
process analyses the ranked text fields of the documents a full build will index next - words, stems,
positions, encoded as Whoosh's Positions format stores them - and sends the postings back; the building
process meanwhile does everything else (stored fields, the records file, writing postings).

The building process waits for the helper's result when it is not there yet rather than analysing the
document itself: each process would then stem the new words of its own documents, and the words of a
catalogue would be stemmed twice. On a busy machine where the two processes share one core, the build
costs the pipes' work more than alone (a few per cent); with a core free, the analysis is off the
building process's path. If the helper dies, hangs or cannot start, the build analyses everything
itself: the index is the same either way.

The helper is a plain subprocess running `main` below: not a fork (the sync owner runs in a thread of the
web server) and not multiprocessing's spawn (which re-runs the parent's main script). Two threads move
pickled batches over its pipes so that the build never waits on them.
"""
from __future__ import annotations

import logging
import pickle
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from whoosh.formats import Positions

from kb.search.analysis import IndonesianAnalyzer

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding the kb package
# Seconds without any answer after which a helper is taken for hung (it answers a batch in well under one).
PATIENCE = 120.0
_ENCODE = Positions().encode  # the encoding does not depend on the field's boost

Postings = list[tuple[str, int, bytes]]  # (term, frequency, encoded positions) of one field
Texts = tuple[str | None, ...]  # one document's analysed fields, in the order the helper was given


def field_postings(analyzer: IndonesianAnalyzer, text: str, singles: dict[int, bytes]) -> Postings:
    """The postings of one text field, as Whoosh's Positions format makes them from the analyzer's
    tokens. `singles`: encodings of lone positions already made (most terms occur once)."""
    out = []
    for term, poslist in analyzer.positions(text).items():
        if len(poslist) == 1:
            vbytes = singles.get(poslist[0])
            if vbytes is None:
                vbytes = singles[poslist[0]] = _ENCODE(poslist)
        else:
            vbytes = _ENCODE(poslist)
        out.append((term, len(poslist), vbytes))
    return out


class Ahead:
    """The helper process: `send` it batches of documents' texts, then take each document's `postings`
    in the order sent."""

    def __init__(self, stemming: list[bool]) -> None:
        self._proc = subprocess.Popen([sys.executable, "-c", "from kb.search.ahead import main; main()"],
                                      cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._inbox: queue.SimpleQueue[tuple[int, list[list[Postings]]]] = queue.SimpleQueue()
        self._received: dict[int, list[Postings]] = {}
        self._threads = [threading.Thread(target=self._send, name="kb-ahead-send", daemon=True),
                         threading.Thread(target=self._receive, name="kb-ahead-receive", daemon=True)]
        for thread in self._threads:
            thread.start()
        self._outbox.put(stemming)

    def send(self, first: int, documents: list[Texts]) -> None:
        """Analyse these documents, numbered from `first`."""
        self._outbox.put((first, documents))

    def postings(self, number: int) -> list[Postings] | None:
        """The postings of document `number`'s fields, waiting for them if need be; None when the helper
        has failed (it is stopped: analyse here from now on)."""
        found = self._received.pop(number, None)
        last_answer = time.monotonic()
        while found is None:
            try:
                first, documents = self._inbox.get(timeout=0.5)
            except queue.Empty:
                if self._proc.poll() is not None or time.monotonic() - last_answer > PATIENCE:
                    log.warning("analysis helper stopped answering; analysing in the building process")
                    self.close()
                    return None
                continue
            last_answer = time.monotonic()
            for n, fields in enumerate(documents, first):
                if n >= number:
                    self._received[n] = fields
            found = self._received.pop(number, None)
        return found

    def close(self) -> None:
        """Stop the helper (what it has not sent back is not needed any more)."""
        self._outbox.put(None)
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        for thread in self._threads:
            thread.join()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        self._received.clear()

    def _send(self) -> None:
        stdin: IO[bytes] = self._proc.stdin  # type: ignore[assignment]
        try:
            while (message := self._outbox.get()) is not None:
                pickle.dump(message, stdin, pickle.HIGHEST_PROTOCOL)
                stdin.flush()
        except (OSError, ValueError):  # the helper is gone (or being stopped)
            pass

    def _receive(self) -> None:
        stdout: IO[bytes] = self._proc.stdout  # type: ignore[assignment]
        try:
            while True:
                self._inbox.put(pickle.load(stdout))
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            pass


def start(stemming: list[bool]) -> Ahead | None:
    """A helper analysing fields with these analyzers (stemming or not), or None where no process can be
    started (the build then analyses everything itself)."""
    if not sys.executable:  # an embedded interpreter: nothing to start
        return None
    try:
        return Ahead(stemming)
    except OSError as exc:
        log.warning("no analysis helper (%s); analysing in the building process", exc)
        return None


def main() -> None:
    """The helper: read the analyzers, then batches of documents; write back each document's postings."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    analyzers = [IndonesianAnalyzer(stemming) for stemming in pickle.load(stdin)]
    singles: dict[int, bytes] = {}
    while True:
        try:
            first, documents = pickle.load(stdin)
        except EOFError:
            return
        out = [[field_postings(a, t, singles) if t is not None else [] for a, t in zip(analyzers, texts)]
               for texts in documents]
        pickle.dump((first, out), stdout, pickle.HIGHEST_PROTOCOL)
        stdout.flush()
