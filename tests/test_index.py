"""The search index: built from real files into a temp dir, swapped atomically, updated incrementally."""
from __future__ import annotations

import json

import pytest

from kb.publish import publish
from kb.search import SearchIndex
from kb.search import store
from kb.search.schema import SCHEMA_VERSION
from tests.conftest import write_innovation


def test_full_build_then_unchanged(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    report = publish(content_dir, index_dir)
    assert (report.mode, report.documents) == ("full", 3)
    assert report.summary_line().startswith("full rebuild: 3 documents, 0 files skipped, ")
    again = publish(content_dir, index_dir)
    assert (again.mode, again.documents) == ("unchanged", 3)


def test_incremental_update_touches_only_what_changed(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    gen = store.current_generation(index_dir)
    write_innovation(content_dir, "klinik-bumdesa", title="Klinik BUM Desa", summary="Kata unik zamrud.",
                     sectors=["pemberdayaan-masyarakat-desa"])
    write_innovation(content_dir, "baru-sekali", title="Inovasi Baru", summary="Kata unik safir.")
    (content_dir / "innovations" / "simpadu-banyuwangi.md").unlink()
    report = publish(content_dir, index_dir)
    # simpadu-pmi's replication link to the deleted write-up no longer resolves: an error in its file, so it
    # stays at its last good version (stale) instead of going offline.
    assert (report.mode, report.added, report.changed, report.deleted, report.stale) == ("incremental", 1, 1, 1, 1)
    assert store.current_generation(index_dir) != gen  # a new generation; the old one is left as it was
    idx, old = SearchIndex(index_dir), SearchIndex(index_dir, generation=gen)
    try:
        assert [h.slug for h in idx.search("zamrud").hits] == ["klinik-bumdesa"]
        assert [h.slug for h in idx.search("safir").hits] == ["baru-sekali"]
        assert sorted(h.slug for h in idx.search("").hits) == ["baru-sekali", "klinik-bumdesa", "simpadu-pmi"]
        assert sorted(h.slug for h in old.search("").hits) == ["klinik-bumdesa", "simpadu-banyuwangi", "simpadu-pmi"]
        assert old.search("zamrud").total == 0
    finally:
        idx.close()
        old.close()


def test_rebuild_swaps_generation_atomically(content_dir, tmp_path, monkeypatch):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    first = store.current_generation(index_dir)
    idx = SearchIndex(index_dir)
    try:
        assert idx.search("migran").total >= 1  # a reader holds the first generation open
        publish(content_dir, index_dir, rebuild=True)
        second = store.current_generation(index_dir)
        assert second != first and first.exists()  # the previous one stays for readers still using it
        assert idx.search("migran").total >= 1  # the reader moves to the new generation
        assert idx.generation == second
        publish(content_dir, index_dir, rebuild=True)
        assert first.exists()  # replaced moments ago: a reader may still be opening it
        monkeypatch.setattr(store, "RETAIN_SECONDS", 0.0)
        publish(content_dir, index_dir, rebuild=True)
        assert not first.exists()  # generations replaced long enough ago are cleaned up
        assert len(list(index_dir.glob("gen-*"))) == 2  # current and previous
    finally:
        idx.close()


def test_half_built_generation_is_never_current(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    good = store.current_generation(index_dir)
    abandoned = store.new_generation(index_dir)  # as left by an indexer killed mid-build
    (abandoned / "junk").write_text("partial")
    assert store.current_generation(index_dir) == good
    assert SearchIndex(index_dir).search("").total == 3


def test_old_schema_version_triggers_rebuild(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    gen = store.current_generation(index_dir)
    manifest = json.loads((gen / store.MANIFEST).read_text())
    manifest["schema_version"] = SCHEMA_VERSION - 1
    (gen / store.MANIFEST).write_text(json.dumps(manifest))
    assert publish(content_dir, index_dir).mode == "full"


def test_missing_pointer_means_no_index(tmp_path):
    assert store.current_generation(tmp_path / "nothing") is None
    assert SearchIndex(tmp_path / "nothing").search("apa saja").total == 0


def test_query_syntax_never_raises(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    idx = SearchIndex(index_dir)
    try:
        everything = idx.search("").total
        for query in ["AND(", "*", "\x00", "OR OR", '"pekerja migran', "🙂 migran"]:
            assert idx.search(query).total == everything, query  # every write-up here mentions migran
        for query in ["title:", "x" * 10_000]:
            assert idx.search(query).total == 0, query
        assert idx.search('"pekerja migran"').total >= 1
    finally:
        idx.close()


def test_segment_parts_are_read_in_place_not_copied(content_dir, tmp_path):
    """Whoosh copies each part of a compound segment into a BytesIO; ours reads the memory map in place,
    with the same file semantics."""
    import io

    from whoosh import index as whoosh_index
    from whoosh.filedb.compound import CompoundStorage

    from kb.search import store
    from kb.search.segments import ViewBufferFile, _ViewReader

    publish(content_dir, tmp_path / "idx")
    ix = whoosh_index.open_dir(str(store.current_generation(tmp_path / "idx")))
    segment = ix._segments()[0]
    storage = segment.open_compound_file(ix.storage)
    assert isinstance(storage, CompoundStorage)
    part = storage.open_file(storage.list()[0])
    assert isinstance(part, ViewBufferFile)
    storage.close()
    ix.close()

    data = b"line one\nline two\n\x00\x01binary"
    ours, reference = _ViewReader(memoryview(data)), io.BytesIO(data)
    for op, args in [("read", (4,)), ("readline", ()), ("tell", ()), ("seek", (2, 1)), ("read", (3,)),
                     ("seek", (-3, 2)), ("read", (-1,)), ("read", (5,)), ("seek", (0, 0)), ("readline", (3,)),
                     ("readline", ()), ("read", ()), ("seek", (5, 2)), ("read", (2,)), ("tell", ()),
                     ("readline", ()), ("tell", ())]:
        assert getattr(ours, op)(*args) == getattr(reference, op)(*args), (op, args)
    with pytest.raises(ValueError):
        ours.seek(-1)
