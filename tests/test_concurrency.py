"""Several reader processes query while one process rebuilds and updates the index: no errors, no empty
or partial results (the atomic generation swap and Whoosh's commit protocol at work).

Nothing here depends on how fast the machine is: the writer makes a fixed number of writes and, after each,
waits until every reader has answered queries against what it wrote; readers stop when told to."""
from __future__ import annotations

import multiprocessing as mp
import time

from kb.publish import publish
from kb.search import SearchIndex
from tests.conftest import write_innovation

READERS = 3
WRITES = 6
BOUND_S = 120.0  # a generous bound for one round on a busy machine; the test never waits for time itself


def _reader(index_dir: str, stop, counter, queue) -> None:  # noqa: ANN001 - multiprocessing primitives
    index = SearchIndex(index_dir)
    failures = 0
    problems: list[str] = []
    while not stop.is_set():
        try:
            everything = index.search("").total
            migran = index.search("pekerja migran").total
            if everything < 3 or migran < 1:
                failures += 1
                problems.append(f"saw {everything} docs / {migran} hits")
        except Exception as exc:  # noqa: BLE001 - the point is to count any failure
            failures += 1
            problems.append(repr(exc))
        with counter.get_lock():
            counter.value += 1
    index.close()
    queue.put((counter.value, failures, problems[:5]))


def _wait_until_each_reader_answers(counters) -> None:  # noqa: ANN001
    """Return once every reader has completed two more query rounds than now (so one began after the write)."""
    targets = [c.value + 2 for c in counters]
    deadline = time.monotonic() + BOUND_S
    while any(c.value < t for c, t in zip(counters, targets)):
        assert time.monotonic() < deadline, "a reader stopped answering"
        time.sleep(0.01)


def test_readers_never_fail_while_one_process_writes(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    ctx = mp.get_context("fork")
    queue, stop = ctx.Queue(), ctx.Event()
    counters = [ctx.Value("i", 0) for _ in range(READERS)]
    readers = [ctx.Process(target=_reader, args=(str(index_dir), stop, c, queue)) for c in counters]
    for proc in readers:
        proc.start()
    modes = []
    try:
        _wait_until_each_reader_answers(counters)
        for n in range(WRITES):
            write_innovation(content_dir, f"tambahan-{n % 4}", title=f"Tambahan {n}",
                             summary=f"Inovasi tambahan nomor {n}.")
            modes.append(publish(content_dir, index_dir, rebuild=(n % 3 == 0)).mode)
            _wait_until_each_reader_answers(counters)
    finally:
        stop.set()
        results = [queue.get(timeout=BOUND_S) for _ in readers]
        for proc in readers:
            proc.join(timeout=BOUND_S)
    assert modes == ["full", "incremental", "incremental"] * 2
    assert sum(failures for _, failures, _ in results) == 0, results
