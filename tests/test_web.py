"""Pages served from the real app on a temp catalogue and index."""
from __future__ import annotations

from tests.conftest import write_innovation


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
    app.extensions["kb.content"].refresh()  # what the watcher thread does within a second
    html = client.get("/inovasi/jahat").get_data(as_text=True)
    assert "<script>alert" not in html and "javascript:" not in html
    assert "onerror" not in html and "data:text/html" not in html


def test_broken_file_does_not_take_the_site_down(tmp_path, content_dir):
    from kb.web import create_app

    (content_dir / "innovations" / "rusak.md").write_text("---\ntitle: [tidak tertutup\n---\n", encoding="utf-8")
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
    app.extensions["kb.content"].refresh()
    html = client.get("/cari?q=zamrud").get_data(as_text=True)
    assert "/inovasi/baru" in html


def test_watcher_thread_picks_up_changes(tmp_path, content_dir):
    import time

    from kb.web import create_app

    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(tmp_path / "i3"), "RELOAD_INTERVAL": 0.05})
    client = app.test_client()
    assert client.get("/inovasi/baru-lagi").status_code == 404
    write_innovation(content_dir, "baru-lagi", title="Baru Lagi", summary="Kata unik safir.")
    deadline = time.monotonic() + 120  # a bound, not an expectation: the loop ends when the page is there
    while client.get("/inovasi/baru-lagi").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get("/inovasi/baru-lagi").status_code == 200
    assert client.get("/api/v1/search?q=safir").get_json()["total"] == 1  # indexed before it was served
    app.extensions["kb.content"].stop()
    app.extensions["kb.search"].close()


def test_existing_index_serves_searches_while_content_loads(tmp_path, content_dir):
    """With a live index the app starts at once; pages wait for the catalogue, searches do not."""
    from kb.search import update_index
    from kb.content import load_catalogue
    from kb.web import create_app

    update_index(load_catalogue(content_dir), tmp_path / "idx")
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(tmp_path / "idx"), "RELOAD_INTERVAL": 0})
    client = app.test_client()
    assert client.get("/api/v1/search?q=migran").get_json()["total"] >= 1
    assert client.get("/inovasi/simpadu-pmi").status_code == 200  # waits for the catalogue if needed
    app.extensions["kb.search"].close()


def _wait_for(check, seconds: float = 120) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_sync_child_process_keeps_workers_current_and_hands_over(tmp_path, content_dir, monkeypatch):
    """The default: a child process re-indexes; web workers only read the index and its records. With two
    workers, one child works and the other waits for the lock, taking over when the first one dies."""
    from kb.web import create_app

    monkeypatch.setenv("KB_SYNC", "process")
    settings = {"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(tmp_path / "ip"), "RELOAD_INTERVAL": 0.05}
    first = create_app(settings)
    assert "kb.content" not in first.extensions  # no catalogue in the web process
    client = first.test_client()
    assert first.extensions["kb.sync"].process is None  # started by the first request, not by create_app
    client.get("/healthz")
    write_innovation(content_dir, "dari-anak", title="Dari Proses Anak", summary="Kata unik kecubung.")
    assert _wait_for(lambda: client.get("/inovasi/dari-anak").status_code == 200)
    assert client.get("/api/v1/search?q=kecubung").get_json()["total"] == 1
    second = create_app(settings)  # another worker: its child waits, the first child holds the lock
    other = second.test_client()
    other.get("/healthz")
    children = [first.extensions["kb.sync"].process, second.extensions["kb.sync"].process]
    try:
        children[0].kill()
        children[0].wait()
        write_innovation(content_dir, "serah-terima", title="Serah Terima", summary="Kata unik giok.")
        assert _wait_for(lambda: other.get("/api/v1/search?q=giok").get_json()["total"] == 1)
        assert other.get("/inovasi/serah-terima").status_code == 200
        assert client.get("/inovasi/serah-terima").status_code == 200  # every worker reads the same records
        assert children[1].poll() is None
    finally:
        for child in children:
            child.kill()
            child.wait()
        first.extensions["kb.search"].close()
        second.extensions["kb.search"].close()


def test_sync_child_exits_when_its_parent_is_gone(tmp_path, content_dir):
    import subprocess
    import sys
    from pathlib import Path

    from kb.search import live_generation

    # A --parent that is not the child's parent looks exactly like a parent that died.
    child = subprocess.run([sys.executable, "-m", "kb.sync", "--content", str(content_dir), "--index",
                            str(tmp_path / "ix"), "--parent", "1"], cwd=Path(__file__).resolve().parent.parent,
                           timeout=30, capture_output=True, text=True)
    assert child.returncode == 0
    assert live_generation(tmp_path / "ix") is not None  # it brought the index up to date first
