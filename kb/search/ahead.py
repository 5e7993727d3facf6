"""A helper process for full builds: work that needs nothing but its input, done in a second process while
the building process does the rest.

The slowest part of indexing is analysis, and the slowest part of that is Sastrawi (~0.1 ms a word; a
realistic catalogue has about 200 000 distinct words in 10 000 write-ups); reading and checking the files
and serialising the records need nothing but the file or the record either. A full build gives such work
to a helper by job (kb.publish.prepare defines the jobs: reading files, preparing records) and meanwhile
writes the index and the records file itself.

The caller sends numbered batches of items and takes each item's result in order, waiting when it is not
there yet rather than doing the work itself: each process would then do part of the same work (stem the
new words of its own documents: the words of a catalogue would be stemmed twice). If the helper dies,
hangs or cannot start, `result` says so (None) and the caller does the rest itself: the results are the
same either way.

The helper is a plain subprocess running `main` below: not a fork (the sync owner runs in a thread of the
web server) and not multiprocessing's spawn (which re-runs the parent's main script). Two threads move
pickled batches over its pipes so that the build never waits on them.
"""
from __future__ import annotations

import importlib
import logging
import pickle
import queue
import subprocess
import sys
import threading
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from whoosh.formats import Positions

from kb.search.analysis import IndonesianAnalyzer

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding the kb package
# Seconds without any answer after which a helper is taken for hung (it answers a batch in well under one).
PATIENCE = 120.0
_ENCODE = Positions().encode  # the encoding does not depend on the field's boost
_DECODE = Positions().decode_positions

# One field's postings in document order: its terms joined by newlines, each term's frequency, the
# position of each term occurring once, and the encoded positions of each term occurring more than once.
# Compact because a build sends every document's postings from the helper: as (term, frequency, bytes)
# tuples, unpickling them took the building process longer than indexing them.
Postings = tuple[str, array, array, list[bytes]]
Jobs = dict[str, tuple[str, Any]]  # job name -> ("module:function", setup): function(setup) does one item
NO_POSTINGS: Postings = ("", array("I"), array("I"), [])


def field_postings(analyzer: IndonesianAnalyzer, text: str) -> Postings:
    """The postings of one text field, as Whoosh's Positions format makes them from the analyzer's
    tokens (analysis has no newline in a term)."""
    terms = []
    freqs = array("I")
    lone = array("I")
    repeated = []
    for term, poslist in analyzer.positions(text).items():
        terms.append(term)
        freqs.append(len(poslist))
        if len(poslist) == 1:
            lone.append(poslist[0])
        else:
            repeated.append(_ENCODE(poslist))
    return "\n".join(terms), freqs, lone, repeated


def pack_postings(postings: list[tuple[str, int, bytes]]) -> Postings:
    """(term, frequency, encoded positions) tuples (Whoosh's `word_values`) as `Postings`."""
    if not postings:
        return NO_POSTINGS
    lone = array("I")
    repeated = []
    for _, freq, vbytes in postings:
        if freq == 1:
            lone.append(_DECODE(vbytes)[0])
        else:
            repeated.append(vbytes)
    return "\n".join(t for t, _, _ in postings), array("I", (f for _, f, _ in postings)), lone, repeated


def encode_single(position: int) -> bytes:
    """The encoded positions of a term occurring once, at `position`."""
    return _ENCODE([position])


def analyser(stemming: list[bool]) -> Callable[[tuple[str | None, ...]], list[Postings]]:
    """A job: one document's texts (None: no such field) -> each field's postings, with these analyzers."""
    analyzers = [IndonesianAnalyzer(s) for s in stemming]
    return lambda texts: [field_postings(a, t) if t is not None else NO_POSTINGS for a, t in zip(analyzers, texts)]


class Helper:
    """The helper process: `send` it batches of items for a job, then take each item's `result`."""

    def __init__(self, jobs: Jobs) -> None:
        self._proc = subprocess.Popen([sys.executable, "-c", "from kb.search.ahead import main; main()"],
                                      cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._inbox: queue.SimpleQueue[tuple[str, int, list]] = queue.SimpleQueue()
        self._received: dict[tuple[str, int], object] = {}
        self.failed = False
        self._threads = [threading.Thread(target=self._send, name="kb-ahead-send", daemon=True),
                         threading.Thread(target=self._receive, name="kb-ahead-receive", daemon=True)]
        for thread in self._threads:
            thread.start()
        self._outbox.put(jobs)

    def send(self, job: str, first: int, items: list) -> None:
        """Do `job` for these items, numbered from `first`."""
        if not self.failed:
            self._outbox.put((job, first, items))

    def result(self, job: str, number: int, patience: float | None = PATIENCE) -> Any | None:
        """The result for item `number` of `job`, waiting for it if need be (results for earlier items not
        taken are dropped); None when the helper has failed (it is stopped: do the work here from now on).
        `patience`: seconds without an answer after which the helper is taken for hung (None: wait while it
        runs, for a job that takes long by nature)."""
        if self.failed:
            return None
        found = self._received.pop((job, number), None)
        last_answer = time.monotonic()
        while found is None:
            try:
                done, first, results = self._inbox.get(timeout=0.5)
            except queue.Empty:
                if self._proc.poll() is not None or (patience is not None and time.monotonic() - last_answer > patience):
                    log.warning("the build's helper process stopped answering; going on without it")
                    self.close()
                    return None
                continue
            last_answer = time.monotonic()
            for n, value in enumerate(results, first):
                if done != job or n >= number:
                    self._received[done, n] = value
            found = self._received.pop((job, number), None)
        return found

    def close(self) -> None:
        """Stop the helper (what it has not sent back is not needed any more)."""
        self.failed = True
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


def start(jobs: Jobs) -> Helper | None:
    """A helper that can do these jobs, or None where no process can be started (the build then does
    everything itself)."""
    if not sys.executable:  # an embedded interpreter: nothing to start
        return None
    try:
        return Helper(jobs)
    except OSError as exc:
        log.warning("no helper process for the build (%s); doing everything in the building process", exc)
        return None


def main() -> None:
    """The helper: read the jobs, then batches of items; write back each batch's results."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    jobs = {}
    for name, (where, setup) in pickle.load(stdin).items():
        module, _, function = where.partition(":")
        jobs[name] = getattr(importlib.import_module(module), function)(setup)
    while True:
        try:
            job, first, items = pickle.load(stdin)
        except EOFError:
            return
        pickle.dump((job, first, [jobs[job](item) for item in items]), stdout, pickle.HIGHEST_PROTOCOL)
        stdout.flush()
