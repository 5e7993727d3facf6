"""Search behaviour on a real index in a temp dir: Indonesian analysis, lexicon, typos, facets, sorting."""
from __future__ import annotations

import pytest

from kb.content import load_catalogue
from kb.publish import publish
from kb.search import SearchIndex
from tests.conftest import write_award, write_innovation


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("search") / "content"
    write_award(root, "sinovik", "Kompetisi Inovasi Pelayanan Publik")
    write_award(root, "kovablik", "KOVABLIK Jawa Timur", "Pemprov Jatim")
    write_innovation(root, "simpadu-pmi", title="SIMPADU-PMI", year=2018, tags=["ltsa"],
                     summary="Layanan terpadu bagi PMI: informasi, konsultasi dan dokumen.",
                     awards=[{"name": "sinovik", "year": 2018, "rank": "Top 99"}], digital=True,
                     replications=[{"region": "Kabupaten Lamongan", "year": 2020},
                                   {"region": "Kabupaten Tuban", "year": 2021}])
    write_innovation(root, "klinik-bumdesa", title="Klinik Usaha Desa", year=2019,
                     sectors=["pemberdayaan-masyarakat-desa"], agency="DPMD Provinsi Jawa Timur",
                     summary="Pendampingan Badan Usaha Milik Desa dari hulu ke hilir.",
                     awards=[{"name": "sinovik", "year": 2020, "rank": "Top 45"},
                             {"name": "kovablik", "year": 2020}], cost={"band": "rendah"},
                     body="## Latar Belakang\n\nBanyak badan usaha milik desa belum berkembang.\n\n"
                          "## Cara Replikasi\n\nBentuk tim pendamping.\n")
    write_innovation(root, "perempuan-berdaya", title="Perempuan Berdaya", year=2020,
                     sectors=["pemberdayaan-perempuan-perlindungan-anak", "sosial"], region="Kabupaten Lumajang",
                     region_code="35.08", agency="Dinas Sosial Kabupaten Lumajang", status="berlanjut",
                     summary="Modal usaha bagi kaum perempuan prasejahtera kepala keluarga.",
                     body="## Latar Belakang\n\nProgram ini memberdayakan kaum perempuan prasejahtera.\n\n"
                          "## Cara Replikasi\n\nSiapkan data keluarga.\n")
    write_innovation(root, "lapor-112", title="Lapor 112", year=2021, sectors=["ketertiban-umum"],
                     region="Kota Surabaya", region_code="35.78", agency="Pemerintah Kota Surabaya",
                     summary="Nomor panggilan darurat tunggal untuk kebakaran, ambulans dan keamanan.",
                     body="## Latar Belakang\n\nWarga bingung nomor darurat mana yang harus dihubungi.\n")
    write_innovation(root, "e-ktp-keliling", title="e-KTP Keliling", year=2017,
                     sectors=["administrasi-kependudukan"], region="Kabupaten Banyuwangi", region_code="35.10",
                     agency="Dispendukcapil Kabupaten Banyuwangi",
                     summary="Perekaman kartu tanda penduduk elektronik dengan mobil keliling ke desa terpencil.",
                     body="## Latar Belakang\n\nWarga desa terpencil jauh dari kantor kependudukan.\n")
    write_innovation(root, "sekolah-lagi", title="Ayo Sekolah Lagi", year=2022, sectors=["pendidikan"],
                     region="Kabupaten Gresik", region_code="35.25", agency="Dinas Pendidikan Kabupaten Gresik",
                     summary="Menjemput anak putus sekolah agar kembali belajar.",
                     body="## Latar Belakang\n\nAngka anak putus sekolah di desa tinggi.\n\n"
                          "## Cara Replikasi\n\nPendataan anak dari rumah ke rumah.\n")
    index_dir = root.parent / "index"
    publish(root, index_dir)
    idx = SearchIndex(index_dir)
    yield idx
    idx.close()


def slugs(result):
    return [h.slug for h in result.hits]


def test_morphology_matches_other_word_forms(index):
    # "pemberdayaan ... miskin" vs text "memberdayakan ... prasejahtera" (lexicon: miskin ~ prasejahtera)
    assert slugs(index.search("pemberdayaan perempuan miskin"))[0] == "perempuan-berdaya"
    assert "klinik-bumdesa" in slugs(index.search("pendampingan"))
    assert "klinik-bumdesa" in slugs(index.search("mendampingi"))


def test_acronym_and_long_form_both_ways(index):
    assert slugs(index.search("BUMDes"))[0] == "klinik-bumdesa"  # text says "Badan Usaha Milik Desa"
    assert slugs(index.search("pekerja migran indonesia"))[0] == "simpadu-pmi"  # text says "PMI"
    assert slugs(index.search("ATS"))[0] == "sekolah-lagi"  # anak tidak sekolah ~ putus sekolah


def test_english_query_finds_indonesian_write_up(index):
    assert slugs(index.search("migrant workers"))[0] == "simpadu-pmi"
    assert slugs(index.search("school dropouts"))[0] == "sekolah-lagi"
    assert slugs(index.search("village owned enterprise"))[0] == "klinik-bumdesa"


def test_exact_names_numbers_and_hyphenated_names(index):
    assert slugs(index.search("SIMPADU-PMI"))[0] == "simpadu-pmi"
    assert slugs(index.search("simpadu"))[0] == "simpadu-pmi"
    assert slugs(index.search("112"))[0] == "lapor-112"
    assert slugs(index.search("e-KTP"))[0] == "e-ktp-keliling"
    assert slugs(index.search("ektp"))[0] == "e-ktp-keliling"


def test_typo_is_corrected_with_did_you_mean(index):
    result = index.search("pekerja migrn")
    assert result.suggestion == "pekerja migran"
    assert result.corrected == "pekerja migran"
    assert slugs(result)[0] == "simpadu-pmi"
    assert index.search("pekerja migran").suggestion is None


def test_nothing_found_offers_no_false_suggestion(index):
    result = index.search("xyzzyq")
    assert result.total == 0 and result.suggestion is None


def test_region_names_boost(index):
    assert slugs(index.search("inovasi di Lumajang"))[0] == "perempuan-berdaya"
    assert slugs(index.search("Jawa Timur kependudukan"))[0] == "e-ktp-keliling"  # province from the gazetteer


def test_facets_count_and_filters_combine(index):
    browse = index.search("")
    assert browse.total == 6
    sectors = {f.value: f.count for f in browse.facets["sector"]}
    assert sectors["tenaga-kerja"] == 1 and sectors["sosial"] == 1
    assert {f.value: f.count for f in browse.facets["award"]} == {"sinovik": 2, "kovablik": 1}
    assert {f.value for f in browse.facets["region"]} == {"35.08", "35.78", "35.10", "35.25"}
    # OR within a facet, AND across facets
    either = index.search("", filters={"sector": ["pendidikan", "ketertiban-umum"]})
    assert sorted(slugs(either)) == ["lapor-112", "sekolah-lagi"]
    both = index.search("", filters={"sector": ["pendidikan", "ketertiban-umum"], "region": ["35.25"]})
    assert slugs(both) == ["sekolah-lagi"]
    # a facet's counts ignore its own filter but respect the others
    sector_counts = {f.value: (f.count, f.selected) for f in both.facets["sector"]}
    assert sector_counts["pendidikan"] == (1, True)
    assert "ketertiban-umum" in sector_counts and sector_counts["ketertiban-umum"][0] == 0
    region_counts = {f.value: f.count for f in both.facets["region"]}
    assert region_counts == {"35.25": 1, "35.78": 1}


def test_other_facets(index):
    browse = index.search("")
    assert {f.value: f.count for f in browse.facets["digital"]} == {"ya": 1}
    assert {f.value: f.count for f in browse.facets["cost"]} == {"rendah": 1}
    assert {f.value: f.count for f in browse.facets["award_year"]} == {"2020": 1, "2018": 1}
    assert index.search("", filters={"status": ["berlanjut"]}).total == 1
    assert index.search("", filters={"sector": ["tidak-ada"]}).total == 0


def test_highlights_mark_matched_words(index):
    hit = index.search("putus sekolah").hits[0]
    assert "<mark>putus</mark> <mark>sekolah</mark>" in str(hit.snippet)
    hit = index.search("memberdayakan").hits[0]  # stem match marks the body's word form
    assert "<mark>memberdayakan</mark>" in str(hit.snippet)


def test_snippet_escapes_html(index):
    for hit in index.search("").hits:
        assert "<script" not in str(hit.snippet)


def test_sorting_and_pagination(index):
    assert slugs(index.search("", sort="newest"))[:2] == ["sekolah-lagi", "lapor-112"]
    assert slugs(index.search("", sort="title"))[0] == "sekolah-lagi"  # "Ayo Sekolah Lagi"
    assert slugs(index.search("", sort="replicated"))[0] == "simpadu-pmi"
    page1 = index.search("", sort="title", per_page=4)
    page2 = index.search("", sort="title", page=2, per_page=4)
    assert page1.pages == 2 and len(page2.hits) == 2
    assert not set(slugs(page1)) & set(slugs(page2))


def test_phrases_and_hostile_syntax(index):
    assert slugs(index.search('"anak putus sekolah"')) == ["sekolah-lagi"]
    everything = index.search("").total
    for q in ["AND(", "*", "🙂", "\x00", "((("]:  # no searchable word: the same as an empty query
        assert index.search(q).total == everything, q
    for q in ['"unbalanced', "title:x", "x" * 10_000, "a" * 600]:  # words nothing contains
        assert index.search(q).total == 0, q
    odd = index.search("OR NOT")  # operators only: answered, with a count that matches what is listed
    assert odd.total == len(odd.hits)


def test_similar_and_autocomplete(index):
    assert index.similar("klinik-bumdesa")  # something, never itself
    assert "klinik-bumdesa" not in index.similar("klinik-bumdesa")
    assert index.similar("tidak-ada") == []
    assert [c["slug"] for c in index.complete("simp")] == ["simpadu-pmi"]
    assert [c["slug"] for c in index.complete("ayo sek")] == ["sekolah-lagi"]
    assert index.complete("") == []


def test_relevance_collection_is_consistent():
    """The relevance collection's judgments name real fixture documents (tools/relevance.py relies on it)."""
    from pathlib import Path

    import yaml

    root = Path(__file__).parent / "relevance"
    catalogue = load_catalogue(root / "corpus")
    assert not catalogue.errors
    queries = yaml.safe_load((root / "queries.yml").read_text(encoding="utf-8"))
    assert len(queries) >= 40
    kinds = {q["kind"] for q in queries}
    assert {"exact-name", "morphology", "acronym", "typo", "question", "english", "region"} <= kinds
    for q in queries:
        assert set(q["judgments"]) <= set(catalogue.innovations), q["id"]
        assert max(q["judgments"].values()) >= 2, q["id"]


def _brute_counts(docs_values: dict[int, list[str]], docs: set[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for doc in docs:
        for value in docs_values.get(doc, []):
            counts[value] = counts.get(value, 0) + 1
    return counts


@pytest.mark.parametrize("multi", [False, True])
def test_facet_counts_of_many_values_match_brute_force(multi):
    """Facets with many values (514 regencies) are counted with NumPy when each document holds one value;
    both ways must give the same counts, order, limit and selected values."""
    import random

    from kb.search import bitset
    from kb.search.facets import FacetTable

    rng = random.Random(5)
    values = [f"35.{n:02d}" for n in range(1, 41)]
    docs_values = {doc: rng.sample(values, 2 if multi and doc % 3 == 0 else 1) for doc in range(300) if doc % 7}
    postings = {"region": {v: bitset.from_ids([d for d, vs in docs_values.items() if v in vs]) for v in values},
                "year": {"2020": bitset.from_ids(range(0, 300, 2)), "2021": bitset.from_ids(range(1, 300, 2))}}
    table = FacetTable(postings, bitset.from_ids(docs_values), size=300)
    assert ("region" in table._codes) is (not multi)  # the NumPy path only where it is exact
    matches = set(rng.sample(sorted(docs_values), 150))
    expected = _brute_counts(docs_values, matches & set(range(1, 300, 2)))  # under the year filter
    ranked = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))
    rare = ranked[-1][0]  # selected, but far below the limit
    counted = table.counts(bitset.from_ids(matches), {"year": ["2021"], "region": [rare]}, limit=5)
    region = counted["region"]
    assert [(f.value, f.count) for f in region[:5]] == ranked[:5]
    assert len(region) == 6 and region[-1].value == rare and region[-1].selected
    assert region[-1].count == expected[rare]
    full = table.counts(bitset.from_ids(matches), {"year": ["2021"]})["region"]
    assert [(f.value, f.count) for f in full] == ranked


def test_a_bug_is_not_mistaken_for_a_damaged_index(content_dir, tmp_path, monkeypatch):
    """Only an index whose files fail to read is reported unavailable (and repaired by the sync owner); an
    error in our own code is raised as it is."""
    from kb.search import ranking

    publish(content_dir, tmp_path / "idx")
    index = SearchIndex(tmp_path / "idx")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(ranking, "order", broken)
    with pytest.raises(ZeroDivisionError):  # not IndexUnavailable: the files are fine
        index.search("migran")
    index.close()
