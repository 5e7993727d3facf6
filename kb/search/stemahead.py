"""Stemming ahead of a full build in a second process.

Sastrawi is slow (~0.1 ms a word) and a realistic catalogue has many distinct words (about 200 000 in
10 000 write-ups), so stemming each new word once is a quarter of a full build on one core. It is also
the one part that needs nothing but the text: a helper process stems the words of the documents a build
will index next and sends the stems back, and the building process finds them in its stem cache instead
of calling Sastrawi. The index is the same whatever the helper manages to do: a word it has not stemmed
yet (it runs late, died, or could not start) is stemmed by the building process as before.

The helper is a plain subprocess running `main` below: not a fork (the sync owner runs in a
thread of the web server) and not multiprocessing's spawn (which re-runs the parent's main script). Two
threads move pickled batches over its pipes so that the build never waits on them.
"""
from __future__ import annotations

import logging
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from kb.search import analysis

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding the kb package
# Batches sent and not yet answered beyond which new ones are dropped: a helper that far behind would
# stem words the build has already stemmed, and the texts waiting for it would only hold memory.
MAX_WAITING = 32


class StemAhead:
    """A helper process stemming batches of texts; `collect` puts the stems it has sent back into this
    process's stem cache."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen([sys.executable, "-c", "from kb.search.stemahead import main; main()"], cwd=_ROOT,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._outbox: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self._inbox: queue.SimpleQueue[dict[str, str]] = queue.SimpleQueue()
        self._sent = 0
        self._answered = 0  # counted by the receiving thread
        self._threads = [threading.Thread(target=self._send, name="kb-stemahead-send", daemon=True),
                         threading.Thread(target=self._receive, name="kb-stemahead-receive", daemon=True)]
        for thread in self._threads:
            thread.start()

    def send(self, texts: Iterable[str]) -> None:
        """Stem these texts' words in the helper (unless it is too far behind)."""
        if self._sent - self._answered < MAX_WAITING:
            self._sent += 1
            self._outbox.put(list(texts))

    def collect(self) -> None:
        """Take the stems the helper has sent back so far (never waits for more)."""
        while True:
            try:
                found = self._inbox.get_nowait()
            except queue.Empty:
                return
            analysis.remember_stems(found)

    def close(self) -> None:
        """Stop the helper (what it has not sent back is not needed any more)."""
        self._outbox.put(None)
        self._proc.kill()
        self._proc.wait()
        for thread in self._threads:
            thread.join()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass

    def _send(self) -> None:
        stdin: IO[bytes] = self._proc.stdin  # type: ignore[assignment]
        try:
            while (texts := self._outbox.get()) is not None:
                pickle.dump(texts, stdin, pickle.HIGHEST_PROTOCOL)
                stdin.flush()
        except (OSError, ValueError):  # the helper is gone (or being stopped)
            pass

    def _receive(self) -> None:
        stdout: IO[bytes] = self._proc.stdout  # type: ignore[assignment]
        try:
            while True:
                self._inbox.put(pickle.load(stdout))
                self._answered += 1
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            pass


def start() -> StemAhead | None:
    """A helper, or None where no process can be started (the build then stems everything itself)."""
    try:
        return StemAhead()
    except OSError as exc:
        log.warning("no stemming helper (%s); stemming in the building process", exc)
        return None


def main() -> None:
    """The helper: read pickled lists of texts, write back the stems of words not seen before."""
    known: set[str] = set()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            texts = pickle.load(stdin)
        except EOFError:
            return
        pickle.dump(analysis.stems_of(texts, known), stdout, pickle.HIGHEST_PROTOCOL)
        stdout.flush()
