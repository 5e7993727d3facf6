"""The records file pages read: lossless round trips, groupings equal to counting the loaded catalogue,
incremental publishes, and the generation that publishes it."""
from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from kb.content import load_catalogue
from kb.publish import publish
from kb.publish.records import RecordsFile
from kb.search import store
from tests.conftest import write_innovation

ROOT = Path(__file__).resolve().parent.parent


def published(content: Path, index_dir: Path) -> RecordsFile:
    """Publish `content` and open the records of the new current generation."""
    publish(content, index_dir)
    return RecordsFile(store.current_generation(index_dir) / "records.sqlite")


@pytest.fixture
def bundled(tmp_path):
    cat = load_catalogue(ROOT / "content")
    records = published(ROOT / "content", tmp_path / "idx")
    yield cat, records
    records.close()


def test_every_bundled_record_round_trips(bundled):
    cat, records = bundled
    files = list((ROOT / "content" / "innovations").glob("*.md"))
    assert len(records) == len(cat.innovations) == len(files) > 0
    for slug, inn in cat.innovations.items():
        assert records.get(slug) == inn
    # Bodies are kept compressed beside the record and read on their own.
    assert {s: dataclasses.replace(a, body=records.award_body(s)) for s, a in records.awards.items()} == cat.awards
    assert records.get("no-such-slug") is None


def test_groupings_equal_counting_the_catalogue(bundled):
    cat, records = bundled
    sectors = Counter(s for inn in cat.innovations.values() for s in inn.sectors)
    assert {s: n for s, n in records.sector_counts() if n} == dict(sectors)
    awards = Counter(a for inn in cat.innovations.values() for a in {r.award for r in inn.awards})
    assert {s: n for s, n in records.award_counts() if n} == dict(awards)
    for award in cat.awards:
        years = Counter(y for inn in cat.innovations.values() for y in {r.year for r in inn.awards if r.award == award})
        assert dict(records.award_years(award)) == dict(years)
        held = {(inn.slug, ref.year) for inn in cat.innovations.values() for ref in inn.awards if ref.award == award}
        assert sorted((i.slug, r.year) for i, r in records.with_award(award)) == sorted(held)
    jatim = [r for r in records.region_counts() if r["code"] == "35"][0]
    assert jatim["innovations"] == sum(1 for inn in cat.innovations.values() if inn.province_code == "35")
    assert jatim["replications"] == sum(1 for inn in cat.innovations.values() for r in inn.replications
                                        if r.region_code and r.region_code.split(".")[0] == "35" and "." in r.region_code)
    for inn in cat.innovations.values():
        assert records.replication_count(inn.slug) == cat.replication_count(inn)
        assert [r.slug for r in records.replicas_of(inn.slug)] == sorted(r.slug for r in cat.replicas_of(inn.slug))
    newest = records.newest(5)
    assert [i.year for i in newest] == sorted((i.year for i in cat.innovations.values()), reverse=True)[:5]
    assert [slug for slug, _ in records.slugs_updated()] == sorted(cat.innovations)


def test_region_summary_of_a_province_includes_its_regencies(bundled):
    cat, records = bundled
    summary = records.region_summary("35")
    assert summary is not None and summary.is_province
    assert summary.originated_total == len(summary.originated) == sum(
        1 for inn in cat.innovations.values() if inn.province_code == "35")
    assert records.region_summary("35", limit=2).originated_total == summary.originated_total
    assert len(records.region_summary("35", limit=2).originated) == 2
    assert records.region_summary("99.99") is None


def test_incremental_publish_changes_only_what_changed(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    records = published(content_dir, index_dir)
    assert records.canonical_slug("SIMPADU") == "simpadu-pmi"  # alias, any case
    before = dict(records.sector_counts())
    write_innovation(content_dir, "baru", title="Inovasi Baru", sectors=["kesehatan"])
    (content_dir / "innovations" / "klinik-bumdesa.md").unlink()
    after_records = published(content_dir, index_dir)
    assert after_records.get("baru").title == "Inovasi Baru"
    assert after_records.get("klinik-bumdesa") is None
    assert dict(after_records.sector_counts())["kesehatan"] == before["kesehatan"] + 1
    assert records.get("klinik-bumdesa") is not None  # the previous generation's file never changes
    records.close()
    after_records.close()


def test_publish_updates_records_and_awards(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    records = published(content_dir, index_dir)
    assert records.summary()["errors"] == 0
    write_innovation(content_dir, "simpadu-pmi", title="SIMPADU-PMI Baru", aliases=["simpadu"],
                     replications=[])
    (content_dir / "awards" / "unpsa.md").write_text("---\nname: UNPSA\norganizer: PBB\n---\nTeks.\n", encoding="utf-8")
    records.close()
    records = published(content_dir, index_dir)
    assert records.get("simpadu-pmi").title == "SIMPADU-PMI Baru"
    assert records.replication_count("simpadu-pmi") == 1  # the replica's own write-up still counts
    assert records.awards["unpsa"].name == "UNPSA"
    assert records.award_body("unpsa") == "Teks.\n"
    records.close()


def test_an_award_change_alone_is_published(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    (content_dir / "awards" / "unpsa.md").write_text("---\nname: United Nations Public Service Awards\n"
                                                     "organizer: PBB\n---\nTeks baru.\n", encoding="utf-8")
    assert publish(content_dir, index_dir).mode == "incremental"
    records = RecordsFile(store.current_generation(index_dir) / "records.sqlite")
    assert records.awards["unpsa"].organizer == "PBB" and records.award_body("unpsa") == "Teks baru.\n"
    records.close()


def test_a_moved_file_is_followed(content_dir, tmp_path):
    """Moving a write-up into a subfolder changes nothing but its path: the record follows it."""
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    target = content_dir / "innovations" / "sub" / "klinik-bumdesa.md"
    target.parent.mkdir()
    (content_dir / "innovations" / "klinik-bumdesa.md").rename(target)
    records = published(content_dir, index_dir)
    moved = records.get("klinik-bumdesa")
    assert moved.path == target.resolve() and "Latar Belakang" in records.body("klinik-bumdesa")
    records.close()


def test_damaged_records_file_means_a_full_rebuild(content_dir, tmp_path):
    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    (store.current_generation(index_dir) / "records.sqlite").write_bytes(b"not a database" * 100)
    assert publish(content_dir, index_dir).mode == "full"
    records = RecordsFile(store.current_generation(index_dir) / "records.sqlite")
    assert len(records) == 3
    records.close()


def test_award_holders_list_each_innovation_once_per_year(content_dir, tmp_path):
    write_innovation(content_dir, "dua-peringkat", title="Dua Peringkat",
                     awards=[{"name": "sinovik", "year": 2019, "rank": "Top 99"},
                             {"name": "sinovik", "year": 2019, "rank": "Top 45"},
                             {"name": "sinovik", "year": 2020, "rank": "Top 99"}])
    records = published(content_dir, tmp_path / "idx")
    rows = [(i.slug, r.year, r.rank) for i, r in records.with_award("sinovik") if i.slug == "dua-peringkat"]
    assert rows == [("dua-peringkat", 2020, "Top 99"), ("dua-peringkat", 2019, "Top 99, Top 45")]
    assert dict(records.award_years("sinovik"))[2019] == 1
    assert len(records.with_award("sinovik", limit=1)) == 1
    records.close()


# -- overlays: a generation's records as the changes over a full base file -----------------------------
def snapshot(records: RecordsFile) -> dict:
    """Everything pages, the API and the next publish can read from a records file."""
    slugs = [slug for slug, _ in records.slugs_updated()]
    sectors = [s for s, _ in records.sector_counts()]
    awards = list(records.awards)
    codes = [row["code"] for row in records.region_counts()]
    meta = {k: v for k, v in records.summary().items() if k not in ("checked_at", "id", "base")}
    return {
        "slugs": slugs, "len": len(records), "meta": meta,
        "records": {slug: (records.get(slug), records.body(slug), records.replication_count(slug),
                           [r.slug for r in records.replicas_of(slug)], records.newer_version_problems(slug))
                    for slug in slugs},
        "counted": records.counted(slugs[::-1]),
        "aliases": records.aliases(), "canonical": {a: records.canonical_slug(a.upper()) for a in records.aliases()},
        "files": records.files(), "states": records.states(),
        "problems": sorted(map(str, records.problems())), "file_problems": sorted(map(str, records.file_problems())),
        "sectors": records.sector_counts(), "in_sector": {s: records.in_sector(s, limit=4) for s in sectors},
        "award_counts": records.award_counts(),
        "award_years": {a: records.award_years(a) for a in awards},
        "with_award": {a: records.with_award(a) for a in awards},
        "award_bodies": {a: records.award_body(a) for a in awards},
        "regions": records.region_counts(),
        "region_summaries": {c: records.region_summary(c, limit=3) for c in codes},
        "newest": records.newest(5), "recent": records.recently_updated(5),
        "recent_by": {s: records.recently_updated(3, sector=s) for s in sectors},
        "most_replicated": records.most_replicated(3),
        "sitemap_page": list(records.slugs_updated(limit=3, offset=2)),
    }


def current_records(index_dir: Path) -> RecordsFile:
    return RecordsFile(store.current_generation(index_dir) / "records.sqlite")


def edit_steps(root: Path):  # noqa: ANN201
    """A sequence of edits an author makes; after each the incremental and the full publish must agree."""
    yield lambda: write_innovation(root, "baru", title="Inovasi Baru", sectors=["kesehatan"], aliases=["baru-lama"])
    yield lambda: write_innovation(root, "simpadu-pmi", title="SIMPADU-PMI Baru", aliases=["pmi-jatim"],
                                   replications=[])
    yield lambda: (root / "innovations" / "klinik-bumdesa.md").unlink()
    yield lambda: (root / "innovations" / "simpadu-banyuwangi.md").write_text("---\ntitle: [rusak\n---\n",
                                                                              encoding="utf-8")
    yield lambda: write_innovation(root, "replika", title="Replika", region="Kabupaten Lamongan",
                                   region_code="35.24", replicated_from="pmi-jatim")
    yield lambda: write_innovation(root, "simpadu-banyuwangi", title="SIMPADU Banyuwangi", region="Kabupaten Banyuwangi",
                                   region_code="35.10", year=2021, replicated_from="pmi-jatim")
    yield lambda: write_innovation(root, "klinik-bumdesa", title="Klinik BUM Desa Lagi", aliases=["baru-lama"])


def test_an_overlay_serves_exactly_what_a_full_rebuild_serves(content_dir, tmp_path):
    """Each incremental publish writes an overlay over the first full records file; after every edit its
    every reading equals that of a full rebuild of the same folder (which keeps the same stale records)."""
    incremental, rebuilt = tmp_path / "inc", tmp_path / "full"
    publish(content_dir, incremental)
    publish(content_dir, rebuilt)
    base = current_records(incremental).path
    for step in edit_steps(content_dir):
        step()
        report = publish(content_dir, incremental)
        publish(content_dir, rebuilt, rebuild=True)
        assert report.records == "overlay"
        folder = store.current_generation(incremental)
        assert (folder / "records-base.sqlite").stat().st_ino == base.stat().st_ino  # linked, never copied
        ours, theirs = current_records(incremental), current_records(rebuilt)
        assert ours.is_overlay and not theirs.is_overlay
        assert snapshot(ours) == snapshot(theirs)
        ours.close()
        theirs.close()


def test_a_replication_snapshot_from_base_and_overlay_equals_one_read_whole(content_dir, tmp_path):
    """kb/web/snapshot.py reads each base record's part once and only the overlay's records for a new
    generation: after every edit (replicas added, claims changed, an original's list emptied, a file broken
    and removed) the snapshot equals one built from every record the generation serves."""
    from kb.replication import Snapshot
    from kb.web import snapshot as web_snapshot

    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    first = current_records(index_dir)
    assert web_snapshot.build(first) == Snapshot.build(first.many([s for s, _ in first.slugs_updated()]))
    for step in edit_steps(content_dir):
        step()
        publish(content_dir, index_dir)
        records = current_records(index_dir)
        assert records.is_overlay and records.base_id == first.base_id
        assert first.base_id in web_snapshot._base_parts  # the base's parts, kept from the first build
        whole = Snapshot.build(records.many([s for s, _ in records.slugs_updated()]))
        assert whole.links  # replications to compare
        assert web_snapshot.build(records) == whole
        records.close()
    first.close()


def test_a_grown_overlay_is_compacted_into_a_full_file(content_dir, tmp_path):
    from kb.publish import Publisher

    index_dir = tmp_path / "idx"
    publisher = Publisher(content_dir, index_dir, overlay_limit=2)
    publisher.publish()
    hows = []
    for n, step in enumerate(edit_steps(content_dir)):
        step()
        hows.append(publisher.publish().records)
        folder = store.current_generation(index_dir)
        records = current_records(index_dir)
        assert records.is_overlay == (hows[-1] == "overlay")
        assert (folder / "records-base.sqlite").exists() == records.is_overlay
        reference = tmp_path / f"ref{n}"
        publish(content_dir, reference)  # from scratch: no stale records to keep, so compare the rest
        fresh = current_records(reference)
        mine, theirs = snapshot(records), snapshot(fresh)
        stale = {slug for slug, state in records.states().items() if state[2]}
        for key in ("slugs", "records", "states", "counted", "aliases", "canonical", "len", "in_sector", "newest",
                    "recent", "recent_by", "sectors", "with_award", "regions", "region_summaries", "sitemap_page",
                    "award_years", "award_counts", "most_replicated"):
            if not stale:
                assert mine[key] == theirs[key], key
        assert mine["files"] == theirs["files"] and mine["problems"] == theirs["problems"]
        records.close()
        fresh.close()
    assert "compacted" in hows and "overlay" in hows
    assert hows.index("compacted") < len(hows) - 1  # an overlay over the compacted file follows it


def test_an_overlay_without_its_base_is_unreadable(content_dir, tmp_path):
    from kb.publish.records import readable

    index_dir = tmp_path / "idx"
    publish(content_dir, index_dir)
    write_innovation(content_dir, "baru", title="Inovasi Baru")
    publish(content_dir, index_dir)
    folder = store.current_generation(index_dir)
    assert readable(folder / "records.sqlite")
    (folder / "records-base.sqlite").unlink()
    assert not readable(folder / "records.sqlite")
    assert publish(content_dir, index_dir).mode == "full"  # a generation it cannot read is rebuilt


def test_a_full_build_that_spills_its_records_writes_the_same_generation(content_dir, tmp_path):
    """Large full builds keep the records they read in a temporary file until written, not in memory."""
    from kb.publish import Publisher

    for slug in ("satu", "dua", "tiga"):
        write_innovation(content_dir, slug, title=f"Inovasi {slug.title()}", replicated_from="simpadu")
    spilled, kept = tmp_path / "spilled", tmp_path / "kept"
    assert Publisher(content_dir, spilled, spill_from=0).publish().mode == "full"
    assert Publisher(content_dir, kept, spill_from=10**9).publish().mode == "full"
    ours, theirs = current_records(spilled), current_records(kept)
    assert snapshot(ours) == snapshot(theirs) and len(ours) == 6
    assert ours.replication_count("simpadu-pmi") == 4
    ours.close()
    theirs.close()


def test_a_full_build_with_its_helper_process_writes_the_same_generation(tmp_path, monkeypatch):
    """From `HELPER_FROM` files, a full build reads part of the files and prepares the records in a helper
    process (kb/publish/prepare.py): the generation is the one the build writes alone."""
    from kb.publish import prepare
    from kb.search import SearchIndex

    corpus = ROOT / "tests" / "relevance" / "corpus"
    monkeypatch.setattr(prepare, "READ_CHUNK", 4)
    monkeypatch.setattr(prepare, "HELPER_FROM", 10**9)
    publish(corpus, tmp_path / "alone")
    monkeypatch.setattr(prepare, "HELPER_FROM", 1)
    publish(corpus, tmp_path / "helped")
    alone, helped = current_records(tmp_path / "alone"), current_records(tmp_path / "helped")
    assert snapshot(helped) == snapshot(alone) and len(helped) > 50
    alone.close()
    helped.close()
    indexes = [SearchIndex(tmp_path / name) for name in ("alone", "helped")]
    try:
        for query in ("air bersih", "desa", "pelayanan kesehatan ibu", "beasiswa"):
            first, second = (index.search(query) for index in indexes)
            assert [(h.slug, h.score) for h in first.hits] == [(h.slug, h.score) for h in second.hits]
            assert first.total == second.total > 0
    finally:
        for index in indexes:
            index.close()
