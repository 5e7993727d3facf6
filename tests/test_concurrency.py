"""Several reader processes query while one process rebuilds and updates the index: no errors, no empty
or partial results (the atomic generation swap and Whoosh's commit protocol at work)."""
from __future__ import annotations

import multiprocessing as mp
import time

from kb.content import load_catalogue
from kb.search import SearchIndex, update_index
from tests.conftest import write_innovation

READERS = 3
SECONDS = 2.5


def _reader(index_dir: str, stop_at: float, queue) -> None:  # noqa: ANN001
    index = SearchIndex(index_dir)
    done = failures = 0
    problems: list[str] = []
    while time.monotonic() < stop_at:
        try:
            everything = index.search("").total
            migran = index.search("pekerja migran").total
            if everything < 3 or migran < 1:
                failures += 1
                problems.append(f"saw {everything} docs / {migran} hits")
            done += 1
        except Exception as exc:  # noqa: BLE001 - the point is to count any failure
            failures += 1
            problems.append(repr(exc))
    index.close()
    queue.put((done, failures, problems[:5]))


def test_readers_never_fail_while_one_process_writes(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    update_index(load_catalogue(content_dir), index_dir)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    stop_at = time.monotonic() + SECONDS
    readers = [ctx.Process(target=_reader, args=(str(index_dir), stop_at, queue)) for _ in range(READERS)]
    for proc in readers:
        proc.start()
    writes = 0
    while time.monotonic() < stop_at - 0.2:
        write_innovation(content_dir, f"tambahan-{writes % 4}", title=f"Tambahan {writes}",
                         summary=f"Inovasi tambahan nomor {writes}.")
        update_index(load_catalogue(content_dir), index_dir, rebuild=(writes % 3 == 0))
        writes += 1
    results = [queue.get(timeout=30) for _ in readers]
    for proc in readers:
        proc.join(timeout=30)
    print(f"{writes} writes, reader queries: {[d for d, _, _ in results]}")
    assert writes >= 3
    assert all(done > 0 for done, _, _ in results), results
    assert sum(failures for _, failures, _ in results) == 0, results
