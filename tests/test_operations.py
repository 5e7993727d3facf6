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

from kb.content import load_catalogue
from kb.search import SearchIndex, store, update_index
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
    update_index(load_catalogue(content), index_dir)
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
            summaries.append(update_index(load_catalogue(content), index_dir, rebuild=(n % 2 == 0)))
            wait_for(lambda: stats.count() >= answered + 50, "50 answers after a swap")
    finally:
        stop.set()
        load.join()
        proc.terminate()
        proc.wait(timeout=60)
    # Rebuilds are ours; an update may find the workers' sync child has already indexed the write.
    assert [s.mode for s in summaries][::2] == ["full", "full"]
    assert {s.mode for s in summaries[1::2]} <= {"incremental", "unchanged"}
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
    update_index(load_catalogue(content), index_dir)
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
    app.extensions["kb.content"].get()  # the background load (and its index check) has finished
    app.extensions["kb.search"].close()
    assert [p.name for p in index_dir.glob("gen-*")] == [before.name]  # the half build was cleaned up


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_damaged_index_is_rebuilt_while_serving(tmp_path, content_dir, caplog, damage):
    index_dir = tmp_path / "index"
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir), "TESTING": True})
    client = app.test_client()
    assert client.get("/api/v1/search?q=migran").get_json()["total"] >= 1
    app.extensions["kb.content"].get()  # start-up is over: its background content check has finished
    if damage == "delete":
        shutil.rmtree(index_dir)
    else:
        app.extensions["kb.search"].close()  # a new worker opening the damaged files
        for path in store.current_generation(index_dir).iterdir():
            if path.name != store.MANIFEST:
                path.write_bytes(b"\x00garbage" * 10)
    with caplog.at_level(logging.WARNING):
        resp = client.get("/api/v1/search?q=migran")
    assert resp.status_code == 200 and resp.get_json()["total"] >= 1
    assert any("rebuilding it" in r.getMessage() for r in caplog.records)
    assert client.get("/cari?q=migran").status_code == 200
    app.extensions["kb.search"].close()


def test_pages_recover_a_deleted_index_and_damaged_records(tmp_path, content_dir, caplog):
    """Pages read the records file published with the index: a deleted index is rebuilt by the first page
    request too (not only by a search), and a damaged records file is written again."""
    index_dir = tmp_path / "index"
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir), "TESTING": True})
    client = app.test_client()
    app.extensions["kb.content"].get()
    app.extensions["kb.search"].close()
    shutil.rmtree(index_dir)
    assert client.get("/inovasi/simpadu-pmi").status_code == 200
    records = store.current_generation(index_dir) / "records.sqlite"
    records.write_bytes(b"\x00garbage" * 100)
    with caplog.at_level(logging.WARNING):
        first = client.get("/inovasi/simpadu-pmi")
    assert first.status_code == 503  # this request hit the damage; the file was written again meanwhile
    assert any("records file" in r.getMessage() for r in caplog.records)
    assert client.get("/inovasi/simpadu-pmi").status_code == 200
    assert client.get("/api/v1/innovations").get_json()["total"] == 3
    app.extensions["kb.search"].close()
