"""The replication kit through the real app: the page (every part, and what it says when a write-up lacks one),
the verified warning, the no-JavaScript page budget, the Word file opened with python-docx, bad `untuk`
values, and the links that lead to the kit."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.content.sections import section
from kb.publish import publish
from kb.web import create_app
from kb.web.kit import years_before
from tests.conftest import write_innovation

TODAY = dt.date.today()
KIT_BUDGET = 150 * 1024  # bytes, uncompressed: the "under 150 KB"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FULL_BODY = """## Latar Belakang

Banyak rumah tidak layak huni luput dari bantuan.[^1]

## Inovasi

Data RTLH dipadukan dengan data kemiskinan.[^2]

```
## Bukan judul bagian: ini di dalam blok kode
```

## Hasil dan Dampak

Bantuan lebih tepat sasaran.

## Cara Replikasi

Daerah replikator memerlukan basis data RTLH.[^1]

- akses data kemiskinan;
- kerja sama dengan dukcapil.

[^1]: Berita resmi, 2018.
[^2]: Laporan dinas, 2019.
"""

ASKS = {  # need -> the question the kit asks when the write-up lacks it
    "cost": "Berapa biaya penerapan awal dan biaya tahunannya",
    "complexity": "Seberapa sulit inovasi ini ditiru",
    "team": "Siapa tim pelaksananya",
    "prerequisites": "Apa yang harus sudah ada sebelum mulai",
    "legal_basis": "Peraturan apa yang menjadi dasar hukumnya",
    "partners": "Dengan pihak mana saja inovasi ini bekerja sama",
    "steps": "Apa urutan langkah penerapannya",
    "status": "Apakah inovasi ini masih berjalan sekarang?",
    "replicas": "Apakah sudah ada daerah lain yang meniru inovasi ini",
    "contact": "Siapa pejabat atau unit penghubung untuk replikasi",
    "problem": "Masalah apa yang diselesaikan inovasi ini",
}


@pytest.fixture(scope="module")
def kit_app(tmp_path_factory):
    """A catalogue with a complete write-up, a bare one, a long-unverified one, a stopped one and a replica."""
    root = tmp_path_factory.mktemp("kit") / "content"
    write_innovation(
        root, "lengkap", title="SIGAP Rumah", full_name="Sistem Gabungan Perumahan", region="Kabupaten Gresik",
        region_code="35.25", agency="Dinas Perumahan Kabupaten Gresik", sectors=["perumahan"], year=2019,
        status="berlanjut", stage="penerapan", verified=(TODAY - dt.timedelta(days=30)).isoformat(),
        cost={"band": "sedang", "amount_idr": 150000000, "note": "APBD per tahun"}, complexity="rendah",
        steps=["Pendataan RTLH oleh desa", "Verifikasi lapangan oleh dinas", "Penetapan penerima"],
        prerequisites=["Basis data RTLH"], team=["Dua operator data di dinas"],
        partners=["Dinas Kependudukan dan Pencatatan Sipil", "Universitas Muhammadiyah Gresik"],
        legal_basis=["Peraturan Bupati Gresik Nomor 12 Tahun 2020"],
        contact={"name": "Bidang Perumahan", "office": "Dinas Perumahan Kabupaten Gresik",
                 "email": "perkim@gresikkab.go.id", "phone": "031 3951234"},
        replications=[
            {"region": "Kabupaten Lamongan", "region_code": "35.24", "year": 2021, "status": "berjalan",
             "mechanism": ["kunjungan-studi", "berbagi-kode"], "changes": "Memakai data desa sendiri",
             "results": "120 rumah diperbaiki", "source": {"title": "Berita Lamongan",
                                                           "url": "https://example.org/lamongan"}},
            {"region": "Kabupaten Tuban", "region_code": "35.23", "year": 2022, "status": "direncanakan",
             "mechanism": ["kunjungan-studi"]},
            {"region": "Kota Kediri", "region_code": "35.71"},
        ],
        sources=[{"title": "Berita resmi", "url": "https://example.org/berita", "date": "2018-07-03"},
                 {"title": "Laporan dinas"}],
        body=FULL_BODY)
    write_innovation(root, "replika", title="SIGAP Sidoarjo", region="Kabupaten Sidoarjo", region_code="35.15",
                     replicated_from="lengkap", status="berlanjut", stage="uji-coba")
    write_innovation(root, "kosong", title="Layanan Polos", body="Hanya satu paragraf, tanpa bagian.\n")
    write_innovation(root, "lama", title="Layanan Lama", verified=(years_before(TODAY, 2) - dt.timedelta(days=10))
                     .isoformat(), aliases=["lama-sekali"])
    write_innovation(root, "baru", title="Layanan Baru", verified=(years_before(TODAY, 2) + dt.timedelta(days=10))
                     .isoformat())
    write_innovation(root, "berhenti", title="Layanan Berhenti", status="berhenti")
    index = root.parent / "idx"
    publish(root, index)
    app = create_app({"CONTENT_DIR": str(root), "INDEX_DIR": str(index), "TESTING": True, "RELOAD_INTERVAL": 0})
    yield app
    app.extensions["kb.generations"].close()


@pytest.fixture
def kit_client(kit_app):
    return kit_app.test_client()


def part(html: str, anchor: str) -> str:
    """One numbered section of the kit page, by its id."""
    start = html.index(f'<section id="{anchor}"')
    return html[start:html.index("</section>", start)]


def page(client, slug: str, query: str = "") -> str:
    resp = client.get(f"/inovasi/{slug}/replikasi{query}")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


# -- the page -----------------------------------------------------------------------------------------------
def test_every_part_from_a_complete_write_up(kit_client):
    html = page(kit_client, "lengkap")
    assert "<h1>" in html and "SIGAP Rumah" in html and "Sistem Gabungan Perumahan" in html
    problem = part(html, "kit-masalah")
    assert "Banyak rumah tidak layak huni luput dari bantuan." in problem and "Berita resmi, 2018." in problem
    how = part(html, "kit-cara")
    assert re.search(r'<ol class="steps">\s*<li>Pendataan RTLH oleh desa</li><li>Verifikasi lapangan oleh dinas'
                     r'</li><li>Penetapan penerima</li></ol>', how)
    assert "Data RTLH dipadukan dengan data kemiskinan." in how and "Bukan judul bagian" in how
    needs = part(html, "kit-kebutuhan")
    for text in ("Sedang (Rp150.000.000)", "APBD per tahun", "<dd><span>Rendah</span></dd>",
                 "Dua operator data di dinas", "Basis data RTLH", "Peraturan Bupati Gresik Nomor 12 Tahun 2020",
                 "<li>Dinas Kependudukan dan Pencatatan Sipil</li><li>Universitas Muhammadiyah Gresik</li>",
                 "Daerah replikator memerlukan basis data RTLH."):
        assert text in needs, text
    assert 'class="ask"' not in needs  # nothing to ask: every need is in the write-up
    status = part(html, "kit-status")
    assert "Menurut tulisan, inovasi ini masih berjalan. Tahap: Penerapan." in status
    assert (TODAY - dt.timedelta(days=30)).isoformat() in status
    assert 'class="notice warn"' not in html  # verified a month ago: no warning
    contact = part(html, "kit-kontak")
    assert 'href="mailto:perkim@gresikkab.go.id"' in contact and "031 3951234" in contact
    assert contact.count("Dinas Perumahan Kabupaten Gresik") == 1  # the office equals the agency: shown once
    assert "Tulisan ini sudah memuat semua fakta yang ditanyakan kit." in part(html, "kit-tanya")
    sources = html[html.index('<section class="sources"'):]
    assert '<a href="https://example.org/berita" rel="nofollow noopener">Berita resmi</a> (2018-07-03)' in sources


def test_replications_say_how_they_went_and_a_plan_is_never_running(kit_client):
    replicas = part(page(kit_client, "lengkap"), "kit-replikasi")
    assert "4 replikasi terdokumentasi: 2 berjalan menurut sumbernya, 1 masih rencana." in replicas
    items = {re.search(r">([^<]+)</a></strong>", li).group(1): li  # type: ignore[union-attr]
             for li in re.findall(r"<li>\s*<p class=\"replica-head\">.*?</li>", replicas, re.S)}
    assert list(items) == ["Kabupaten Lamongan", "Kabupaten Tuban", "Kota Kediri", "Kabupaten Sidoarjo"]
    lamongan = items["Kabupaten Lamongan"]
    assert '<span class="status running">Berjalan</span>' in lamongan and "(2021)" in lamongan
    assert "Kunjungan studi, Berbagi kode / aplikasi" in lamongan and "Memakai data desa sendiri" in lamongan
    assert "120 rumah diperbaiki" in lamongan and 'href="https://example.org/lamongan"' in lamongan
    tuban = items["Kabupaten Tuban"]  # a study visit and a plan: not running
    assert '<span class="status not-running">Direncanakan — belum berjalan</span>' in tuban
    assert "Berjalan<" not in tuban
    assert '<span class="status not-running">Status tidak disebut sumber</span>' in items["Kota Kediri"]
    sidoarjo = items["Kabupaten Sidoarjo"]  # known from its own write-up (replicated_from)
    assert "Menurut tulisannya: Uji coba, Berlanjut" in sidoarjo and 'href="/inovasi/replika"' in sidoarjo


def test_a_bare_write_up_turns_every_missing_fact_into_a_question(kit_client):
    html = page(kit_client, "kosong")
    for need in ("cost", "complexity", "team", "prerequisites", "legal_basis", "partners"):
        assert ASKS[need] in part(html, "kit-kebutuhan"), need
    assert html.count("Belum tercantum di tulisan.") >= 10
    assert ASKS["problem"] in part(html, "kit-masalah")
    assert ASKS["steps"] in part(html, "kit-cara") and "Uraian inovasinya" not in html  # no ## Inovasi section
    assert "Tulisan tidak menyatakan apakah inovasi ini masih berjalan." in part(html, "kit-status")
    assert ASKS["replicas"] in part(html, "kit-replikasi")
    assert ASKS["contact"] in part(html, "kit-kontak")
    questions = part(html, "kit-tanya")
    assert [q for q in ASKS.values() if q not in questions] == []
    assert "Prasyarat: belum tertulis (tanyakan kepada instansi asal)." in part(html, "kit-periksa")


def test_a_write_up_with_a_replication_section_points_to_it_for_prerequisites(kit_client):
    """The fixture's default body has `## Cara Replikasi` but no `prerequisites` list: the kit says to read it."""
    html = page(kit_client, "berhenti")
    needs = part(html, "kit-kebutuhan")
    assert "Belum tercantum sebagai daftar; lihat uraian tulisan di bawah." in needs
    assert "Siapkan ruang informasi, petugas konsultasi" in needs
    assert "Prasyarat: lihat uraian bagian Cara Replikasi di kit ini." in part(html, "kit-periksa")


def test_checklist_follows_the_four_lan_phases_with_hints_from_the_write_up(kit_client):
    checklist = part(page(kit_client, "lengkap"), "kit-periksa")
    assert re.findall(r"<h3>([^<]+)</h3>", checklist) == [
        "Tahap 1: Persiapan", "Tahap 2: Perencanaan dan Pengembangan", "Tahap 3: Replikasi", "Tahap 4: Evaluasi"]
    assert checklist.count('<span class="box"') == 12
    for text in ("Pastikan inovasi ini masih berjalan di daerah asal.", "Kirim surat minat replikasi",
                 "Lakukan kunjungan studi dengan agenda yang jelas.", "Susun rencana aksi dan bentuk tim replikasi.",
                 "Siapkan anggarannya.", "perjanjian kerja sama", "Indeks Inovasi Daerah",
                 "Biaya di daerah asal: Sedang (Rp150.000.000); APBD per tahun",
                 "Yang diubah daerah lain: Kabupaten Lamongan: Memakai data desa sendiri",
                 "Langkah di daerah asal: Pendataan RTLH oleh desa; Verifikasi lapangan oleh dinas; Penetapan penerima",
                 "2 sumber tercantum."):
        assert text in checklist, text


@pytest.mark.parametrize(("slug", "warned"), [("kosong", "belum pernah diverifikasi"),
                                              ("lama", "lebih dari dua tahun lalu"), ("baru", None),
                                              ("lengkap", None)])
def test_verified_warning(kit_client, slug, warned):
    html = page(kit_client, slug)
    warnings = re.findall(r'<p class="notice warn" role="note">(.*?)</p>', html, re.S)
    if warned is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and warned in warnings[0]
    if slug == "lama":
        stamp = (years_before(TODAY, 2) - dt.timedelta(days=10)).isoformat()
        assert f"terakhir diverifikasi pada {stamp}" in warnings[0]


def test_a_stopped_innovation_is_flagged(kit_client):
    html = page(kit_client, "berhenti")
    warnings = re.findall(r'<p class="notice warn" role="note">(.*?)</p>', html, re.S)
    assert any("Menurut tulisan, inovasi ini sudah berhenti." in w for w in warnings)
    assert "Mengapa inovasi ini dihentikan" in part(html, "kit-tanya")


def test_in_english(kit_client):
    html = page(kit_client, "lengkap", "?lang=en")
    assert '<html lang="en">' in html and "Replication kit" in html and "Phase 2: Planning and development" in html
    assert "4 documented replications: 2 running according to their sources, 1 still planned." in html
    assert "Planned — not running yet" in html
    assert '<ol class="steps" lang="id">' in html  # the write-up's text keeps its language
    bare = page(kit_client, "kosong", "?lang=en")
    assert "Not in the write-up." in bare and "Which regulations are its legal basis" in bare
    assert "never been verified with the origin agency" in bare


def test_no_javascript_needed_and_within_the_size_budget(kit_client):
    html = page(kit_client, "lengkap")
    assert len(html.encode()) < KIT_BUDGET
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/autocomplete.js" defer>']  # optional
    form = re.search(r'<form method="get" action="(/inovasi/lengkap/replikasi.docx)">(.*?)</form>', html, re.S)
    assert form and '<select id="untuk" name="untuk">' in form.group(2)
    assert form.group(2).count("<option") == 553  # "none" and all 552 provinces, regencies and cities
    assert '<option value="35.10">Kabupaten Banyuwangi</option>' in form.group(2)
    assert '<link rel="stylesheet" href="/static/kit.css">' in html
    with kit_client.get("/static/kit.css") as resp:
        css = resp.get_data(as_text=True)
    assert "@media print" in css and ".kit-actions" in css.split("@media print")[1]  # no form on paper
    chosen = page(kit_client, "lengkap", "?untuk=35.10")
    assert '<option value="35.10" selected>Kabupaten Banyuwangi</option>' in chosen


# -- the Word file ------------------------------------------------------------------------------------------
def open_docx(client, url: str):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == DOCX
    doc = Document(io.BytesIO(resp.get_data()))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return resp, doc, paragraphs, tables


def test_docx_letter_prefilled_for_the_requesting_region(kit_client):
    resp, doc, paragraphs, tables = open_docx(kit_client, "/inovasi/lengkap/replikasi.docx?untuk=35.10")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="kit-replikasi-lengkap-untuk-35-10.docx"'
    assert paragraphs[0] == "PEMERINTAH KABUPATEN BANYUWANGI"
    letter = "\n".join(paragraphs[:paragraphs.index("Lampiran: pertanyaan untuk instansi asal")])
    assert "Yth. Pimpinan Dinas Perumahan Kabupaten Gresik\ndi Kabupaten Gresik" in letter
    assert ("Pemerintah Kabupaten Banyuwangi berminat mereplikasi inovasi \u201cSIGAP Rumah\u201d (Sistem Gabungan "
            "Perumahan) yang dikembangkan oleh Dinas Perumahan Kabupaten Gresik sejak 2019.") in letter
    assert "BUPATI BANYUWANGI," in letter and "menerima kunjungan studi" in letter
    assert tables[0][3] == ["Hal", ": Minat Replikasi Inovasi \u201cSIGAP Rumah\u201d"]
    assert doc.core_properties.title == "Kit replikasi: SIGAP Rumah"


def test_docx_checklist_table_and_facts_with_sources(kit_client):
    _resp, _doc, paragraphs, tables = open_docx(kit_client, "/inovasi/lengkap/replikasi.docx?untuk=35.10")
    checklist = tables[1]
    assert checklist[0] == ["No", "Langkah", "Petunjuk dari tulisan", "Penanggung jawab", "Tenggat", "Selesai"]
    phases = [row[0] for row in checklist if len(set(row)) == 1]
    assert phases == ["Tahap 1: Persiapan", "Tahap 2: Perencanaan dan Pengembangan", "Tahap 3: Replikasi",
                      "Tahap 4: Evaluasi"]
    steps = [row for row in checklist[1:] if len(set(row)) > 1]
    assert [row[0] for row in steps] == [str(n) for n in range(1, 13)]
    assert all(row[3:] == ["", "", "☐"] for row in steps)  # to fill in
    facts = dict((row[0], row[1]) for row in tables[2])
    assert facts["Biaya"] == "Sedang (Rp150.000.000)\nAPBD per tahun"
    assert facts["Mitra"] == "Dinas Kependudukan dan Pencatatan Sipil\nUniversitas Muhammadiyah Gresik"
    assert facts["Langkah penerapan"].startswith("1. Pendataan RTLH oleh desa\n2. Verifikasi lapangan")
    assert facts["Terakhir diverifikasi"] == (TODAY - dt.timedelta(days=30)).isoformat()
    text = "\n".join(paragraphs)
    assert "1.\tBerita resmi (2018-07-03) <https://example.org/berita>" in text and "2.\tLaporan dinas" in text
    assert "Kabupaten Tuban (2022) — Direncanakan — belum berjalan — cara: Kunjungan studi" in text
    assert "akses data kemiskinan;" in text  # the ## Cara Replikasi section, as plain text
    assert "http://localhost/inovasi/lengkap" in text


def test_docx_without_untuk_leaves_blanks_and_attaches_the_open_questions(kit_client):
    resp, _doc, paragraphs, tables = open_docx(kit_client, "/inovasi/kosong/replikasi.docx")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="kit-replikasi-kosong.docx"'
    assert paragraphs[0] == "PEMERINTAH …………………………"
    text = "\n".join(paragraphs)
    assert "Pemerintah ………………………… berminat mereplikasi" in text and "BUPATI" not in text
    attachment = text[text.index("Lampiran: pertanyaan untuk instansi asal"):text.index("Daftar periksa replikasi")]
    assert [q for q in ASKS.values() if q not in attachment] == []
    assert re.search(r"^1\.\t", attachment, re.M) and re.search(r"^11\.\t", attachment, re.M)
    facts = dict((row[0], row[1]) for row in tables[2])
    assert facts["Biaya"].startswith("Belum tercantum. Tanyakan: Berapa biaya")
    assert "Perhatian: Fakta di kit ini belum pernah diverifikasi" in text


@pytest.mark.parametrize(("code", "sender", "head"), [("35", "PEMERINTAH PROVINSI JAWA TIMUR", "GUBERNUR JAWA TIMUR,"),
                                                      ("35.73", "PEMERINTAH KOTA MALANG", "WALI KOTA MALANG,")])
def test_docx_signed_by_the_regions_head(kit_client, code, sender, head):
    _resp, _doc, paragraphs, _tables = open_docx(kit_client, f"/inovasi/lengkap/replikasi.docx?untuk={code}")
    assert paragraphs[0] == sender and any(p.startswith(head) for p in paragraphs)


def test_docx_is_indonesian_on_english_pages(kit_client):
    _resp, _doc, paragraphs, _tables = open_docx(kit_client, "/inovasi/kosong/replikasi.docx?lang=en")
    text = "\n".join(paragraphs)
    assert "Dengan hormat," in text and "Apakah inovasi ini masih berjalan sekarang?" in text
    assert "Is this innovation" not in text


# -- bad requests -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["untuk=99.99", "untuk=35.1", "untuk=abc", "untuk=" + "9" * 5000,
                                   "untuk=35.10&untuk=35.24", "untuk=35.10.01", "untuk=%00"])
@pytest.mark.parametrize("suffix", ["replikasi", "replikasi.docx"])
def test_unknown_untuk_is_a_clear_400(kit_client, query, suffix):
    resp = kit_client.get(f"/inovasi/lengkap/{suffix}?{query}")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert re.search(r"untuk: .*(bukan kode wilayah Kemendagri|satu kode wilayah saja)", resp.get_data(as_text=True))


def test_unknown_untuk_in_english(kit_client):
    resp = kit_client.get("/inovasi/lengkap/replikasi.docx?untuk=99.99&lang=en")
    assert resp.status_code == 400 and "untuk: &#39;99.99&#39; is not a Kemendagri province or regency/city code" \
        in resp.get_data(as_text=True)


def test_the_origin_region_cannot_write_to_itself(kit_client):
    resp = kit_client.get("/inovasi/lengkap/replikasi.docx?untuk=35.25")
    assert resp.status_code == 400 and "Kabupaten Gresik adalah daerah asal inovasi ini" in resp.get_data(as_text=True)


def test_unknown_slug_404_and_alias_redirects_keeping_untuk(kit_client):
    assert kit_client.get("/inovasi/tidak-ada/replikasi").status_code == 404
    assert kit_client.get("/inovasi/tidak-ada/replikasi.docx?untuk=35.10").status_code == 404
    moved = kit_client.get("/inovasi/lama-sekali/replikasi.docx?untuk=35.10")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/inovasi/lama/replikasi.docx?untuk=35.10")
    assert kit_client.get("/inovasi/LAMA/replikasi").headers["Location"].endswith("/inovasi/lama/replikasi")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(untuk=st.text(max_size=30), suffix=st.sampled_from(["replikasi", "replikasi.docx"]))
def test_any_untuk_is_200_or_clean_400(kit_client, untuk, suffix):
    resp = kit_client.get(f"/inovasi/kosong/{suffix}", query_string={"untuk": untuk})
    assert resp.status_code in (200, 400), (untuk, resp.status_code)


# -- entry points -------------------------------------------------------------------------------------------
def test_innovation_and_home_pages_lead_to_the_kit_and_to_untuk(kit_client):
    innovation = kit_client.get("/inovasi/lengkap").get_data(as_text=True)
    assert 'href="/inovasi/lengkap/replikasi"' in innovation and 'href="/untuk"' in innovation
    home = kit_client.get("/").get_data(as_text=True)
    intro = home[home.index('<section class="kit-intro"'):]
    intro = intro[:intro.index("</section>")]
    assert 'href="/untuk"' in intro and re.search(r'href="/inovasi/[a-z-]+/replikasi"', intro)
    english = kit_client.get("/?lang=en").get_data(as_text=True)
    assert "From a find to a letter of interest" in english and "Innovations that fit my region" in english


# -- body sections ------------------------------------------------------------------------------------------
def test_section_keeps_its_footnotes_and_ignores_code_blocks():
    how = section(FULL_BODY, "inovasi")
    assert how is not None and how.startswith("Data RTLH dipadukan") and "## Bukan judul bagian" in how
    assert how.endswith("[^2]: Laporan dinas, 2019.") and "[^1]:" not in how and "Bantuan lebih" not in how
    replicate = section(FULL_BODY, "Cara Replikasi")
    assert replicate is not None and replicate.endswith("[^1]: Berita resmi, 2018.")
    assert replicate.count("[^1]:") == 1 and "[^2]" not in replicate
    assert section(FULL_BODY, "Tantangan") is None
    assert section("## Inovasi\n\n## Hasil\n\nteks\n", "Inovasi") is None  # an empty section counts as missing


def test_two_sections_on_one_page_never_share_an_id(kit_client):
    html = page(kit_client, "lengkap")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'id="problem-fn:1"' in html and 'id="replicate-fn:1"' in html and 'href="#how-fn:2"' in html


def test_bundled_write_ups_all_have_a_kit(tmp_path):
    """Every bundled write-up's kit renders within the budget (the largest is reported by docs/replication.md)."""
    root = Path(__file__).resolve().parent.parent / "content"
    publish(root, tmp_path / "idx")
    app = create_app({"CONTENT_DIR": str(root), "INDEX_DIR": str(tmp_path / "idx"), "TESTING": True})
    client = app.test_client()
    slugs = [p.stem for p in (root / "innovations").glob("*.md")]
    assert slugs
    for slug in slugs:
        resp = client.get(f"/inovasi/{slug}/replikasi")
        assert resp.status_code == 200 and len(resp.get_data()) < KIT_BUDGET, slug
        docx = client.get(f"/inovasi/{slug}/replikasi.docx?untuk=11.01")
        assert docx.status_code == 200 and Document(io.BytesIO(docx.get_data())).paragraphs[0].text \
            == "PEMERINTAH KABUPATEN ACEH SELATAN", slug
    app.extensions["kb.generations"].close()
