"""The publish pipeline: the three bugs of the tangled path (regression tests), incremental loading, and
what a generation does and does not carry over."""
from __future__ import annotations

import logging
import os

from click.testing import CliRunner

from kb.cli import cli
from kb.publish import publish
from kb.publish.builder import previous_records
from kb.publish.changes import make_plan
from kb.search import SearchIndex, store
from kb.web import create_app
from tests.conftest import innovation_data, write_file, write_innovation


def test_a_new_write_up_is_found_by_its_own_name(content_dir, tmp_path):
    """Bug 1: the spelling vocabulary was carried over incremental updates, so "gempito" (new) was corrected
    into "gempita" (old) until a full rebuild. Every generation now has its own vocabulary."""
    index_dir = tmp_path / "idx"
    write_innovation(content_dir, "gempita", title="GEMPITA", summary="Gerakan bersama warga desa.")
    publish(content_dir, index_dir)
    write_innovation(content_dir, "gempito-ceria", title="Gempito Ceria", summary="Layanan ramah anak.")
    assert publish(content_dir, index_dir).mode == "incremental"
    index = SearchIndex(index_dir)
    try:
        result = index.search("gempito")
        assert result.hits[0].slug == "gempito-ceria"
        assert result.corrected is None and result.suggestion is None
    finally:
        index.close()


def test_front_matter_never_shows_as_body_text(content_dir, tmp_path):
    """Bug 2: records kept a character offset into the file, so a grown front matter leaked into the body
    until the index caught up (never, with KB_RELOAD_INTERVAL=0). Pages now show the published body."""
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir), "RELOAD_INTERVAL": 0})
    client = app.test_client()
    # The file grows by many front-matter lines and is not published (nobody is syncing).
    write_innovation(content_dir, "klinik-bumdesa", title="Klinik BUM Desa", sectors=["pemberdayaan-masyarakat-desa"],
                     tags=[f"label-panjang-nomor-{n}" for n in range(40)])
    html = client.get("/inovasi/klinik-bumdesa").get_data(as_text=True)
    api = client.get("/api/v1/innovations/klinik-bumdesa").get_json()["html"]
    for text in (html, api):
        assert "label-panjang-nomor" not in text and "sectors:" not in text
        assert "Banyak pekerja migran berangkat" in text  # the body, from its first line
    app.extensions["kb.generations"].close()


def test_a_typo_in_a_published_file_keeps_its_last_good_version(content_dir, tmp_path, caplog):
    """Bug 3: a YAML error in a published write-up took its permalink offline. The last good version keeps
    serving; `check` and the log name the problem; editors (SHOW_PROBLEMS) see it on the page."""
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    path = content_dir / "innovations" / "simpadu-pmi.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: SIMPADU-PMI", "title: [SIMPADU-PMI", 1), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        report = publish(content_dir, index_dir)
    assert (report.mode, report.stale, report.documents) == ("incremental", 1, 3)
    assert any("simpadu-pmi.md:3: front matter: invalid YAML" in r.getMessage() for r in caplog.records)
    assert any("serving its last good version" in r.getMessage() for r in caplog.records)
    public = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir)})
    editors = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir), "SHOW_PROBLEMS": True})
    page = public.test_client().get("/inovasi/simpadu-pmi")
    assert page.status_code == 200 and "SIMPADU-PMI" in page.get_data(as_text=True)
    assert "gagal validasi" not in page.get_data(as_text=True)
    assert public.test_client().get("/api/v1/search?q=simpadu").get_json()["total"] >= 1  # still searchable
    assert public.test_client().get("/inovasi/simpadu").headers["Location"].endswith("/inovasi/simpadu-pmi")
    preview = editors.test_client().get("/inovasi/simpadu-pmi").get_data(as_text=True)
    assert "gagal validasi" in preview and "invalid YAML" in preview
    checked = CliRunner().invoke(cli, ["check", "--content-dir", str(content_dir), "--index-dir", str(index_dir)])
    assert checked.exit_code == 1
    assert "simpadu-pmi.md:3: front matter: invalid YAML" in checked.output
    assert "simpadu-pmi: the site keeps serving its last good version" in checked.output
    # Fixed: the new version is published and the notice goes away.
    path.write_text(good.replace("title: SIMPADU-PMI", "title: SIMPADU-PMI Baru", 1), encoding="utf-8")
    assert publish(content_dir, index_dir).stale == 0
    fixed = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir), "SHOW_PROBLEMS": True})
    html = fixed.test_client().get("/inovasi/simpadu-pmi").get_data(as_text=True)
    assert "SIMPADU-PMI Baru" in html and "gagal validasi" not in html
    for app in (public, editors, fixed):
        app.extensions["kb.generations"].close()


def test_a_broken_new_file_is_not_served(content_dir, tmp_path):
    """Only a file that was published before has a last good version to keep."""
    index_dir = tmp_path / "idx"
    write_file(content_dir / "innovations" / "baru-rusak.md", "title: [tidak tertutup\n")
    report = publish(content_dir, index_dir)
    assert report.stale == 0 and report.skipped_files == 1
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir)})
    assert app.test_client().get("/inovasi/baru-rusak").status_code == 404
    app.extensions["kb.generations"].close()


def test_unchanged_files_are_not_read_again(content_dir, tmp_path):
    """Incremental loading: with a published generation, only innovation files whose size or mtime changed
    are read; an edit re-reads that file alone and re-writes only the records it affects."""
    index_dir = tmp_path / "idx"
    assert publish(content_dir, index_dir).files_read == 3
    again = publish(content_dir, index_dir)
    assert (again.mode, again.files_read) == ("unchanged", 0)
    # A new replica's write-up: its original's replication count changes, so the original is re-written
    # (from the published generation, without reading its file); the unrelated write-up is left alone.
    write_innovation(content_dir, "simpadu-lamongan", title="SIMPADU Lamongan", region="Kabupaten Lamongan",
                     region_code="35.24", replicated_from="simpadu-pmi")
    report = publish(content_dir, index_dir)
    assert (report.mode, report.files_read, report.added, report.changed) == ("incremental", 1, 1, 1)
    index = SearchIndex(index_dir)
    try:
        counts = {h.slug: h.replications for h in index.search("").hits}
    finally:
        index.close()
    assert counts["simpadu-pmi"] == 2 and counts["klinik-bumdesa"] == 0


def test_check_uses_the_published_generation_and_agrees_with_a_cold_check(content_dir, tmp_path):
    write_file(content_dir / "innovations" / "rusak.md", innovation_data(year="dua ribu"))
    index_dir = tmp_path / "idx"
    cold = CliRunner().invoke(cli, ["check", "--content-dir", str(content_dir), "--index-dir", str(tmp_path / "none")])
    publish(content_dir, index_dir)
    previous = previous_records(index_dir, content_dir)
    assert previous is not None
    plan = make_plan(content_dir, previous)
    assert not plan.read  # nothing was read again
    previous.close()
    warm = CliRunner().invoke(cli, ["check", "--content-dir", str(content_dir), "--index-dir", str(index_dir)])
    assert warm.output == cold.output and warm.exit_code == cold.exit_code == 1
    assert "rusak.md:9: year: expected a whole number" in warm.output


def test_a_publish_never_changes_a_published_generation(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    first = store.current_generation(index_dir)
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in first.iterdir()}
    write_innovation(content_dir, "baru", title="Inovasi Baru")
    publish(content_dir, index_dir)
    assert store.current_generation(index_dir) != first
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in first.iterdir() if p.name != store.REPLACED}
    assert after == before


def test_a_missing_content_folder_publishes_nothing(content_dir, tmp_path):
    """A wrong path or an unmounted volume must not unpublish every page."""
    import pytest

    from kb.publish import ContentMissing

    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    gen = store.current_generation(index_dir)
    with pytest.raises(ContentMissing):
        publish(tmp_path / "nowhere", index_dir)
    assert store.current_generation(index_dir) == gen
    assert os.path.isdir(gen)
