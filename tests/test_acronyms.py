"""Acronyms learned from the write-ups (kb/search/acronyms.py) and the background section, on real indexes."""
from __future__ import annotations

import pytest

from kb.publish import publish
from kb.search import SearchIndex
from kb.search.acronyms import pairs
from kb.search.lexicon import default_lexicon, key
from tests.conftest import write_innovation

BODY = "## Latar Belakang\n\n{}\n\n## Inovasi\n\n{}\n\n## Hasil dan Dampak\n\nBerjalan.\n\n## Cara Replikasi\n\nSiapkan petugas.\n"


def test_pairs_the_ways_authors_spell_them_out():
    found = pairs("Layanan Gizi", None, [
        "Dinas membentuk Tim Reaksi Cepat Gizi (TRCG) di setiap kecamatan.",  # Long Form (ACR)
        "Data dikirim ke SIKS-NG (Sistem Informasi Kesejahteraan Sosial Next Generation) setiap bulan.",
        "Warga berobat ke Puskesmas (Pusat Kesehatan Masyarakat) terdekat.",  # a syllable acronym
        "Laporan (fiktif) dan tahun (2019) dan catatan (lihat lampiran) bukan singkatan.",
        "Program Keluarga Sejahtera (PMI) tidak cocok dengan hurufnya.",
    ], markdown="*[KIA]: Kartu Identitas Anak\n")
    assert ("trcg", "tim reaksi cepat gizi") in found
    assert ("siks-ng", "sistem informasi kesejahteraan sosial next generation") in found
    assert ("puskesmas", "pusat kesehatan masyarakat") in found
    assert ("kia", "kartu identitas anak") in found
    assert not any(short in ("fiktif", "2019", "lihat lampiran", "pmi") for short, _ in found)
    assert len(found) == 4


def test_title_acronym_pairs_with_its_full_name():
    assert pairs("SIGAP DESA", "Sistem Informasi Gawat Darurat Desa", []) == \
        [("sigap desa", "sistem informasi gawat darurat desa")]
    # a title with one acronym word: only the span of the full name it stands for
    assert pairs("GERCEP Tengkes", "Gerakan Cepat Cegah Tengkes", []) == [("gercep", "gerakan cepat")]
    assert pairs("Kampung Sehat", "Kampung Sehat Bersama", []) == []  # no acronym in the title


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    assert not default_lexicon()._by_key.get(key(("trcg",)))  # the lexicon knows nothing of these acronyms
    write_innovation(root, "definer", title="Posko Gizi Kecamatan", summary="Penanganan gizi buruk di kecamatan.",
                     body=BODY.format("Gizi buruk ditemukan terlambat.",
                                      "Dinas membentuk Tim Reaksi Cepat Gizi (TRCG) di setiap kecamatan."))
    write_innovation(root, "long-only", title="Dapur Balita", summary="Dapur bersama bagi balita kurus.",
                     body=BODY.format("Balita kurus jarang dipantau.",
                                      "Anggota tim reaksi cepat gizi memasak bersama kader."))
    write_innovation(root, "acronym-only", title="Kunjungan Rumah Balita", summary="Kunjungan ke rumah balita.",
                     body=BODY.format("Keluarga jauh dari puskesmas.", "Petugas TRCG mengunjungi rumah balita."))
    write_innovation(root, "sigap", title="SIGAP DESA", full_name="Sistem Informasi Gawat Darurat Desa",
                     summary="Aplikasi pelaporan kejadian darurat di desa.",
                     body=BODY.format("Laporan darurat lambat.", "Warga melapor lewat aplikasi."))
    write_innovation(root, "sigap-user", title="Relawan Siaga", summary="Relawan desa menjawab laporan warga.",
                     body=BODY.format("Relawan kurang.", "Relawan memakai SIGAP DESA untuk menerima laporan."))
    return root


def _slugs(index_dir, query: str, **options) -> list[str]:
    index = SearchIndex(index_dir, **options)
    try:
        return [hit.slug for hit in index.search(query).hits]
    finally:
        index.close()


def test_a_new_acronym_works_without_a_lexicon_edit(content, tmp_path):
    index_dir = tmp_path / "index"
    publish(content, index_dir)
    assert "long-only" in _slugs(index_dir, "TRCG")  # it says only "tim reaksi cepat gizi"
    assert "acronym-only" in _slugs(index_dir, "tim reaksi cepat gizi")  # it says only "TRCG"
    assert "acronym-only" in _slugs(index_dir, "tim reaksi gizi")  # a long form with one word missing
    assert "sigap-user" in _slugs(index_dir, "sistem informasi gawat darurat desa")  # title + full_name
    # switched off, the same queries miss: it is the learned pairs that find them
    assert "long-only" not in _slugs(index_dir, "TRCG", learned=False)
    assert "acronym-only" not in _slugs(index_dir, "tim reaksi cepat gizi", learned=False)


def test_pairs_live_and_die_with_their_write_up(content, tmp_path):
    """Each generation holds its own documents' pairs: nothing is carried over once the defining write-up
    is gone (an incremental publish, whose index still lists the deleted document's terms), and a write-up
    added later teaches its own."""
    index_dir = tmp_path / "index"
    publish(content, index_dir)
    (content / "innovations" / "definer.md").unlink()
    report = publish(content, index_dir)
    assert report.mode == "incremental" and report.deleted == 1
    assert "long-only" not in _slugs(index_dir, "TRCG")
    write_innovation(content, "definer-2", title="Posko Gizi Desa", summary="Penanganan gizi buruk di desa.",
                     body=BODY.format("Gizi buruk.", "Desa membentuk Tim Reaksi Cepat Gizi (TRCG)."))
    assert publish(content, index_dir).mode == "incremental"
    assert "long-only" in _slugs(index_dir, "TRCG")


def test_a_problem_described_in_the_background_counts_more(tmp_path):
    root = tmp_path / "content"
    problem, other = "Sampah menumpuk di pasar setiap pagi.", "Warga menukar botol bekas dengan kupon."
    write_innovation(root, "in-background", title="Pasar Bersih", summary="Pasar tanpa kantong plastik.",
                     body=BODY.format(problem, other))
    write_innovation(root, "elsewhere", title="Pasar Rapi", summary="Pasar tanpa kantong plastik.",
                     body=BODY.format(other, problem))
    publish(root, tmp_path / "index")
    index = SearchIndex(tmp_path / "index")
    try:
        hits = index.search("sampah pasar menumpuk").hits
        assert [h.slug for h in hits] == ["in-background", "elsewhere"]
        assert hits[0].score > hits[1].score
    finally:
        index.close()
