"""Full builds write with kb.search.bulk instead of Whoosh's SegmentWriter, and may stem in a helper
process (kb.search.ahead): the index must be exactly the one Whoosh's own writer makes."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Positions

from kb.publish.changes import make_plan
from kb.search import ahead, analysis, bulk, indexer
from kb.search.bulk import BulkWriter

CORPUS = Path(__file__).parent / "relevance" / "corpus"  # 60-odd real write-ups


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    plan = make_plan(CORPUS, None, full=True)
    return [indexer.to_document(w.load(), w.replications) for _, w in sorted(plan.writes.items())]


def contents(folder: Path) -> dict[str, Any]:
    """Everything a reader can see of an index: every posting with its weight and encoded value, term
    statistics, stored fields, per-document lengths and field totals."""
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        terms = {}
        for fieldname in reader.indexed_field_names():
            for text in reader.lexicon(fieldname):
                info = reader.term_info(fieldname, text)
                postings = []
                matcher = reader.postings(fieldname, text)
                while matcher.is_active():
                    postings.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                terms[fieldname, text] = ((info.weight(), info.doc_frequency(), info.min_length(),
                                           info.max_length(), info.max_weight()), postings)
        count = reader.doc_count_all()
        names = reader.schema.names()
        found = {
            "terms": terms,
            "stored": [reader.stored_fields(n) for n in range(count)],
            "lengths": {f: [reader.doc_field_length(n, f) for n in range(count)] for f in names},
            "totals": {f: reader.field_length(f) for f in names},
            "segments": len(list(reader.leaf_readers())),
        }
    ix.close()
    return found


@pytest.fixture(scope="module")
def whoosh_built(documents, tmp_path_factory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("whoosh")
    ix = indexer.create(folder)
    writer = ix.writer()
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    ix.close()
    return contents(folder)


@pytest.mark.parametrize("limitmb", [64, 0.03])
def test_bulk_writer_writes_what_whoosh_writes(documents, whoosh_built, tmp_path, limitmb):
    ix = indexer.create(tmp_path)
    writer = BulkWriter(ix, limitmb=limitmb)
    for document in documents:
        writer.add_document(**document)
    spilled = len(writer.buffer.runs)
    writer.commit()
    ix.close()
    if limitmb < 1:
        assert spilled > 1  # the small buffer went to disk in runs, merged back term by term
    built = contents(tmp_path)
    assert built["segments"] == 1
    assert len(built["terms"]) > 5000
    for key in ("stored", "lengths", "totals"):
        assert built[key] == whoosh_built[key], key
    assert built["terms"].keys() == whoosh_built["terms"].keys()
    assert built["terms"] == whoosh_built["terms"]
    assert not (tmp_path / "MAIN.tmp").exists()  # runs removed


def test_bulk_writer_with_analysis_helper_writes_the_same(documents, whoosh_built, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "AHEAD_BATCH", 4)  # as a big build does it, at this corpus's scale
    monkeypatch.setattr(bulk, "AHEAD_DOCUMENTS", 12)
    analysis._stems.clear()
    ix = indexer.create(tmp_path)
    writer = BulkWriter(ix, analyse_ahead=True)
    helper = writer._helper
    assert helper is not None
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    ix.close()
    assert writer._helper is None and helper._proc.returncode is not None  # stopped with the commit
    assert contents(tmp_path) == whoosh_built


def test_analysis_helper_sends_each_documents_postings(tmp_path):
    analyzers = [analysis.IndonesianAnalyzer(True), analysis.IndonesianAnalyzer(False)]
    texts = [("Masyarakat memberdayakan kelompok-kelompok pengrajin.", "SIMPADU-PMI Jawa Timur"),
             ("Pelayanan perizinan terpadu; pelayanan cepat.", None)]
    helper = ahead.start([a.stemming for a in analyzers])
    assert helper is not None
    try:
        helper.send(10, texts)
        helper.send(12, texts[:1])
        found = {n: helper.postings(n) for n in (10, 11, 12)}
    finally:
        helper.close()
    for number, fields in zip((10, 11, 12), texts + texts[:1]):
        expected = [ahead.field_postings(a, t, {}) if t is not None else [] for a, t in zip(analyzers, fields)]
        assert found[number] == expected
    assert found[10][0][1][:2] == ("daya", 1)  # "memberdayakan" stemmed in the stemmed field
    assert ("simpadupmi", 1) in [p[:2] for p in found[10][1]]  # and not in the other


def test_build_goes_on_when_the_analysis_helper_dies(documents, whoosh_built, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "AHEAD_BATCH", 4)
    monkeypatch.setattr(bulk, "AHEAD_DOCUMENTS", 12)
    ix = indexer.create(tmp_path)
    writer = BulkWriter(ix, analyse_ahead=True)
    helper = writer._helper
    assert helper is not None
    helper._proc.kill()
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    ix.close()
    assert writer._helper is None and helper._proc.returncode is not None
    assert contents(tmp_path) == whoosh_built


def test_bulk_writer_refuses_an_index_with_documents(documents, tmp_path):
    ix = indexer.create(tmp_path)
    with ix.writer() as writer:
        writer.add_document(**documents[0])
    with pytest.raises(ValueError, match="new index only"):
        BulkWriter(ix)
    with ix.writer() as writer:  # the refused writer let go of the lock
        writer.add_document(**documents[1])
    assert ix.doc_count() == 2
    ix.close()


TEXTS = [
    "SIMPADU-PMI melayani pekerja migran: e-KTP, Dokter Plus+ dan ke-3 layanan; don't stop.",
    "Pemberdayaan masyarakat desa, pemberdayaan (lagi) dan keberdayaan 112 2020an 3-in-1 a.b.c café",
    "",
    "yang dan di ke dari",
    "-- ++ ..",
]


@pytest.mark.parametrize("stemming", [True, False])
def test_positions_are_what_whoosh_collects_from_the_tokens(stemming):
    analyzer = analysis.IndonesianAnalyzer(stemming)
    fmt = Positions()
    for text in TEXTS:
        expected = {w: fmt.decode_positions(v) for w, _, _, v in fmt.word_values(text, analyzer, mode="index")}
        assert analyzer.positions(text) == expected


def test_stem_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(analysis, "STEM_CACHE_SIZE", 50)
    analysis._stems.clear()
    for n in range(200):
        analysis.stem(f"pelayanan{'x' * (n % 7)}{n}")
    assert 0 < len(analysis._stems) <= 50
    assert analysis.stem("memberdayakan") == "daya"
