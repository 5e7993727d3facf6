"""Officials' own words on a real index: phone typing (chat.py), question frames and filler (frames.py),
English spellings and plurals (english.py) and lexicon terms written another way (lexicon.py)."""
from __future__ import annotations

import pytest

from kb.publish import publish
from kb.search import SearchIndex
from kb.search.chat import expand, normalize, vowel_poor
from kb.search.english import canonical, spellings
from kb.search.frames import default_frames
from kb.search.lexicon import Lexicon
from tests.conftest import write_innovation

BODY = "## Latar Belakang\n\n{}\n\n## Inovasi\n\n{}\n\n## Hasil dan Dampak\n\nBerjalan.\n\n## Cara Replikasi\n\nSiapkan petugas.\n"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("phrasing") / "content"
    # "solusi" and "contoh" are filler words: "contoh-solusi" has them but not the topic of the queries below
    write_ups = [  # slug, title, summary, sector, background, innovation
        ("sekolah-banjir", "Sekolah Siaga Banjir", "Sekolah di daerah rawan banjir.", "pendidikan",
         "Siswa terjebak banjir.", "Guru melatih evakuasi anak-anak setiap bulan."),
        ("ambulans", "Ambulans Warga", "Mobil siaga desa siap 24 jam.", "kesehatan",
         "Warga sakit malam hari.", "Relawan mengantar warga ke puskesmas."),
        ("pasar-plastik", "Tukar Plastik", "Pengurangan sampah plastik di pasar.", "lingkungan-hidup",
         "Sampah plastik dari pasar.", "Pedagang beralih ke tas kain."),
        ("contoh-solusi", "Desa Contoh Solusi Digital", "Contoh solusi aplikasi desa.", "komunikasi-informatika",
         "Desa belum punya aplikasi.", "Solusi aplikasi untuk surat desa dan pasar."),
        ("kdrt", "Rumah Aman", "Rumah perlindungan bagi korban KDRT.", "pemberdayaan-perempuan-perlindungan-anak",
         "Korban KDRT tidak punya tempat.", "Pendampingan hukum gratis."),
        ("bumdes", "Inkubator BUMDes", "Pendampingan BUMDes baru.", "pemberdayaan-masyarakat-desa",
         "BUMDes tidak berjalan.", "Inkubasi satu tahun."),
        ("centre", "Fishers Support Centre", "A centre where fishers get weather programmes and fertiliser for seaweed.",
         "kelautan-perikanan", "Fishers lacked forecasts.", "The centre runs radio programmes."),
    ]
    for slug, title, summary, sector, background, innovation in write_ups:
        write_innovation(root, slug, title=title, summary=summary, sectors=[sector],
                         language="en" if slug == "centre" else "id", body=BODY.format(background, innovation))
    index_dir = root.parent / "index"
    publish(root, index_dir)
    return index_dir


@pytest.fixture
def index(index_dir):
    idx = SearchIndex(index_dir)
    yield idx
    idx.close()


def slugs(result):
    return [h.slug for h in result.hits]


def test_chat_abbreviations_are_written_out():
    assert expand(["inovasi", "utk", "anak", "yg", "tdk", "sklh"]) == ["inovasi", "untuk", "anak", "yang", "tidak",
                                                                     "sekolah"]
    assert vowel_poor("bnjr") and vowel_poor("prgram") and not vowel_poor("banjir") and not vowel_poor("pjk2")


def test_phone_typing_reaches_the_write_up(index):
    assert slugs(index.search("sklh siaga"))[0] == "sekolah-banjir"  # "sklh" is in the list
    result = index.search("sampah plstk")  # not in the list: read by its consonants
    assert slugs(result)[0] == "pasar-plastik"
    assert result.corrected == "sampah plastik"  # the page says what it searched
    assert slugs(index.search("ambulans 24jam"))[0] == "ambulans"  # letters and digits typed together
    assert "sekolah-banjir" in slugs(index.search("anak2"))  # reduplication: anak-anak


def test_dropped_vowels_and_colloquial_verbs_need_the_index_to_know_the_word(index_dir):
    index = SearchIndex(index_dir)
    try:
        state = index._current()
        assert normalize(["bnjr", "xyzq"], state.known, state.skeletons) == ["banjir", "xyzq"]
        # colloquial verbs: a nasal prefix and the suffix -in, when the index knows the standard form
        assert normalize(["ngantarin", "ngxyzin"], state.known, state.skeletons) == ["mengantar", "ngxyzin"]
    finally:
        index.close()


def test_question_frames_are_dropped(index):
    framed = index.search("bagaimana cara supaya sampah plastik di pasar berkurang?")
    plain = index.search("sampah plastik pasar berkurang")
    assert slugs(framed)[0] == "pasar-plastik" and slugs(framed) == slugs(plain)
    assert default_frames().strip(["contoh", "inovasi", "apa", "saja"]) == ["contoh", "inovasi", "apa", "saja"]


def test_a_rare_filler_word_does_not_carry_a_write_up(index, index_dir):
    # "contoh" and "solusi" are rare here (one write-up has them, in its title): as topic words they win
    query = "contoh solusi sampah pasar"
    assert slugs(index.search(query))[0] == "pasar-plastik"
    raw = SearchIndex(index_dir, phrasing=False)
    try:
        assert slugs(raw.search(query))[0] == "contoh-solusi"
    finally:
        raw.close()
    # a filler word alone makes no match beside a topic word, but a query of filler only still finds
    assert "contoh-solusi" not in slugs(index.search("solusi banjir"))
    assert slugs(index.search("solusi"))[0] == "contoh-solusi"


def test_english_spellings_and_plurals():
    assert canonical("centres") == canonical("center") == "center"
    assert canonical("programmes") == canonical("program") == "program"
    assert canonical("fertilisers") == canonical("fertilizer") == "fertilizer"
    assert canonical("licence") == "license" and canonical("libraries") == "library"
    assert canonical("bus") == "bus" and canonical("census") == "census" and canonical("kelas") == "kela"
    assert {"centre", "centres", "center"} <= set(spellings("centers"))


def test_english_queries_in_the_other_spelling(index):
    assert slugs(index.search("fishers support center"))[0] == "centre"  # typed American, written British
    assert slugs(index.search("weather programs"))[0] == "centre"
    assert slugs(index.search("fertilizers"))[0] == "centre"  # the lexicon's fertilizer, in British plural


def test_lexicon_terms_written_another_way(index):
    assert slugs(index.search("kekerasan rumah tangga"))[0] == "kdrt"  # "dalam" left out of the long form
    assert slugs(index.search("badan usaha desa"))[0] == "bumdes"  # one word of "badan usaha milik desa" missing
    lexicon = Lexicon([["bumdes", "badan usaha milik desa"], ["sistem informasi geografis", "gis"]])
    assert lexicon.concepts(["usaha", "milik", "desa"])[0].variants[1] == ("bumdes",)
    # a term of three words does not map from two: "sistem informasi" is not GIS
    assert [c.words for c in lexicon.concepts(["sistem", "informasi"])] == [("sistem",), ("informasi",)]


def test_an_unknown_english_word_is_not_corrected_into_a_far_lexicon_word(index_dir):
    index = SearchIndex(index_dir, lexicon=Lexicon([["kdrt", "chained"]]))
    try:
        assert index.search("channel").corrected is None  # two edits from "chained": left as typed
        result = index.search("chaned")  # one edit: a typo of the lexicon's word
        assert result.corrected == "chained" and slugs(result)[0] == "kdrt"
    finally:
        index.close()
