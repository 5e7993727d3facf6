"""The commented template `new` writes: every field explained in Indonesian, placeholders marked TODO."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from kb.content import vocab
from kb.content.model import extra_fields
from kb.content.schema import INNOVATION_SCHEMA, Spec


def slugify(title: str) -> str:
    """"Klinik BUM Desa (Jatim)" -> "klinik-bum-desa-jatim"."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _field_lines() -> str:
    """A commented line for each field held in `Innovation.extra` (the simple optional fields, including any
    added to the schema table): an example value, then the field's help and allowed values."""
    lines = []
    for name in extra_fields():
        spec = INNOVATION_SCHEMA[name]
        values = list(spec.choices()) if spec.choices is not None else []
        note = " | ".join(values)
        comment = f"{spec.help}: {note}" if spec.help and note else spec.help or note
        line = f"# {name}: {spec.example or _example(spec, values)}"
        lines.append(f"{line.ljust(24)}  # {comment}" if comment else line)
    return "\n".join(lines)


def _example(spec: Spec, values: list[str]) -> str:
    if values:
        return values[0]
    return {"bool": "true", "int": "2020", "date": "2024-05-31"}.get(spec.kind, '"..."')


def innovation_template(title: str, region: str | None = None, region_code: str | None = None,
                        today: dt.date | None = None) -> str:
    """The text of a new innovation file."""
    today = today or dt.date.today()
    sector_list = ", ".join(vocab.sectors())
    region_line = f"region: {_quote(region)}" if region else 'region: "TODO: mis. Kabupaten Banyuwangi"'
    code_line = f"region_code: {_quote(region_code)}" if region_code else \
        '# region_code: "35.10"  # kode Kemendagri, selalu dalam tanda kutip'
    return f"""---
# Nama inovasi (singkat, seperti dikenal publik). Wajib.
title: {_quote(title)}
# Kepanjangan jika judul berupa akronim. Hapus baris ini jika tidak perlu.
# full_name: "Sarana Informasi dan Pelayanan Terpadu ..."
# Ringkasan 1-2 kalimat: apa inovasinya dan untuk siapa. Wajib, maks. 500 karakter
# (kartu hasil pencarian menampilkan sekitar 300).
summary: "TODO: apa inovasinya dan siapa penerima manfaatnya"
# Instansi pemrakarsa. Wajib.
agency: "TODO: mis. Dinas Kesehatan Kabupaten Banyuwangi"
# Daerah asal: "Provinsi Jawa Timur", "Kabupaten Banyuwangi", "Kota Surabaya". Wajib.
{region_line}
{code_line}
# Sektor urusan pemerintahan, minimal satu, dari daftar ini:
# {sector_list}
sectors: [TODO]
# Tahun inovasi mulai diterapkan (angka, tanpa tanda kutip). Wajib.
# Jika tidak diketahui pasti, isi tahun bukti tertua dan jelaskan di year_note.
year: TODO
# year_note: "Tahun mulai belum ditemukan; sudah berjalan pada ..."
# Kata kunci pencarian, termasuk singkatan: [pekerja migran, pmi, tki]
tags: []
# Klasifikasi (hapus yang tidak diketahui):
{_field_lines()}
# Penghargaan; name = nama file di content/awards/ (sinovik, kovablik, unpsa, ...):
# awards:
#   - {{name: sinovik, year: 2020, rank: Top 45, url: "https://..."}}
# Daerah yang mereplikasi (hanya yang terdokumentasi); proof: surat-minat | pks | mou | lainnya
# status: direncanakan | uji-coba | berjalan | berhenti (rencana, MoU atau kunjungan studi = direncanakan)
# mechanism: [kunjungan-studi, mou-pks, pendampingan-teknis, berbagi-kode, lainnya]
# replications:
#   - {{region: Kabupaten Lamongan, region_code: "35.24", year: 2021, proof: pks, status: berjalan,
#      mechanism: [kunjungan-studi], changes: "...", results: "...", source: {{title: "...", url: "https://..."}}}}
# Jika tulisan ini replika inovasi lain: slug inovasi asal, atau objek dengan keterangannya:
# replicated_from: slug-inovasi-asal
# replicated_from: {{innovation: slug-inovasi-asal, year: 2021, status: berjalan, source: {{title: "...", url: "https://..."}}}}
# Kesesuaian replikasi (hapus jika tidak ada sumber):
# cost: {{band: rendah, amount_idr: 150000000, note: "APBD per tahun"}}   # rendah | sedang | tinggi
# legal_basis: ["Peraturan Bupati ... Nomor ... Tahun ..."]
# contact: {{office: "...", email: "...", url: "https://..."}}
# sdgs: [1, 5]
# Sumber setiap fakta di tulisan ini. Sangat dianjurkan.
sources:
  - title: "TODO: judul dokumen atau berita (nama media)"
    # url: "https://..."
    # date: 2024-05-31
updated: {today.isoformat()}
---

## Latar Belakang

TODO: masalah apa yang ingin diselesaikan, dengan data dari sumber.

## Inovasi

TODO: apa yang dilakukan, bagaimana cara kerjanya, siapa yang terlibat.

## Hasil dan Dampak

TODO: hasil yang terukur menurut sumber.

## Cara Replikasi

TODO: prasyarat, langkah, perkiraan anggaran, dan dasar hukum yang dibutuhkan daerah lain.

## Tantangan

TODO: kendala yang dihadapi (hapus bagian ini jika tidak ada sumbernya).

## Pembelajaran

TODO: pelajaran bagi daerah yang akan mereplikasi (hapus bagian ini jika tidak ada sumbernya).
"""
