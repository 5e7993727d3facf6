"""The replication kit as a Word file (python-docx): officials edit and sign letters in Word or LibreOffice.

Four parts, each from the same `Kit` the page shows: a letter of interest (*surat minat replikasi*) from the
requesting region to the origin agency, prefilled when the region is known and with dotted blanks otherwise;
its attachment, the questions the write-up leaves open; the LAN checklist as a table to fill in; and the facts
summary with the write-up's sources. Always in Indonesian: it is correspondence between Indonesian agencies.
"""
from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from kb.content import vocab
from kb.content.regions import Region
from kb.content.render import index_text
from kb.web.kit import Kit

BLANK = "…………………………"
BOX = "☐"


def file_name(slug: str, untuk: Region | None) -> str:
    """`kit-replikasi-sigap-rtlh-untuk-35-10.docx`: the innovation, and the region it is prefilled for."""
    return f"kit-replikasi-{slug}" + (f"-untuk-{untuk.code.replace('.', '-')}" if untuk else "") + ".docx"


def head_of(region: Region) -> str:
    """The title of a region's head, who signs its letters: Gubernur, Bupati or Wali Kota."""
    if region.is_province:
        return f"Gubernur {region.name}"
    for prefix, head in (("Kabupaten ", "Bupati "), ("Kota ", "Wali Kota ")):
        if region.name.startswith(prefix):
            return head + region.name[len(prefix):]
    return f"Kepala Daerah {region.name}"


def docx_bytes(kit: Kit, page_url: str, write_up_url: str) -> bytes:
    """The Word file of a kit."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2)
    props = doc.core_properties
    props.title = f"Kit replikasi: {kit.inn.title}"
    props.subject = "Surat minat replikasi, daftar periksa dan ringkasan fakta"
    props.author = "Lumbung Inovasi"
    props.language = "id-ID"
    _letter(doc, kit)
    doc.add_page_break()
    _attachment(doc, kit)
    doc.add_page_break()
    _checklist(doc, kit)
    doc.add_page_break()
    _facts(doc, kit, page_url, write_up_url)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _numbered(doc: DocxDocument, items: list[str]) -> None:
    """A numbered list that starts at 1 (Word's list styles would go on counting from the previous list)."""
    for number, item in enumerate(items, 1):
        paragraph = doc.add_paragraph(f"{number}.\t{item}")
        paragraph.paragraph_format.left_indent = Cm(0.8)
        paragraph.paragraph_format.first_line_indent = Cm(-0.8)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))


_ITEM_RE = re.compile(r"^\s{0,3}([-*+]|\d+[.)])\s+")


def _blocks(markdown: str) -> list[tuple[bool, str]]:
    """A body section as plain paragraphs and list items: (is a list item, text without Markdown)."""
    out: list[tuple[bool, list[str]]] = []
    for block in re.split(r"\n\s*\n", markdown):
        for line in block.splitlines():
            if _ITEM_RE.match(line) or not out or not out[-1][1]:  # a new item, or a block's first line
                out.append((bool(_ITEM_RE.match(line)), [line]))
            else:
                out[-1][1].append(line)
        out.append((False, []))  # a blank line ends the paragraph or list item
    texts = [(is_item, " ".join(index_text("\n".join(lines)).split())) for is_item, lines in out if lines]
    return [(is_item, text) for is_item, text in texts if text]


def _letter(doc: DocxDocument, kit: Kit) -> None:
    inn, untuk = kit.inn, kit.untuk
    sender = untuk.display_name if untuk else BLANK
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(f"PEMERINTAH {sender.upper() if untuk else BLANK}").bold = True
    doc.add_paragraph("_" * 60).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{BLANK}, {BLANK} 20……").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = doc.add_table(rows=0, cols=2)
    for label, value in (("Nomor", f": {BLANK}"), ("Sifat", ": Biasa"), ("Lampiran", ": 1 (satu) berkas"),
                         ("Hal", f": Minat Replikasi Inovasi \u201c{inn.title}\u201d")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Cm(3), Cm(13)
    doc.add_paragraph()
    doc.add_paragraph(f"Yth. Pimpinan {inn.agency}\ndi {inn.region}")
    doc.add_paragraph("Dengan hormat,")
    name = f"\u201c{inn.title}\u201d" + (f" ({inn.full_name})" if inn.full_name else "")
    doc.add_paragraph(f"Pemerintah {sender} berminat mereplikasi inovasi {name} yang dikembangkan oleh "
                      f"{inn.agency} sejak {inn.year}. Kami mengenal inovasi ini dari tulisan di Lumbung "
                      "Inovasi dan sumber-sumbernya.")
    doc.add_paragraph("Sehubungan dengan itu, kami mohon kesediaan Bapak/Ibu untuk:")
    _numbered(doc, ["memberikan informasi dan dokumen pendukung (pedoman, standar operasional prosedur, dasar "
                    "hukum, dan rincian anggaran), termasuk jawaban atas pertanyaan pada lampiran surat ini;",
                    "menerima kunjungan studi tim kami pada waktu yang disepakati bersama;",
                    "menjajaki kerja sama replikasi, termasuk pendampingan teknis bila memungkinkan."])
    doc.add_paragraph(f"Sebagai narahubung, kami menunjuk {BLANK} (nama dan jabatan), telepon {BLANK}, "
                      f"surel {BLANK}.")
    doc.add_paragraph("Atas perhatian dan kerja sama Bapak/Ibu, kami sampaikan terima kasih.")
    signature = doc.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.add_run(f"{head_of(untuk).upper() if untuk else BLANK},\n\n\n\n{BLANK}")


def _attachment(doc: DocxDocument, kit: Kit) -> None:
    doc.add_heading("Lampiran: pertanyaan untuk instansi asal", level=1)
    doc.add_paragraph(f"Hal-hal berikut belum tercantum dalam tulisan tentang \u201c{kit.inn.title}\u201d atau "
                      "sumber-sumbernya. Kami mohon penjelasan Bapak/Ibu.")
    _numbered(doc, kit.questions)


def _checklist(doc: DocxDocument, kit: Kit) -> None:
    doc.add_heading("Daftar periksa replikasi", level=1)
    doc.add_paragraph("Mengikuti empat tahap Pedoman Replikasi Inovasi Lembaga Administrasi Negara (2017). "
                      "Isi penanggung jawab dan tenggatnya, lalu centang langkah yang selesai.")
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, ("No", "Langkah", "Petunjuk dari tulisan", "Penanggung jawab",
                                                 "Tenggat", "Selesai")):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    number = 0
    for p, phase in enumerate(kit.phases, 1):
        row = table.add_row().cells
        merged = row[0].merge(row[-1])
        merged.text = ""
        merged.paragraphs[0].add_run(f"Tahap {p}: {phase.name}").bold = True
        for step, hint in phase.steps:
            number += 1
            cells = table.add_row().cells
            for cell, text in zip(cells, (str(number), step, hint, "", "", BOX)):
                cell.text = text
    widths = (Cm(1), Cm(5), Cm(5.5), Cm(2.5), Cm(2), Cm(1.5))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _facts(doc: DocxDocument, kit: Kit, page_url: str, write_up_url: str) -> None:
    inn = kit.inn
    doc.add_heading(f"Ringkasan fakta: {inn.title}", level=1)
    for warning in kit.warnings:
        doc.add_paragraph().add_run("Perhatian: " + warning).bold = True
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        ("Inovasi", inn.title + (f" ({inn.full_name})" if inn.full_name else "")),
        ("Ringkasan", inn.summary),
        ("Instansi asal", inn.agency),
        ("Daerah asal", inn.region + (f" (kode {inn.region_code})" if inn.region_code else "")),
        ("Tahun mulai", str(inn.year) + (f" — {inn.year_note}" if inn.year_note else "")),
        ("Sektor", ", ".join(vocab.label(vocab.sectors(), s) for s in inn.sectors)),
        ("Masih berjalan?", kit.status_text),
        ("Terakhir diverifikasi", inn.verified.isoformat() if inn.verified else "belum pernah diverifikasi"),
        ("Langkah penerapan", "\n".join(f"{i}. {s}" for i, s in enumerate(kit.steps, 1)) if kit.steps else
         "Belum tercantum. Tanyakan kepada instansi asal."),
    ]
    rows += [(need.label, "\n".join(need.items) if not need.missing else f"Belum tercantum. Tanyakan: {need.ask}")
             for need in kit.needs]
    rows.append(("Kontak", "\n".join(value for _kind, value in kit.contact) or "Belum tercantum."))
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = ""
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = value
        cells[0].width, cells[1].width = Cm(4.5), Cm(11.5)
    doc.add_heading("Siapa yang sudah meniru", level=2)
    doc.add_paragraph(kit.replica_counts)
    for r in kit.replicas:
        parts = [r.region + (f" ({r.year})" if r.year else ""), r.status_label]
        parts += [r.agency] if r.agency else []
        parts += ["cara: " + ", ".join(r.mechanisms)] if r.mechanisms else []
        parts += [f"perubahan: {r.changes}"] if r.changes else []
        parts += [f"hasil: {r.results}"] if r.results else []
        if r.source:
            parts.append("sumber: " + r.source["title"] + (f" <{r.source['url']}>" if r.source.get("url") else ""))
        doc.add_paragraph(" — ".join(parts), style="List Bullet")
    replicate = kit.sections.get("replicate")
    if replicate:
        doc.add_heading("Menurut bagian \u201cCara Replikasi\u201d tulisan", level=2)
        for is_item, text in _blocks(replicate):
            doc.add_paragraph(text, style="List Bullet" if is_item else None)
    doc.add_heading("Sumber", level=2)
    if not inn.sources:
        doc.add_paragraph("Tulisan ini belum mencantumkan sumber.")
    _numbered(doc, [source.title + (f" ({source.date})" if source.date else "")
                    + (f" <{source.url}>" if source.url else "") for source in inn.sources])
    updated = f" (diperbarui {inn.updated.isoformat()})" if inn.updated else ""
    doc.add_paragraph(f"Semua fakta di atas diambil dari tulisan {write_up_url}{updated} dan sumber-sumbernya. "
                      f"Kit daring: {page_url}")
