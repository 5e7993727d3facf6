"""A deterministic synthetic corpus of Indonesian innovation write-ups in our content format, and queries.

Only for benchmarks: written into a temporary folder, never into `content/`. Same seed, same files.
"""
from __future__ import annotations

import random
from pathlib import Path

from kb.content import vocab
from kb.content.regions import all_regions

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
           "aplikasi daring luring jemput bola keliling antrean berkas dokumen persyaratan hari minggu bulan "
           "tahun meningkat menurun berkurang bertambah berhasil kendala tantangan solusi strategi").split()
CONNECTORS = "yang dan di ke dari untuk dengan pada dalam agar serta sehingga oleh karena melalui".split()
AWARDS = ("sinovik", "kovablik", "unpsa")
RANKS = ("Top 99", "Top 45", "Top 30", "Finalis", "Peserta")


def _sentence(rng: random.Random, topic: list[str], length: int) -> str:
    words = []
    for _ in range(length):
        roll = rng.random()
        pool = topic if roll < 0.35 else (CONNECTORS if roll < 0.55 else GENERIC)
        words.append(pool[min(int(rng.expovariate(0.25)), len(pool) - 1)] if pool is GENERIC else rng.choice(pool))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, topic: list[str], words: int) -> str:
    out, count = [], 0
    while count < words:
        para = [_sentence(rng, topic, rng.randint(8, 20)) for _ in range(rng.randint(3, 6))]
        count += sum(len(s.split()) for s in para)
        out.append(" ".join(para))
    return "\n\n".join(out)


def write_corpus(root: Path, n: int, seed: int = 42) -> list[str]:
    """Write `n` innovations (and the award files) under `root`; return the slugs."""
    rng = random.Random(seed)
    (root / "innovations").mkdir(parents=True, exist_ok=True)
    (root / "awards").mkdir(parents=True, exist_ok=True)
    for slug in AWARDS:
        (root / "awards" / f"{slug}.md").write_text(
            f"---\nname: {slug.upper()}\norganizer: Penyelenggara {slug}\n---\nProgram penghargaan.\n", encoding="utf-8")
    places = [r for r in all_regions() if not r.is_province]
    sector_slugs = list(vocab.sectors())
    topical = list(TOPICS)
    slugs = []
    for i in range(n):
        main = rng.choice(topical) if rng.random() < 0.85 else rng.choice(sector_slugs)
        topic = TOPICS.get(main, GENERIC[:30])
        acronym = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUW") for _ in range(rng.randint(3, 6)))
        words = [w.capitalize() for w in rng.sample(topic, k=min(3, len(topic)))]
        title = f"{acronym} {' '.join(words[:2])}" if rng.random() < 0.5 else " ".join(words)
        slug = f"{'-'.join(title.lower().split())}-{i}"
        place = rng.choice(places)
        year = rng.randint(2010, 2025)
        sectors = [main] + ([rng.choice(sector_slugs)] if rng.random() < 0.3 else [])
        lines = ["---", f"title: \"{title}\"",
                 f"summary: \"{_sentence(rng, topic, rng.randint(15, 30))}\"",
                 f"agency: \"Dinas {main.replace('-', ' ').title()} {place.name}\"",
                 f"region: \"{place.name}\"", f"region_code: \"{place.code}\"",
                 f"sectors: [{', '.join(dict.fromkeys(sectors))}]", f"year: {year}",
                 f"tags: [{', '.join(repr(t) for t in rng.sample(topic, k=min(3, len(topic))))}]",
                 f"stage: {rng.choice(list(vocab.STAGES))}", f"status: {rng.choice(list(vocab.STATUSES))}",
                 f"digital: {str(rng.random() < 0.5).lower()}",
                 f"cost: {{band: {rng.choice(list(vocab.LEVELS))}}}",
                 f"complexity: {rng.choice(list(vocab.LEVELS))}"]
        if rng.random() < 0.35:
            lines.append("awards:")
            for award in rng.sample(AWARDS, k=rng.randint(1, 2)):
                lines.append(f"  - {{name: {award}, year: {rng.randint(year, 2025)}, rank: {rng.choice(RANKS)}}}")
        if rng.random() < 0.25:
            lines.append("replications:")
            for rep in rng.sample(places, k=rng.randint(1, 3)):
                lines.append(f"  - {{region: \"{rep.name}\", region_code: \"{rep.code}\", "
                             f"year: {rng.randint(year, 2025)}, proof: pks}}")
        lines += ["sources:", "  - {title: \"Sumber sintetis untuk benchmark\"}", "---", ""]
        total = rng.randint(300, 1500)
        body = []
        for heading, share in (("Latar Belakang", 0.25), ("Inovasi", 0.35), ("Hasil dan Dampak", 0.2),
                               ("Cara Replikasi", 0.2)):
            body += [f"## {heading}", "", _paragraphs(rng, topic, int(total * share)), ""]
        (root / "innovations" / f"{slug}.md").write_text("\n".join(lines + body), encoding="utf-8")
        slugs.append(slug)
    return slugs


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
