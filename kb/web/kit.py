"""The replication kit of an innovation: a print-clean page (`/inovasi/<slug>/replikasi`) and an editable Word
file (`/inovasi/<slug>/replikasi.docx?untuk=<region code>`), both rendered from one `Kit` built here.

Every fact in a kit comes from the write-up: its front matter (cost, complexity, steps, prerequisites, team,
partners, legal basis, status, verified, replications, contact, sources) and three sections of its body
(`## Latar Belakang`, `## Inovasi`, `## Cara Replikasi`). Where the write-up lacks a fact, the kit says so and
turns it into a question for the origin agency; the questions are listed together, and the Word file attaches
them to its letter of interest. The checklist follows the four phases of LAN's *Pedoman Replikasi Inovasi*
(2017); its hints point at the facts of this write-up. docs/replication.md says where each part comes from.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from kb.content import fields, regions, sections, vocab
from kb.content.model import Innovation
from kb.content.regions import Region
from kb.content.render import render_markdown
from kb.publish.records import RecordsFile
from kb.web.filters import rupiah
from kb.web.i18n import current_language
from kb.web.pages import find_innovation, records

bp = Blueprint("kit", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STALE_AFTER_YEARS = 2  # facts verified longer ago than this get a visible warning
UNTUK_MAX = 20  # longer than any region code: refused before any lookup

# The body sections a kit shows: key -> heading in the write-up.
SECTIONS = {"problem": "Latar Belakang", "how": "Inovasi", "replicate": "Cara Replikasi"}


@dataclass
class Need:
    """One thing a replicating region needs to know (cost, team, ...): the write-up's values, or a question."""

    field: str
    label: str
    items: list[str]
    ask: str  # the question for the origin agency, used when `items` is empty
    in_section: bool = False  # not listed, but the body's `## Cara Replikasi` (shown with it) speaks of it

    @property
    def missing(self) -> bool:
        return not self.items


@dataclass
class Replica:
    """A region that copied the innovation, as documented: by the origin's `replications` list, or by the
    replica's own write-up (`replicated_from`)."""

    region: str
    region_code: str | None = None
    year: int | None = None
    agency: str | None = None
    status: str | None = None  # vocab.REPLICATION_STATUSES, or None when the source does not say
    status_label: str = ""
    running: bool = False  # only an entry whose source says it runs ("berjalan") counts as running
    mechanisms: list[str] = field(default_factory=list)
    changes: str | None = None
    results: str | None = None
    source: dict | None = None  # {title, url, date}
    write_up: tuple[str, str] | None = None  # (slug, title) of the replica's own write-up
    language: str = "id"  # of the texts above (the write-up they come from)


@dataclass
class Phase:
    """A phase of the LAN checklist: its steps, each with a hint drawn from this write-up."""

    name: str
    steps: list[tuple[str, str]]  # (step, hint)


@dataclass
class Kit:
    inn: Innovation
    untuk: Region | None
    sections: dict[str, str | None]  # SECTIONS key -> Markdown (with its footnotes), None when missing
    needs: list[Need]
    status_text: str
    warnings: list[str]  # shown prominently: never or long ago verified, stopped
    replicas: list[Replica]
    replica_counts: str
    contact: list[tuple[str, str]]  # (kind, value): name, office, email, phone, url
    direct_contact: bool  # an e-mail address or a phone number
    asks: dict[str, str]  # the questions for facts outside `needs`: problem, steps, replicas, contact
    questions: list[str]  # every question the write-up leaves open, in the order of the kit
    phases: list[Phase]

    @property
    def steps(self) -> list[str]:
        return self.inn.steps or []


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def build_kit(inn: Innovation, rec: RecordsFile, untuk: Region | None, today: dt.date | None = None) -> Kit:
    """Everything the kit shows, in the current language (the Word file builds it in Indonesian)."""
    today = today or dt.date.today()
    lang = current_language()
    body = rec.body(inn.slug)
    found = {key: sections.section(body, heading) for key, heading in SECTIONS.items()}
    needs = _needs(inn, lang)
    for need in needs:  # that section is the write-up's own account of what a replicating region needs
        need.in_section = need.field == "prerequisites" and need.missing and found["replicate"] is not None
    status_text, warnings, status_asks = _currency(inn, today)
    replicas = _replicas(inn, rec, lang)
    contact = [(kind, value) for kind in ("name", "office", "email", "phone", "url")
               if inn.contact and (value := getattr(inn.contact, kind)) and value != inn.agency]
    asks = {
        "problem": _("Masalah apa yang diselesaikan inovasi ini, bagi siapa, dan seberapa besar masalah itu "
                     "sebelum inovasi dimulai?"),
        "steps": _("Apa urutan langkah penerapannya, dari persiapan sampai berjalan, dan berapa lama tiap "
                   "langkah?"),
        "replicas": _("Apakah sudah ada daerah lain yang meniru inovasi ini, dan bagaimana hasilnya?"),
        "contact": _("Siapa pejabat atau unit penghubung untuk replikasi, dengan surel dan nomor teleponnya?"),
    }
    direct = any(kind in ("email", "phone") for kind, _value in contact)
    questions = ([asks["problem"]] if found["problem"] is None else []) + ([] if inn.steps else [asks["steps"]])
    questions += [need.ask for need in needs if need.missing] + status_asks
    questions += ([] if replicas else [asks["replicas"]]) + ([] if direct else [asks["contact"]])
    kit = Kit(inn=inn, untuk=untuk, sections=found, needs=needs, status_text=status_text, warnings=warnings,
              replicas=replicas, replica_counts=_replica_counts(replicas), contact=contact, direct_contact=direct,
              asks=asks, questions=questions, phases=[])
    kit.phases = _phases(kit, lang)
    return kit


def _needs(inn: Innovation, lang: str) -> list[Need]:
    """The "what it costs and needs" rows, in the order of the issue: cost, complexity, team, prerequisites,
    legal basis, partners."""
    cost: list[str] = []
    if inn.cost:
        text = vocab.label(vocab.LEVELS, inn.cost.band, lang)
        if inn.cost.amount_idr is not None:
            text += f" ({rupiah(inn.cost.amount_idr)})"
        cost = [text] + ([inn.cost.note] if inn.cost.note else [])
    complexity = [vocab.label(vocab.LEVELS, inn.complexity, lang)] if inn.complexity else []
    return [
        Need("cost", fields.field_label("cost", lang), cost,
             _("Berapa biaya penerapan awal dan biaya tahunannya, dan dari mana sumber dananya (APBD, APBN, "
               "lainnya)?")),
        Need("complexity", fields.field_label("complexity", lang), complexity,
             _("Seberapa sulit inovasi ini ditiru, dan bagian mana yang paling sulit?")),
        Need("team", fields.field_label("team", lang), list(inn.team or []),
             _("Siapa tim pelaksananya (unit, peran, jumlah orang), dan pelatihan apa yang mereka perlukan?")),
        Need("prerequisites", fields.field_label("prerequisites", lang), list(inn.prerequisites or []),
             _("Apa yang harus sudah ada sebelum mulai (data, sistem, sarana, petugas)?")),
        Need("legal_basis", _("Dasar hukum"), list(inn.legal_basis),
             _("Peraturan apa yang menjadi dasar hukumnya (jenis, nomor, tahun), dan bolehkah kami mendapat "
               "salinannya?")),
        Need("partners", fields.field_label("partners", lang), list(inn.partners or []),
             _("Dengan pihak mana saja inovasi ini bekerja sama (instansi, perguruan tinggi, swasta, "
               "masyarakat), dan apakah ada perjanjian kerja samanya?")),
    ]


def _currency(inn: Innovation, today: dt.date) -> tuple[str, list[str], list[str]]:
    """Whether it still runs: the sentence, the warnings, and the questions it leaves."""
    lang = current_language()
    warnings: list[str] = []
    asks: list[str] = []
    if inn.status == "berhenti":
        text = _("Menurut tulisan, inovasi ini sudah berhenti.")
        warnings.append(text + " " + _("Tanyakan kepada instansi asal mengapa, sebelum menirunya."))
        asks.append(_("Mengapa inovasi ini dihentikan, dan apa pelajarannya bagi daerah yang akan meniru?"))
    elif inn.status == "berlanjut":
        text = _("Menurut tulisan, inovasi ini masih berjalan.")
    else:
        text = _("Tulisan tidak menyatakan apakah inovasi ini masih berjalan.")
        asks.append(_("Apakah inovasi ini masih berjalan sekarang?"))
    if inn.stage:
        text += " " + _("Tahap: %(stage)s.", stage=vocab.label(vocab.STAGES, inn.stage, lang))
    if inn.verified is None:
        warnings.append(_("Fakta di kit ini belum pernah diverifikasi dengan instansi asal. Pastikan dulu "
                          "inovasi ini masih berjalan dan faktanya masih berlaku."))
    elif inn.verified < years_before(today, STALE_AFTER_YEARS):
        warnings.append(_("Fakta di kit ini terakhir diverifikasi pada %(date)s, lebih dari dua tahun lalu. "
                          "Pastikan dulu inovasi ini masih berjalan dan faktanya masih berlaku.",
                          date=inn.verified.isoformat()))
    return text, warnings, asks


def _replicas(inn: Innovation, rec: RecordsFile, lang: str) -> list[Replica]:
    """The documented replications: the origin's own list, then replicas' write-ups it does not list."""
    linked = rec.titles([r.innovation for r in inn.replications if r.innovation])
    out: list[Replica] = []
    for r in inn.replications:
        out.append(Replica(
            region=r.region, region_code=r.region_code, year=r.year, agency=r.agency, status=r.status,
            status_label=_replication_status(r.status, lang), running=r.status == "berjalan",
            mechanisms=[vocab.label(vocab.MECHANISMS, m, lang) for m in r.mechanism], changes=r.changes,
            results=r.results, source=r.source,
            write_up=(r.innovation, linked[r.innovation][0]) if r.innovation in linked else None,
            language=inn.language))
    listed = {r.innovation for r in inn.replications}
    for replica in rec.replicas_of(inn.slug):
        if replica.slug in listed:
            continue
        parts = [vocab.label(vocab.STAGES, replica.stage, lang)] if replica.stage else []
        parts += [vocab.label(vocab.STATUSES, replica.status, lang)] if replica.status else []
        out.append(Replica(
            region=replica.region, region_code=replica.region_code, year=replica.year, agency=replica.agency,
            status_label=(_("Menurut tulisannya: %(state)s", state=", ".join(parts)) if parts
                          else _("Tulisannya tidak menyatakan statusnya")),
            running=replica.status == "berlanjut", write_up=(replica.slug, replica.title),
            language=replica.language))
    return out


def _replication_status(status: str | None, lang: str) -> str:
    if status is None:
        return _("Status tidak disebut sumber")
    label = vocab.label(vocab.REPLICATION_STATUSES, status, lang)
    if status == "direncanakan":  # a plan, an MoU or a study visit: never shown as running
        return _("%(label)s — belum berjalan", label=label)
    return label


def _replica_counts(replicas: list[Replica]) -> str:
    if not replicas:
        return _("Belum ada replikasi yang terdokumentasi dengan nama daerahnya.")
    running = sum(r.running for r in replicas)
    planned = sum(r.status == "direncanakan" for r in replicas)
    text = _("%(n)s replikasi terdokumentasi: %(running)s berjalan menurut sumbernya, %(planned)s masih "
             "rencana.", n=len(replicas), running=running, planned=planned)
    return text


def _phases(kit: Kit, lang: str) -> list[Phase]:
    """The checklist of LAN's Pedoman Replikasi Inovasi (2017), with hints from this write-up."""
    inn = kit.inn
    need = {n.field: n for n in kit.needs}
    ask = _("belum tertulis (tanyakan kepada instansi asal).")

    def listed(name: str) -> str:
        if need[name].in_section:
            return _("lihat uraian bagian Cara Replikasi di kit ini.")
        return "; ".join(need[name].items) if not need[name].missing else ask

    changes = [f"{r.region}: {r.changes}" for r in kit.replicas if r.changes]
    return [
        Phase(_("Persiapan"), [
            (_("Periksa kecocokannya: apakah masalah dan kondisi daerah Anda serupa dengan daerah asal?"),
             _("Prasyarat: %(text)s", text=listed("prerequisites"))),
            (_("Pastikan inovasi ini masih berjalan di daerah asal."), kit.status_text),
            (_("Pelajari dokumennya: tulisan ini, sumber-sumbernya, dan dasar hukumnya."),
             ngettext_sources(len(inn.sources)) + " " + _("Dasar hukum: %(text)s", text=listed("legal_basis"))),
        ]),
        Phase(_("Perencanaan dan Pengembangan"), [
            (_("Kirim surat minat replikasi kepada instansi asal."),
             _("Draf suratnya ada di kit yang dapat diedit (DOCX), ditujukan kepada %(agency)s.", agency=inn.agency)),
            (_("Lakukan kunjungan studi dengan agenda yang jelas."),
             _("Jadikan %(n)s pertanyaan untuk instansi asal di akhir kit ini sebagai agendanya.",
               n=len(kit.questions))),
            (_("Susun rencana aksi dan bentuk tim replikasi."), _("Tim di daerah asal: %(text)s",
                                                                  text=listed("team"))),
            (_("Siapkan anggarannya."), _("Biaya di daerah asal: %(text)s", text=listed("cost"))),
            (_("Buat perjanjian kerja sama dengan instansi asal dan tetapkan dasar hukum di daerah Anda."),
             _("Dasar hukum di daerah asal: %(text)s", text=listed("legal_basis"))),
        ]),
        Phase(_("Replikasi"), [
            (_("Sesuaikan inovasinya dengan kondisi daerah Anda."),
             _("Yang diubah daerah lain: %(text)s", text="; ".join(changes)) if changes
             else _("Belum ada catatan tentang apa yang diubah daerah lain.")),
            (_("Terapkan: mulai dengan uji coba, lalu penerapan penuh."),
             _("Langkah di daerah asal: %(text)s", text="; ".join(kit.steps) if kit.steps else ask)),
        ]),
        Phase(_("Evaluasi"), [
            (_("Ukur manfaatnya dibandingkan keadaan sebelum replikasi."),
             _("Catat data awal sebelum mulai; hasil di daerah asal ada di bagian Hasil dan Dampak tulisannya.")),
            (_("Laporkan hasilnya, misalnya untuk Indeks Inovasi Daerah, dan kabarkan kepada instansi asal."),
             _("Kabari juga Lumbung Inovasi agar replikasi Anda tercatat di tulisan ini.")),
        ]),
    ]


def ngettext_sources(n: int) -> str:
    return ngettext("%(num)s sumber tercantum.", "%(num)s sumber tercantum.", n)


# -- request handling ---------------------------------------------------------------------------------------
def requested_region() -> Region | None:
    """The `untuk` parameter: a Kemendagri province or regency/city code, or nothing. Anything else is a
    400 that says what is expected."""
    values = request.args.getlist("untuk")
    if not values or values == [""]:
        return None
    if len(values) > 1:
        abort(400, description=_("untuk: berikan satu kode wilayah saja."))
    code = values[0].strip()
    region = regions.get_region(code) if len(code) <= UNTUK_MAX else None
    if region is None:
        abort(400, description=_("untuk: %(code)s bukan kode wilayah Kemendagri (provinsi atau kabupaten/kota), "
                                 "mis. 35.10 untuk Kabupaten Banyuwangi.", code=repr(code[:UNTUK_MAX])))
    return region


def region_groups() -> list[tuple[Region, list[Region]]]:
    """Every province with its regencies and cities (the province first), for the region picker."""
    groups: list[tuple[Region, list[Region]]] = []
    for region in regions.all_regions():
        if region.is_province:
            groups.append((region, [region]))
        else:
            groups[-1][1].append(region)
    return groups


_TAG_RE = re.compile(r"<[^>]+>")  # sanitized HTML: every "<" in text is escaped
_ID_RE = re.compile(r'(\sid="|\shref="#)([^"]+)"')


def scoped_section(markdown: str | None, prefix: str) -> Markup | None:
    """A body section rendered (sanitized) with its ids and in-page links prefixed, so that two sections on
    one page never share an id (each numbers its footnotes from 1)."""
    if markdown is None:
        return None
    html = render_markdown(markdown).html
    return Markup(_TAG_RE.sub(lambda tag: _ID_RE.sub(lambda m: f'{m.group(1)}{prefix}-{m.group(2)}"', tag.group(0)),
                              html))  # only inside tags: text that reads id="..." stays as written


def requested_for(inn: Innovation) -> Region | None:
    """`untuk` for this innovation: a region cannot send a letter of interest to its own innovation."""
    region = requested_region()
    if region is not None and region.code == inn.region_code:
        abort(400, description=_("untuk: %(region)s adalah daerah asal inovasi ini; pilih daerah yang akan "
                                 "mereplikasinya.", region=region.display_name))
    return region


@bp.get("/inovasi/<slug>/replikasi")
def kit_page(slug: str) -> str:
    inn = find_innovation(slug, "kit.kit_page")
    untuk = requested_for(inn)
    kit = build_kit(inn, records(), untuk)
    rendered = {key: scoped_section(text, key) for key, text in kit.sections.items()}
    return render_template("kit.html", kit=kit, inn=inn, rendered=rendered, groups=region_groups(),
                           og_type="article")


@bp.get("/inovasi/<slug>/replikasi.docx")
def kit_docx(slug: str) -> Response:
    from kb.web.docx_kit import docx_bytes, file_name

    inn = find_innovation(slug, "kit.kit_docx")
    untuk = requested_for(inn)
    with force_locale("id"):  # a letter to an Indonesian agency: the Word file is in Indonesian
        kit = build_kit(inn, records(), untuk)
        page = url_for("kit.kit_page", slug=inn.slug, _external=True)
        data = docx_bytes(kit, page, url_for("pages.innovation", slug=inn.slug, _external=True))
    response = Response(data, mimetype=DOCX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(inn.slug, untuk)}"'
    return response
