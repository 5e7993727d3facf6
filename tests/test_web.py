"""Pages served from the real app on a temp catalogue and index."""
from __future__ import annotations

from tests.conftest import republish, write_innovation


def test_home_lists_innovations(client):
    html = client.get("/").get_data(as_text=True)
    assert "SIMPADU-PMI" in html and "Klinik BUM Desa" in html
    assert '/inovasi/simpadu-pmi"' in html


def test_innovation_page_shows_facts_trail_and_sources(client):
    resp = client.get("/inovasi/simpadu-pmi")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Sarana Informasi dan Pelayanan Terpadu Pekerja Migran Indonesia" in html
    assert '<a href="/penghargaan/sinovik/2018">Kompetisi Inovasi Pelayanan Publik (KIPP) 2018</a> — Top 99' in html
    assert '<a href="/wilayah/35.10">Kabupaten Banyuwangi</a> (2020)' in html
    assert "Perjanjian kerja sama (PKS)" in html
    assert 'href="/inovasi/simpadu-banyuwangi"' in html
    assert 'id="cara-replikasi"' in html
    assert 'href="https://example.org/berita"' in html
    replica = client.get("/inovasi/simpadu-banyuwangi").get_data(as_text=True)
    assert 'Replikasi dari <a href="/inovasi/simpadu-pmi">SIMPADU-PMI</a>' in replica
    assert '<script type="application/ld+json">' in html and '"@type": "Article"' in html


def test_alias_and_case_variants_redirect_permanently(client):
    for path in ("/inovasi/simpadu", "/inovasi/SIMPADU-PMI", "/inovasi/Simpadu"):
        resp = client.get(path)
        assert resp.status_code == 301, path
        assert resp.headers["Location"].endswith("/inovasi/simpadu-pmi")


def test_unknown_slug_is_a_real_404_with_suggestions(client):
    resp = client.get("/inovasi/klinik-desa-lama")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 404
    assert "Halaman tidak ditemukan" in html
    assert "/inovasi/klinik-bumdesa" in html  # suggested from the slug's words


def test_search_page_and_hostile_queries(client):
    assert "SIMPADU-PMI" in client.get("/cari?q=migran").get_data(as_text=True)
    for q in ['"', "AND(", "*", "x" * 10_000, "%F0%9F%99%82", "a:b:c"]:
        assert client.get("/cari", query_string={"q": q}).status_code == 200
    bad = client.get("/cari?q=migran&page=abc")
    assert bad.status_code == 400 and "page: must be a whole number" in bad.get_data(as_text=True)


def test_markdown_is_sanitized(app, client, content_dir):
    body = ("## Latar Belakang\n\n<script>alert('x')</script>\n\n[klik](javascript:alert(1))\n\n"
            "<img src=x onerror=alert(1)>\n\n<a href=\"data:text/html,hi\">d</a>\n\n## Cara Replikasi\n\nLangkah.\n")
    write_innovation(content_dir, "jahat", body=body, title="Uji Sanitasi")
    republish(app)  # what the sync owner does within a second
    html = client.get("/inovasi/jahat").get_data(as_text=True)
    assert "<script>alert" not in html and "javascript:" not in html
    assert "onerror" not in html and "data:text/html" not in html


def test_broken_file_does_not_take_the_site_down(tmp_path, content_dir):
    from kb.web import create_app

    from kb.publish import publish

    (content_dir / "innovations" / "rusak.md").write_text("---\ntitle: [tidak tertutup\n---\n", encoding="utf-8")
    publish(content_dir, tmp_path / "i2")
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(tmp_path / "i2"), "TESTING": True})
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/inovasi/simpadu-pmi").status_code == 200
    assert client.get("/inovasi/rusak").status_code == 404


def test_search_page_facets_links_and_suggestion(client):
    html = client.get("/cari?q=pekerja+migrn").get_data(as_text=True)
    assert "Menampilkan hasil untuk <strong>pekerja migran</strong>" in html
    assert "<mark>" in html
    browse = client.get("/cari").get_data(as_text=True)
    assert "Kompetisi Inovasi Pelayanan Publik (KIPP)" in browse  # award facet shows the programme's name
    assert 'href="/cari?sector=tenaga-kerja"' in browse
    filtered = client.get("/cari?sector=tenaga-kerja").get_data(as_text=True)
    assert "2 inovasi ditemukan" in filtered
    assert 'href="/cari"' in filtered and 'aria-current="true"' in filtered  # the link that removes the filter
    assert "Klinik BUM Desa" not in filtered.split('<aside class="facets"')[0]
    empty = client.get("/cari?q=xyzzyq").get_data(as_text=True)
    assert "Tidak ada inovasi yang cocok" in empty


def test_edited_content_becomes_searchable_without_restart(app, client, content_dir):
    assert client.get("/cari?q=zamrud").get_data(as_text=True).count('class="card"') == 0
    write_innovation(content_dir, "baru", title="Inovasi Zamrud", summary="Kata unik zamrud.")
    republish(app)
    html = client.get("/cari?q=zamrud").get_data(as_text=True)
    assert "/inovasi/baru" in html


def _wait_for(check, seconds: float = 120) -> bool:
    """Poll `check` until it holds; the bound is generous (a busy machine), the test never waits for time."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_sync_owner_thread_publishes_edits(tmp_path, content_dir):
    """What `python3 run.py` does: the syncer publishes at start, then every edit; pages follow."""
    from kb.publish import Syncer
    from kb.web import create_app

    syncer = Syncer(content_dir, tmp_path / "i3", interval=0.05)
    syncer.start(wait=True)
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(tmp_path / "i3")})
    client = app.test_client()
    try:
        assert client.get("/inovasi/simpadu-pmi").status_code == 200  # published before start() returned
        assert client.get("/inovasi/baru-lagi").status_code == 404
        write_innovation(content_dir, "baru-lagi", title="Baru Lagi", summary="Kata unik safir.")
        assert _wait_for(lambda: client.get("/inovasi/baru-lagi").status_code == 200)
        assert client.get("/api/v1/search?q=safir").get_json()["total"] == 1  # search and page: one snapshot
    finally:
        syncer.stop()
        app.extensions["kb.generations"].close()
    assert not syncer.owner.is_set()


def test_without_an_index_pages_answer_503_and_nothing_is_built(tmp_path, content_dir):
    """create_app only wires things up; requests never build: they get a clear 503 until the sync owner
    has published."""
    from kb.web import create_app

    index_dir = tmp_path / "kosong"
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir)})
    client = app.test_client()
    for path in ("/", "/cari?q=migran", "/inovasi/simpadu-pmi", "/penghargaan/"):
        resp = client.get(path)
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "5", path
        assert "Indeks pencarian sedang dibangun" in resp.get_data(as_text=True)
    api = client.get("/api/v1/search?q=migran")
    assert api.status_code == 503 and api.get_json()["error"]["status"] == 503
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "building"
    assert not list(index_dir.glob("gen-*"))  # nothing was built by a request


def test_sync_command_serves_gunicorn_style_workers_and_hands_over(tmp_path, content_dir):
    """A deployment: `run.py sync` as its own process, web workers that only read. A second sync process
    stands by and takes over when the first one dies."""
    import subprocess
    import sys
    from pathlib import Path

    from kb.web import create_app

    root = Path(__file__).resolve().parent.parent
    index_dir = tmp_path / "ip"
    env = {"KB_NO_VENV": "1", "PATH": "/usr/bin:/bin", "KB_RELOAD_INTERVAL": "0.05",
           "KB_CONTENT_DIR": str(content_dir), "KB_INDEX_DIR": str(index_dir)}
    command = [sys.executable, str(root / "run.py"), "sync"]
    first = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
    second = None
    workers = [create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir)}) for _ in range(2)]
    clients = [w.test_client() for w in workers]
    try:
        assert _wait_for(lambda: clients[0].get("/healthz").status_code == 200)
        write_innovation(content_dir, "dari-proses", title="Dari Proses Sinkron", summary="Kata unik kecubung.")
        assert _wait_for(lambda: clients[0].get("/api/v1/search?q=kecubung").get_json()["total"] == 1)
        assert clients[1].get("/inovasi/dari-proses").status_code == 200  # every worker reads the same generation
        second = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
        first.kill()
        first.wait()
        write_innovation(content_dir, "serah-terima", title="Serah Terima", summary="Kata unik giok.")
        assert _wait_for(lambda: clients[1].get("/api/v1/search?q=giok").get_json()["total"] == 1)
        assert second.poll() is None
        second.terminate()  # a clean stop on SIGTERM
        assert second.wait(timeout=60) == 0
    finally:
        for proc in (first, second):
            if proc is not None:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
                proc.stderr.close()
        for worker in workers:
            worker.extensions["kb.generations"].close()
