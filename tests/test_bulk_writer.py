"""Full builds write with kb.search.bulk instead of Whoosh's SegmentWriter, and may analyse in a helper
process (kb.publish.prepare, kb.search.ahead): the index must be exactly the one Whoosh's own writer makes."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Positions

from kb.publish.changes import make_plan
from kb.publish import prepare
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


@pytest.fixture(scope="module")
def records() -> list:
    plan = make_plan(CORPUS, None, full=True)
    return [(w.load(), w.replications) for _, w in sorted(plan.writes.items())]


def test_texts_prepared_in_the_helper_write_the_same_index(records, whoosh_built, tmp_path, monkeypatch):
    """A full build's helper (kb/publish/prepare.py) makes the bodies' plain texts, analyses the fields
    that need Sastrawi and encodes the fields kept apart (bulk.APART_FIELDS) at the end; the index is the one
    Whoosh's own writer makes, with the buffer spilled to runs or not, and also when the helper dies part-way
    (the build does the rest, the encoding of those fields included)."""
    monkeypatch.setattr(prepare, "PREPARE_LEAD", 12)  # as a big build does it, at this corpus's scale
    monkeypatch.setattr(prepare, "PREPARE_BATCH", 4)
    here = prepare.Preparer()
    expected = [here(prepare.item(innovation)) for innovation, _ in records]
    for kill, limitmb in ((None, 64), (None, 0.03), (20, 0.03)):
        analysis._stems.clear()
        helper = prepare.start({}, CORPUS)
        assert helper is not None
        folder = tmp_path / f"kill-{kill}-{limitmb}"
        folder.mkdir()
        ix = indexer.create(folder)
        writer = BulkWriter(ix, limitmb=limitmb, helper=helper)
        assert writer.buffer.apart == set(bulk.APART_FIELDS) and writer.buffer.apart
        try:
            found = prepare.prepare_all(helper, ((count, innovation) for innovation, count in records))
            for number, (count, innovation, prepared) in enumerate(found):
                assert prepared == expected[number]
                plain, background, postings = prepared
                writer.add_document(**indexer.to_document(innovation, count, plain, background), _postings=postings)
                if number == kill:
                    helper._proc.kill()
            spilled = len(writer.buffer.apart_runs)
            writer.commit()
            assert helper.failed == (kill is not None)
        finally:
            helper.close()
        ix.close()
        assert (spilled > 1) == (limitmb < 1)
        assert contents(folder) == whoosh_built
        assert not (folder / "MAIN.tmp").exists()  # runs and the helper's files removed


def test_the_helper_does_each_job_in_order(tmp_path):
    texts = [("Masyarakat memberdayakan kelompok-kelompok pengrajin.", "SIMPADU-PMI Jawa Timur"),
             ("Pelayanan perizinan terpadu; pelayanan cepat.", None)]
    helper = ahead.start({"analyse": ("kb.search.ahead:analyser", [True, False])})
    assert helper is not None
    try:
        helper.send("analyse", 10, texts)
        helper.send("analyse", 12, texts[:1])
        found = {n: helper.result("analyse", n) for n in (10, 11, 12)}
    finally:
        helper.close()
    analyse = ahead.analyser([True, False])
    for number, fields in zip((10, 11, 12), texts + texts[:1]):
        assert found[number] == analyse(fields)
    stemmed, plain = ({t: f for t, f in zip(words.split("\n"), freqs)} for words, freqs, _, _ in found[10])
    assert stemmed["daya"] == 1  # "memberdayakan" stemmed in the stemmed field
    assert plain["simpadupmi"] == 1 and "daya" not in plain  # and not in the other
    assert found[11][1] == ahead.NO_POSTINGS  # no text: no postings
    assert helper.result("analyse", 13) is None  # stopped: the caller does the work


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


def test_files_read_by_the_helper_are_read_as_here(tmp_path, monkeypatch):
    from kb.content.loader import load_awards, read_innovation

    monkeypatch.setattr(prepare, "READ_CHUNK", 3)
    _, keys = load_awards(CORPUS)
    files = [(p.name, str(p), p.name) for p in sorted((CORPUS / "innovations").glob("*.md"))]

    def here(path, shown):  # noqa: ANN001, ANN202
        return read_innovation(Path(path), shown, keys, CORPUS)

    expected = [here(path, shown) for _, path, shown in files]
    for kill in (False, True):
        helper = prepare.start(keys, CORPUS)
        assert helper is not None
        found = []
        try:
            for number, result in prepare.read_all(helper, files, here):
                found.append((number, result))
                if kill and number == 7:
                    helper._proc.kill()
        finally:
            helper.close()
        assert [n for n, _ in found] == list(range(len(files)))
        assert [r for _, r in found] == expected
