"""The publish pipeline: the three bugs of the tangled path (regression tests), incremental loading, and
what a generation does and does not carry over."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from kb.cli import cli
from kb.publish import Generation, Publisher, Syncer, publish
from kb.publish.builder import check
from kb.publish.records import RecordsFile
from kb.publish.state import Published
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
    plan = check(content_dir, index_dir)
    assert not plan.read  # nothing was read again
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


# -- the sync owner's incremental path: watcher-fed paths, state kept in memory, the safety scan --------
def wait_for(condition, timeout: float = 120.0):  # noqa: ANN001, ANN201
    """`condition()` once it is true; fails after a generous bound (the machine may be busy)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"not true after {timeout} s")


def title_of(index_dir, slug):  # noqa: ANN001, ANN201
    records = RecordsFile(store.current_generation(index_dir) / "records.sqlite")
    try:
        found = records.get(slug)
        return found.title if found is not None else None
    finally:
        records.close()


def test_a_publish_looks_only_at_the_paths_it_is_given_and_a_scan_finds_the_rest(content_dir, tmp_path):
    """The sync owner passes the paths its watcher reported; a change it was not told about (a lost
    notification) waits for the next full comparison (the safety scan)."""
    index_dir = tmp_path / "idx"
    publisher = Publisher(content_dir, index_dir)
    assert publisher.publish().scanned
    write_innovation(content_dir, "klinik-bumdesa", title="Klinik BUM Desa Baru")
    write_innovation(content_dir, "simpadu-banyuwangi", title="SIMPADU Banyuwangi Baru", region="Kabupaten Banyuwangi",
                     region_code="35.10", replicated_from="simpadu-pmi")
    told = publisher.publish(changed=["innovations/klinik-bumdesa.md", "innovations/_draft.md", "awards/x.md"])
    assert (told.mode, told.scanned, told.files_read, told.changed) == ("incremental", False, 1, 1)
    assert title_of(index_dir, "klinik-bumdesa") == "Klinik BUM Desa Baru"
    assert title_of(index_dir, "simpadu-banyuwangi") == "SIMPADU Banyuwangi"  # not told: not seen yet
    scanned = publisher.publish()
    assert (scanned.scanned, scanned.files_read) == (True, 1)
    assert title_of(index_dir, "simpadu-banyuwangi") == "SIMPADU Banyuwangi Baru"
    # A removed file reported by path is unpublished; a path that is not a content file changes nothing.
    (content_dir / "innovations" / "klinik-bumdesa.md").unlink()
    gone = publisher.publish(changed=["innovations/klinik-bumdesa.md"])
    assert (gone.deleted, gone.documents) == (1, 2) and title_of(index_dir, "klinik-bumdesa") is None
    assert publisher.publish(changed=["innovations/.swap.md", "elsewhere.md"]).mode == "unchanged"


def test_the_state_kept_in_memory_is_what_the_generation_holds(content_dir, tmp_path):
    """After any sequence of incremental publishes, what the publisher keeps between publishes equals what a
    cold start loads from the generation it published."""
    from tests.test_records import edit_steps

    index_dir = tmp_path / "idx"
    publisher = Publisher(content_dir, index_dir)
    publisher.publish()
    for step in edit_steps(content_dir):
        step()
        publisher.publish()
        kept = publisher.state
        records = RecordsFile(store.current_generation(index_dir) / "records.sqlite")
        loaded = Published.load(records, content_dir)
        records.close()
        assert kept is not None and kept.generation == loaded.generation
        assert kept.files == loaded.files
        assert {rel: [(i.line, i.field, i.message, i.severity) for i in found] for rel, found in kept.problems.items()} \
            == {rel: [(i.line, i.field, i.message, i.severity) for i in found] for rel, found in loaded.problems.items()}
        assert (kept.records, kept.aliases, kept.stale, kept.skipped, kept.slug_files, kept.award_rels) == \
            (loaded.records, loaded.aliases, loaded.stale, loaded.skipped, loaded.slug_files, loaded.award_rels)
        assert (kept.errors_and_warnings(), kept.award_keys, kept.awards) == \
            (loaded.errors_and_warnings(), loaded.award_keys, loaded.awards)
        assert (kept.graph.issues, kept.graph.valid, kept.graph.resolved, kept.graph.counts) == \
            (loaded.graph.issues, loaded.graph.valid, loaded.graph.resolved, loaded.graph.counts)


def test_a_publish_by_someone_else_is_noticed(content_dir, tmp_path):
    """`run.py index` next to the sync owner: the owner's next publish starts from the generation that is
    current, not from what it kept."""
    index_dir = tmp_path / "idx"
    publisher = Publisher(content_dir, index_dir)
    publisher.publish()
    write_innovation(content_dir, "baru", title="Inovasi Baru")
    assert publish(content_dir, index_dir).added == 1  # another process
    write_innovation(content_dir, "baru", title="Inovasi Baru Lagi")
    report = publisher.publish(changed=["innovations/baru.md"])
    assert (report.changed, report.scanned) == (1, True)
    assert title_of(index_dir, "baru") == "Inovasi Baru Lagi"


def test_the_sync_owner_publishes_what_its_watcher_reports(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    syncer = Syncer(content_dir, index_dir, interval=10)  # the safety scan only every 600 s
    syncer.start()
    try:
        first = syncer.last_report
        assert first is not None and first.scanned
        write_innovation(content_dir, "lewat-pengamat", title="Lewat Pengamat")
        report = wait_for(lambda: syncer.last_report if syncer.last_report.generation != first.generation else None)
        assert (report.scanned, report.files_read, report.added) == (False, 1, 1)
        assert title_of(index_dir, "lewat-pengamat") == "Lewat Pengamat"
        # A moved folder is more than its files' events tell: everything is compared.
        (content_dir / "innovations" / "sub").mkdir()
        (content_dir / "innovations" / "klinik-bumdesa.md").rename(content_dir / "innovations" / "sub" / "klinik-bumdesa.md")
        (content_dir / "innovations" / "sub").rename(content_dir / "innovations" / "pindah")
        wait_for(lambda: (RecordsFile(store.current_generation(index_dir) / "records.sqlite").files()
                          .get("innovations/pindah/klinik-bumdesa.md")))
        assert title_of(index_dir, "klinik-bumdesa") == "Klinik BUM Desa"
    finally:
        syncer.stop()


def test_a_change_the_watcher_cannot_see_is_found_by_the_safety_scan(content_dir, tmp_path):
    """A file changed through a hard link outside the content folder raises no notification for the
    folder; the periodic full comparison publishes it."""
    index_dir = tmp_path / "idx"
    outside = tmp_path / "elsewhere.md"
    os.link(content_dir / "innovations" / "klinik-bumdesa.md", outside)
    syncer = Syncer(content_dir, index_dir, interval=0.05)  # the safety scan every 3 s
    syncer.start()
    try:
        first = syncer.last_report
        outside.write_text(outside.read_text(encoding="utf-8").replace("title: Klinik BUM Desa",
                                                                       "title: Klinik Tanpa Kabar"), encoding="utf-8")
        report = wait_for(lambda: syncer.last_report if syncer.last_report.generation != first.generation else None)
        assert report.scanned and report.changed == 1
        assert title_of(index_dir, "klinik-bumdesa") == "Klinik Tanpa Kabar"
    finally:
        syncer.stop()


def test_a_killed_publish_leaves_the_previous_generation_serving(tmp_path):
    """A publish killed at any point (here: while it writes a new generation) changes nothing readers see;
    the next publish removes what it left and publishes."""
    from bench.corpus import write_corpus

    content, index_dir = tmp_path / "content", tmp_path / "idx"
    write_corpus(content, 400)
    publish(content, index_dir)
    before = store.current_generation(index_dir)
    files = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in before.iterdir()}
    killed = False
    for attempt in range(5):
        # Renaming an award changes what every file's awards resolve to: every record is written again.
        award = content / "awards" / "sinovik.md"
        award.write_text(award.read_text(encoding="utf-8").replace("name: ", f"name: Ulang {attempt} ", 1),
                         encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from kb.publish import publish; "
                                 "publish(sys.argv[1], sys.argv[2])", str(content), str(index_dir)],
                                cwd=Path(__file__).resolve().parent.parent)
        try:
            wait_for(lambda: proc.poll() is not None or any(
                p.name.startswith("gen-") and p != before for p in index_dir.iterdir()))
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait()
        if store.current_generation(index_dir) == before:
            killed = True
            break
        before = store.current_generation(index_dir)  # it finished first: try again from there
        files = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in before.iterdir()}
    assert killed
    assert {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in before.iterdir()} == files
    generation = Generation(before).open()
    try:
        assert generation.search.search("desa").total > 0 and len(generation.records) == 400
    finally:
        generation.close()
    abandoned = [p for p in index_dir.iterdir() if p.name.startswith("gen-") and p != before]
    report = publish(content, index_dir)
    assert report.mode == "incremental" and report.changed == 400
    assert not any(p.exists() for p in abandoned if p.name != report.generation)


def test_the_spelling_vocabulary_of_a_generation_is_that_of_its_index(content_dir, tmp_path):
    """Written per segment (only new segments are read), summed by readers: always what the generation's
    own index holds, after any number of incremental publishes."""
    from whoosh import index as whoosh_index

    from kb.search import spelling
    from kb.search.indexer import read_spelling

    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    for n in range(3):
        write_innovation(content_dir, f"baru-{n}", title=f"Gempito Ceria {n}", summary=f"Kata unik{n} baru.")
        (content_dir / "innovations" / "klinik-bumdesa.md").unlink(missing_ok=True)
        publish(content_dir, index_dir)
        folder = store.current_generation(index_dir)
        ix = whoosh_index.open_dir(str(folder))
        with ix.reader() as reader:
            assert len(list(reader.leaf_readers())) > 1
            assert read_spelling(folder) == spelling.vocabulary(reader)
        ix.close()


def test_an_empty_catalogue_publishes_and_serves_then_grows(tmp_path):
    """A new content repository starts empty: publishing it must not fail (Whoosh's reader of an index
    without documents has no segment and no columns), and the site answers every page."""
    content, index = tmp_path / "content", tmp_path / "index"
    (content / "innovations").mkdir(parents=True)
    (content / "awards").mkdir()
    assert publish(content, index).mode == "full"
    client = create_app({"CONTENT_DIR": str(content), "INDEX_DIR": str(index)}).test_client()
    for url in ["/", "/cari?q=sampah", "/cari?q=sampahh", "/api/v1/search?q=x", "/api/v1/stats", "/statistik",
                "/replikasi", "/untuk/35.10", "/sitemap.xml", "/healthz"]:
        assert client.get(url).status_code == 200, url
    write_innovation(content, "bank-sampah", title="Bank Sampah Desa")
    publish(content, index)
    client = create_app({"CONTENT_DIR": str(content), "INDEX_DIR": str(index)}).test_client()
    assert [r["slug"] for r in client.get("/api/v1/search?q=sampah").get_json()["results"]] == ["bank-sampah"]
