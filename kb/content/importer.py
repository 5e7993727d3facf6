"""Winners-list import: one draft write-up per row of a spreadsheet an award organiser already keeps.

Award organisers (KemenPAN-RB's KIPP, provincial competitions) publish winners as tables: name, agency,
region, rank. Typing each into a new file is where a catalogue stalls, so `python3 run.py import LIST.csv
--award sinovik --year 2020` turns every row into a draft under `content/innovations/_drafts/` (ignored by
the site until an author completes it and moves it next to the published write-ups). A draft holds only
what the row says; every required fact the row does not give stays a `TODO` the validator refuses, so a
half-finished draft can never be published by accident.

Rows that cannot become a draft are reported, not guessed: an unknown or ambiguous region, a duplicate of
an existing write-up (with the award line to add there instead), a duplicate row, a missing title.
Front matter is built as data and written with `yaml.safe_dump`, never by pasting row text into YAML.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.content import regions, vocab
from kb.content.loader import load_awards, load_catalogue
from kb.content.schema import PLACEHOLDER, SLUG_RE
from kb.content.template import slugify

DRAFTS = Path("innovations") / "_drafts"  # a folder starting with "_" is never read by the site

# CSV header -> field. Headers are matched case-insensitively after trimming; Indonesian names accepted.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "judul", "nama", "nama inovasi", "inovasi"),
    "region": ("region", "daerah", "wilayah", "pemda", "kabupaten/kota"),
    "region_code": ("region_code", "kode wilayah", "kode_wilayah", "kode"),
    "agency": ("agency", "instansi", "opd", "perangkat daerah"),
    "rank": ("rank", "peringkat", "kategori"),
    "summary": ("summary", "ringkasan", "deskripsi"),
    "full_name": ("full_name", "nama lengkap", "nama_lengkap", "kepanjangan"),
    "sectors": ("sectors", "sektor", "bidang"),
    "url": ("url", "tautan", "link", "sumber"),
    "source_title": ("source_title", "judul sumber"),
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read as a winners list (no header, no title or region column...)."""


@dataclass(slots=True)
class Skipped:
    line: int  # line of the CSV file, counting the header as line 1
    title: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _header_map(header: Iterable[str]) -> dict[str, int]:
    wanted = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = wanted.get(re.sub(r"\s+", " ", raw.strip().lower()).replace("_", " ")) or \
            wanted.get(raw.strip().lower())
        if name and name not in found:
            found[name] = index
    for required in ("title", "region"):
        if required not in found:
            raise ImportFileError(f"line 1: no {required!r} column; the header row needs at least "
                                  f"'title' (or 'judul') and 'region' (or 'daerah'); found: {', '.join(header)}")
    return found


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, {field: text}) for every non-empty row. Accepts a UTF-8 BOM (Excel) and `,`, `;` or tab."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"file is {len(data)} bytes; the limit is {MAX_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"not UTF-8 (byte {exc.start}); save the sheet as 'CSV UTF-8'") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    columns = _header_map(header)
    rows = []
    for cells in reader:
        line = reader.line_num
        values = {name: cells[index].strip() for name, index in columns.items() if index < len(cells)}
        if any(values.values()):
            rows.append((line, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(f"more than {MAX_ROWS} rows; split the list")
    return rows


def _norm_title(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _sectors(text: str) -> tuple[list[str], list[str]]:
    """Known sector slugs (by slug or Indonesian/English label) and the words that matched none."""
    labels = {}
    for slug, (label_id, label_en) in vocab.sectors().items():
        labels[slug] = slug
        labels[label_id.lower()] = slug
        labels[label_en.lower()] = slug
    known, unknown = [], []
    for part in re.split(r"[;,/]", text):
        word = part.strip().lower()
        if not word:
            continue
        slug = labels.get(word) or labels.get(slugify(word))
        if slug and slug not in known:
            known.append(slug)
        elif not slug:
            unknown.append(part.strip())
    return known, unknown


def _draft(row: dict[str, str], region: regions.Region, award: str, year: int, line: int, source_name: str,
           today: dt.date) -> str:
    sectors, unknown_sectors = _sectors(row.get("sectors", ""))
    data: dict[str, object] = {"title": row["title"]}
    if row.get("full_name"):
        data["full_name"] = row["full_name"]
    data["summary"] = row.get("summary") or f"{PLACEHOLDER}: apa inovasinya dan siapa penerima manfaatnya"
    data["agency"] = row.get("agency") or f"{PLACEHOLDER}: instansi pemrakarsa"
    data["region"] = region.display_name
    data["region_code"] = region.code
    data["sectors"] = sectors or [PLACEHOLDER]
    data["year"] = PLACEHOLDER  # the start year is never the award year: the author finds it in a source
    award_entry: dict[str, object] = {"name": award, "year": year}
    if row.get("rank"):
        award_entry["rank"] = row["rank"]
    if row.get("url"):
        award_entry["url"] = row["url"]
    data["awards"] = [award_entry]
    source: dict[str, object] = {"title": row.get("source_title") or
                                 f"{PLACEHOLDER}: judul pengumuman pemenang (mis. keputusan atau berita)"}
    if row.get("url"):
        source["url"] = row["url"]
    data["sources"] = [source]
    data["updated"] = today
    notes = [f"Draf dari impor daftar pemenang {award} {year} ({source_name}, baris {line}).",
             "Lengkapi setiap TODO dari sumber, lalu pindahkan berkas ini ke content/innovations/",
             "dan jalankan `python3 run.py check`. Tahun mulai (year) bukan tahun penghargaan."]
    if unknown_sectors:
        notes.append(f"Sektor yang tidak dikenal di daftar: {', '.join(unknown_sectors)}.")
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    comment = "".join(f"# {note}\n" for note in notes)
    return f"""---
{comment}{front}---

## Latar Belakang

{PLACEHOLDER}: masalah apa yang ingin diselesaikan, dengan data dari sumber.

## Inovasi

{PLACEHOLDER}: apa yang dilakukan, bagaimana cara kerjanya, siapa yang terlibat.

## Hasil dan Dampak

{PLACEHOLDER}: hasil yang terukur menurut sumber.

## Cara Replikasi

{PLACEHOLDER}: prasyarat, langkah, anggaran dan dasar hukum, hanya sejauh sumber menyebutkannya.
"""


def _place(row: dict[str, str]) -> regions.Region | str:
    """The row's region, or why it has none."""
    name, code = row.get("region", ""), row.get("region_code", "")
    if code:
        region = regions.get_region(code)
        if region is None:
            return f"region_code {code!r} is not a Kemendagri province or regency/city code"
        if name and not regions.region_matches(region, name):
            return f"region {name!r} does not match region_code {code!r} ({region.display_name})"
        return region
    if not name:
        return "no region"
    found = regions.find_regions(name)
    if not found:
        return f"unknown region {name!r}: use the Kemendagri name (e.g. 'Kabupaten Sragen', 'Kota Palembang')"
    if len(found) > 1:
        options = " or ".join(f"{r.display_name} ({r.code})" for r in found)
        return f"region {name!r} is ambiguous: {options}; add a region_code column"
    return found[0]


def import_winners(csv_path: Path, content_dir: Path, award: str, year: int,
                   today: dt.date | None = None) -> ImportReport:
    """Write a draft per placeable row of `csv_path` and report the rest. Never overwrites a file."""
    today = today or dt.date.today()
    _, award_keys = load_awards(content_dir)
    if award not in set(award_keys.values()):
        known = ", ".join(sorted(set(award_keys.values()))) or "none"
        raise ImportFileError(f"--award {award!r} is not an award file in content/awards/ (known: {known})")
    rows = read_rows(csv_path)
    catalogue = load_catalogue(content_dir)
    taken: dict[str, str | None] = {}  # slug (and alias) -> region code of the write-up holding it
    by_title: dict[tuple[str, str | None], str] = {}
    for inn in catalogue.innovations.values():
        taken[inn.slug] = inn.region_code
        for key in filter(None, (inn.title, inn.full_name)):
            by_title[(_norm_title(key), inn.region_code)] = inn.slug
    for alias, slug in catalogue.aliases.items():
        taken.setdefault(alias, catalogue.innovations[slug].region_code if slug in catalogue.innovations else None)
    drafts = content_dir / DRAFTS
    report = ImportReport()
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        title = row.get("title", "")
        if not title:
            report.skipped.append(Skipped(line, "", "no title"))
            continue
        region = _place(row)
        if isinstance(region, str):
            report.skipped.append(Skipped(line, title, region))
            continue
        key = (_norm_title(title), region.code)
        if key in seen:
            report.skipped.append(Skipped(line, title, f"duplicate of line {seen[key]} in this file"))
            continue
        seen[key] = line
        existing = by_title.get(key)
        if existing:
            entry = f"{{name: {award}, year: {year}" + (f", rank: {row['rank']!r}" if row.get("rank") else "") + "}"
            report.skipped.append(Skipped(line, title, f"already written up as innovations/{existing}.md; "
                                                       f"add the award there: awards: - {entry}"))
            continue
        slug = slugify(title)
        if slug in taken and taken[slug] != region.code or not SLUG_RE.match(slug or "-"):
            slug = slugify(f"{title} {regions.normalize_region_name(region.name)}")
        if not SLUG_RE.match(slug or "-"):
            report.skipped.append(Skipped(line, title, "cannot make a slug from the title"))
            continue
        if slug in taken:
            report.skipped.append(Skipped(line, title, f"slug {slug!r} is already used by innovations/{slug}.md"))
            continue
        target = drafts / f"{slug}.md"
        text = _draft(row, region, award, year, line, csv_path.name, today)
        drafts.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            report.skipped.append(Skipped(line, title, f"a draft already exists: {target}"))
            continue
        taken[slug] = region.code
        report.written.append(target)
    return report
