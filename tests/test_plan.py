"""The query plan (kb/search/plan.py) on real indexes: its rules, and that matching and ranking agree."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from whoosh import index as whoosh_index
from whoosh import query as wq

from kb.publish import publish
from kb.search import SearchIndex, bitset, plan, ranking, store
from kb.search.lexicon import Concept, Lexicon
from kb.search.positions import in_sequence, phrase_documents
from kb.search.schema import FIELD_BOOSTS, get_schema
from kb.search.scoring import Scorer
from tests.conftest import write_innovation

RELEVANCE = Path(__file__).parent / "relevance"


class Evaluator:
    """Matching and ranking of a plan over one index generation, read straight from its files."""

    def __init__(self, index_dir: Path) -> None:
        self.ix = whoosh_index.open_dir(str(store.current_generation(index_dir)))
        self.searcher = self.ix.searcher()
        reader = self.searcher.reader()
        self.scorer = Scorer(reader, FIELD_BOOSTS, reader.all_doc_ids())
        self.slugs = {n: self.searcher.stored_fields(n)["slug"] for n in reader.all_doc_ids()}

    def postings(self, fieldname: str, term: str) -> int:
        return bitset.from_array(self.scorer.term(fieldname, term)[0], self.scorer.size)

    def positions(self, fieldname: str, terms: tuple[str, ...], slop: int, candidates: int) -> int:
        """Whoosh's own phrase query (not the plan's position reader), kept to the candidates."""
        query = wq.Phrase(fieldname, list(terms), slop=slop)
        return bitset.from_ids(self.searcher.docs_for_query(query)) & candidates

    def run(self, concepts: list[Concept]) -> tuple[set[str], dict[str, float]]:
        """(matched slugs, score of every document by slug)."""
        query_plan = plan.build(concepts)
        found = plan.documents(query_plan, self.postings, self.positions)
        matched = {self.slugs[n] for n in bitset.to_ids(plan.matches(found, query_plan))}
        scores = ranking.scores(query_plan, self.scorer, found)
        return matched, {slug: float(scores[n]) for n, slug in self.slugs.items()}

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan") / "content"
    body = "## Latar Belakang\n\n{}\n\n## Cara Replikasi\n\nBentuk tim.\n"
    write_innovation(root, "lumajang", title="Dapur Gizi", region="Kabupaten Lumajang", region_code="35.08",
                     agency="Dinas Kesehatan Kabupaten Lumajang", summary="Makanan bergizi bagi balita.",
                     body=body.format("Kader memasak makanan bergizi setiap pekan."))
    write_innovation(root, "sipandu", title="SIPANDU", region="Kabupaten Gresik", region_code="35.25",
                     agency="Dinas Kesehatan Kabupaten Gresik", summary="Aplikasi antrean puskesmas.",
                     body=body.format("Warga mengambil nomor antrean dari rumah."))
    write_innovation(root, "rumah-sakit", title="Antrean Daring", region="Kota Malang", region_code="35.73",
                     agency="Dinas Kesehatan Kota Malang", summary="Antrean daring rumah sakit daerah.",
                     body=body.format("Pasien rumah sakit tidak lagi menunggu lama."))
    write_innovation(root, "rumah-singgah", title="Rumah Singgah", region="Kabupaten Malang",
                     region_code="35.07", agency="Dinas Sosial Kabupaten Malang",
                     summary="Tempat aman bagi korban kekerasan dalam rumah tangga.",
                     body=body.format("Anak putus sekolah didampingi kembali ke kelas."))
    write_innovation(root, "kelas-sore", title="Kelas Sore", region="Kabupaten Gresik", region_code="35.25",
                     agency="Dinas Pendidikan Kabupaten Gresik", summary="Kelas sore bagi warga dewasa.",
                     body=body.format("Sekolah membuka kelas sore; yang putus di tengah jalan diajak kembali."))
    index_dir = root.parent / "index"
    publish(root, index_dir)
    evaluator = Evaluator(index_dir)
    yield index_dir, evaluator
    evaluator.close()


def _search(index_dir: Path, query: str, lexicon: Lexicon | None = None) -> dict[str, float]:
    index = SearchIndex(index_dir, lexicon=lexicon)
    try:
        return {hit.slug: hit.score for hit in index.search(query, per_page=100).hits}
    finally:
        index.close()


def test_a_word_matched_in_the_place_field_scores_there(small):
    # "jawa" is no place name by itself; Lumajang's province (Jawa Timur) is only in the place field
    index_dir, evaluator = small
    matched, scores = evaluator.run([Concept(("jawa",), (("jawa",),))])
    assert "lumajang" in matched and scores["lumajang"] > 0
    hits = _search(index_dir, "jawa")
    assert hits["lumajang"] > 0  # used to be listed with score 0: matched in `place`, ranked without it


def test_the_joined_form_matches_and_scores(small):
    index_dir, evaluator = small
    clauses = {(c.field, c.term, c.weight) for a in plan.build([Concept(("si", "pandu"), (("si", "pandu"),))])
               .alternatives for c in a.clauses}
    assert ("exact", "sipandu", plan.JOINED_BOOST) in clauses
    hits = _search(index_dir, "si pandu")
    assert list(hits) == ["sipandu"] and hits["sipandu"] > 0


def test_a_multi_word_variant_needs_all_its_words(small):
    index_dir, evaluator = small
    lexicon = Lexicon([["rumah sakit", "hospital"]])
    hits = _search(index_dir, "hospital", lexicon)
    assert list(hits) == ["rumah-sakit"]  # "rumah" alone (sipandu, rumah-singgah) is not "rumah sakit"
    matched, scores = evaluator.run(lexicon.concepts(["hospital"]))
    assert matched == {"rumah-sakit"} and scores["rumah-singgah"] == 0 and scores["sipandu"] == 0


def test_stop_words_in_a_variant_are_not_required(small):
    # The analyzer never indexes "dalam": requiring it made the long form of KDRT unmatchable.
    index_dir, _ = small
    hits = _search(index_dir, "KDRT", Lexicon([["KDRT", "kekerasan dalam rumah tangga"]]))
    assert list(hits) == ["rumah-singgah"]


def test_quoted_words_match_as_a_phrase(small):
    index_dir, evaluator = small
    assert set(_search(index_dir, "putus sekolah")) == {"rumah-singgah", "kelas-sore"}
    assert list(_search(index_dir, '"putus sekolah"')) == ["rumah-singgah"]  # in sequence only
    assert list(_search(index_dir, '"korban kekerasan dalam rumah tangga"')) == ["rumah-singgah"]  # stop word
    matched, scores = evaluator.run([Concept(("putus", "sekolah"), (("putus", "sekolah"),), phrase=True)])
    assert matched == {"rumah-singgah"} and scores["kelas-sore"] == 0


def test_a_multi_word_place_is_a_phrase(small):
    index_dir, evaluator = small
    hits = _search(index_dir, "Kota Malang")
    assert list(hits) == ["rumah-sakit"]  # not Kabupaten Malang
    assert set(_search(index_dir, "Malang")) == {"rumah-sakit", "rumah-singgah"}
    matched, scores = evaluator.run([Concept(("kota", "malang"), (("kota", "malang"),), place=True)])
    assert matched == {"rumah-sakit"} and scores["rumah-singgah"] == 0


def test_rules_are_written_once():
    word, = plan.build([Concept(("antrean",), (("antrean",),))]).alternatives
    assert {(c.field, c.term) for c in word.clauses} == {
        ("name", "antre"), ("about", "antre"), ("body", "antre"), ("background", "antre"), ("exact", "antrean"),
        ("place", "antrean")}
    place = list(plan.build([Concept(("malang",), (("malang",),), place=True)]).alternatives)
    assert [[(c.field, c.weight) for c in a.clauses] for a in place] == [
        [("place", plan.PLACE_BOOST)], [("body", plan.PLACE_BODY_WEIGHT)]]
    expanded = plan.build([Concept(("pmi",), (("pmi",), ("pekerja", "migran")))])
    assert [v.weight for v in expanded.concepts[0].variants] == [1.0, plan.EXPANSION_BOOST]
    with pytest.raises(ValueError):
        plan.Alternative(((plan.Clause("body", "x", 0.0),),))


@pytest.fixture(scope="module")
def relevance_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("relevance") / "index"
    publish(RELEVANCE / "corpus", index_dir)
    evaluator = Evaluator(index_dir)
    index = SearchIndex(index_dir, spelling=False)  # no correction: its concepts are the typed ones
    yield index, evaluator
    index.close()
    evaluator.close()


def test_a_document_matches_exactly_when_it_scores(relevance_index):
    """For every query of the relevance collection: matched set == documents with a score > 0, and the
    search lists exactly that set."""
    index, evaluator = relevance_index
    queries = yaml.safe_load((RELEVANCE / "queries.yml").read_text(encoding="utf-8"))
    queries += yaml.safe_load((RELEVANCE / "dev" / "queries.yml").read_text(encoding="utf-8"))
    queries += [{"query": q} for q in ['"putus sekolah"', '"kekerasan dalam rumah tangga"', "Kota Malang",
                                       "Jawa Tengah", "si pandu", "jawa"]]
    nonempty = 0
    for q in queries:
        concepts, _, _ = index._concepts(q["query"], index._current())
        matched, scores = evaluator.run(concepts)
        assert matched == {slug for slug, score in scores.items() if score > 0}, q["query"]
        assert set(index.matching_slugs(q["query"])) == matched, q["query"]
        assert all(np.isfinite(list(scores.values())))
        nonempty += bool(matched)
    assert nonempty >= len(queries) - 8  # the check ran on real matches, not on empty sets


def test_word_sequences_with_slop():
    assert in_sequence([[3, 9], [4]], 1) and not in_sequence([[3], [5]], 1)
    assert in_sequence([[3], [5]], 2)  # a left-out stop word between them
    assert in_sequence([[0, 7], [8], [9, 1]], 1) and not in_sequence([[0], [1], [3]], 1)
    assert in_sequence([[2], [3]], 1) and not in_sequence([[3], [2]], 1)  # in order only


def test_phrase_positions_agree_with_whoosh_across_segments(tmp_path):
    """The plan's position reader gives Whoosh's phrase results on a multi-segment index with deletions."""
    ix = whoosh_index.create_in(str(tmp_path), get_schema())
    batches = [["anak putus sekolah", "sekolah anak putus", "putus anak sekolah anak putus sekolah"],
               ["anak yang putus sekolah", "anak anak putus putus sekolah", "sekolah"],
               ["putus sekolah anak", "anak putus sekolah lagi"]]
    number = 0
    for batch in batches:
        writer = ix.writer()
        for text in batch:
            writer.add_document(slug=f"d{number}", body=text)
            number += 1
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("slug", "d0")
    writer.commit(merge=False)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            assert len(reader.leaf_readers()) == 3  # the setup this test is about
            for terms, slop in [(("anak", "putus"), 1), (("anak", "putus", "sekolah"), 1),
                                (("anak", "putus", "sekolah"), 2), (("putus", "putus"), 1), (("sekolah", "anak"), 1)]:
                holding = wq.And([wq.Term("body", t) for t in terms])
                candidates = sorted(searcher.docs_for_query(holding))
                expected = sorted(searcher.docs_for_query(wq.Phrase("body", list(terms), slop=slop)))
                assert phrase_documents(reader, "body", terms, slop, candidates) == expected, terms
                assert expected, terms  # each case finds something
    finally:
        ix.close()
