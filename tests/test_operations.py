"""Operations: gunicorn workers serving one index while it is rebuilt, a killed indexer, a damaged index."""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kb.publish import Syncer, publish
from kb.search import SearchIndex, store
from kb.web import create_app
from tests.conftest import write_innovation
from tools.loadtest import Stats, free_port, run_load, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "relevance" / "corpus"


def copy_corpus(target: Path, copies: int = 1) -> Path:
    """The relevance fixture corpus, optionally multiplied (distinct slugs, no cross-links)."""
    (target / "innovations").mkdir(parents=True)
    shutil.copytree(CORPUS / "awards", target / "awards")
    for n in range(copies):
        for path in (CORPUS / "innovations").glob("*.md"):
            text = path.read_text(encoding="utf-8")
            text = "\n".join(line for line in text.splitlines()
                             if not line.startswith(("replicated_from:", "aliases:")))
            (target / "innovations" / f"{path.stem}-{n}.md").write_text(text + "\n", encoding="utf-8")
    return target


def wait_for(condition, what: str, timeout: float = 120.0) -> None:
    """Wait until `condition()` holds; the bound is generous (a busy 2-core machine), never the assertion."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def test_gunicorn_workers_serve_while_the_index_is_rebuilt(tmp_path):
    """Three workers answer a steady load without one error while the index is updated and rebuilt four
    times. Each write waits for answers served after it, so every swap happens under load, however fast or
    slow the machine is."""
    content = copy_corpus(tmp_path / "content")
    index_dir = tmp_path / "index"
    publish(content, index_dir)
    proc = start_gunicorn(content, index_dir, workers=3, port=free_port())
    port = int(proc.args[proc.args.index("--bind") + 1].rsplit(":", 1)[1])
    stats, stop = Stats(), threading.Event()
    result: dict = {}
    load = threading.Thread(target=lambda: result.update(run_load(
        f"http://127.0.0.1:{port}", clients=6, seconds=600, max_requests=10**9, stats=stats, stop=stop)))
    load.start()
    summaries = []
    try:
        for n, flower in enumerate(["anggrek", "melati", "mawar", "kenanga"]):
            answered = stats.count()
            write_innovation(content, f"tambahan-{n % 3}", title=f"Tambahan {flower.title()}",
                             summary="Inovasi tambahan.")
            summaries.append(publish(content, index_dir, rebuild=(n % 2 == 0)))
            wait_for(lambda: stats.count() >= answered + 50, "50 answers after a swap")
    finally:
        stop.set()
        load.join()
        proc.terminate()
        proc.wait(timeout=60)
    assert [s.mode for s in summaries] == ["full", "incremental", "full", "incremental"]
    index = SearchIndex(index_dir)
    try:
        assert [h.slug for h in index.search("kenanga").hits] == ["tambahan-0"]  # the last write is indexed
    finally:
        index.close()
    assert result["requests"] >= 200
    assert result["errors"] == 0, result["error_samples"]


def test_killed_indexer_leaves_the_previous_index_serving(tmp_path):
    content = copy_corpus(tmp_path / "content", copies=8)  # ~480 documents: a build takes a while
    index_dir = tmp_path / "index"
    publish(content, index_dir)
    before = store.current_generation(index_dir)
    env = dict(os.environ, KB_NO_VENV="1")
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "index", "--rebuild", "--content-dir",
                             str(content), "--index-dir", str(index_dir)], env=env, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(index_dir.glob("gen-*"))) < 2 and proc.poll() is None:
        time.sleep(0.01)  # wait until the new generation folder exists: the build is under way
    proc.send_signal(signal.SIGKILL)  # at once: the ~480 documents of the build are still ahead of it
    proc.wait()
    assert store.current_generation(index_dir) == before  # readers still get the complete old index
    app = create_app({"CONTENT_DIR": str(content), "INDEX_DIR": str(index_dir), "TESTING": True})
    assert app.test_client().get("/api/v1/search").get_json()["total"] == 480  # served from the old index
    app.extensions["kb.generations"].close()
    assert publish(content, index_dir).mode == "unchanged"  # the next publish cleans up first
    assert [p.name for p in index_dir.glob("gen-*")] == [before.name]


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_damaged_index_answers_503_and_the_sync_owner_repairs_it(tmp_path, content_dir, caplog, damage):
    """Requests never rebuild: a deleted or damaged index gets a clear 503 while the one sync owner
    rebuilds it (it notices a deleted index itself; readers ask it to check a damaged one)."""
    index_dir = tmp_path / "index"
    syncer = Syncer(content_dir, index_dir, interval=0.05)
    syncer.start(wait=True)
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir), "TESTING": True})
    client = app.test_client()
    try:
        assert client.get("/api/v1/search?q=migran").get_json()["total"] >= 1
        app.extensions["kb.generations"].close()  # as a worker that starts after the damage
        damaged = store.current_generation(index_dir)
        if damage == "delete":
            shutil.rmtree(index_dir)
        else:
            for path in damaged.iterdir():
                if path.name != store.MANIFEST:
                    path.write_bytes(b"\x00garbage" * 10)
        with caplog.at_level(logging.WARNING):
            first = client.get("/inovasi/simpadu-pmi")
        assert first.status_code in (200, 503)  # 200 only if the owner already rebuilt a deleted index
        if damage == "corrupt":
            assert first.status_code == 503 and "sedang diperbaiki" in first.get_data(as_text=True)
            assert any("asking the sync owner to repair" in r.getMessage() for r in caplog.records)
        wait_for(lambda: client.get("/inovasi/simpadu-pmi").status_code == 200, "the repaired index")
        assert client.get("/api/v1/search?q=migran").get_json()["total"] >= 1
        assert store.current_generation(index_dir) != damaged
    finally:
        syncer.stop()
        app.extensions["kb.generations"].close()
