"""The ranking's reasons (kb.replication.ranking.Reason) in words, in the page's language, and the number
formats they use ("1,8 juta" / "1.8 million")."""
from __future__ import annotations

from flask_babel import format_decimal, gettext, lazy_gettext as _l, ngettext

from kb.content import vocab
from kb.content.model import Award
from kb.content.population import ISLAND_GROUPS
from kb.content.regions import get_region
from kb.replication.ranking import Reason
from kb.web.i18n import current_language

KINDS = {"provinsi": _l("Provinsi"), "kabupaten": _l("Kabupaten"), "kota": _l("Kota")}

FIXED = {  # reasons without values
    "kind.same.kabupaten": _l("Sama-sama kabupaten"),
    "kind.same.kota": _l("Sama-sama kota"),
    "kind.other.kabupaten": _l("Berasal dari kabupaten; cocokkan skalanya"),
    "kind.other.kota": _l("Berasal dari kota; cocokkan skalanya"),
    "level.other.provinsi": _l("Program tingkat provinsi"),
    "level.other.kabupaten": _l("Program tingkat kabupaten/kota"),
    "level.other.kota": _l("Program tingkat kabupaten/kota"),
    "origin.running": _l("Masih berjalan di daerah asal"),
    "origin.stopped": _l("Sudah berhenti di daerah asal"),
    "cost.low": _l("Biaya rendah"),
    "cost.high": _l("Biaya tinggi"),
    "complexity.low": _l("Mudah direplikasi (kompleksitas rendah)"),
    "complexity.high": _l("Sulit direplikasi (kompleksitas tinggi)"),
    "cost.unknown": _l("Biaya dan kompleksitas belum tercatat"),
    "digital.yes": _l("Digital: butuh layanan daring"),
    "digital.no": _l("Tanpa layanan daring"),
    "here.direncanakan": _l("Sudah direncanakan di daerah Anda (belum berjalan)"),
    "here.berhenti": _l("Pernah direplikasi di daerah Anda, lalu berhenti"),
    "here.unknown": _l("Tercatat direplikasi di daerah Anda (status belum tercatat)"),
}


def people(n: float) -> str:
    """A population in words: "1,8 juta", "250 ribu" (English: "1.8 million", "250 thousand")."""
    if n >= 1_000_000:
        return gettext("%(n)s juta", n=format_decimal(round(n / 1_000_000, 1), format="#,##0.#"))
    if n >= 10_000:
        return gettext("%(n)s ribu", n=format_decimal(round(n / 1000), format="#,##0"))
    return format_decimal(round(n), format="#,##0")


def whole(n: float) -> str:
    return format_decimal(round(n), format="#,##0")


def province_name(code: str) -> str:
    region = get_region(code)
    return region.name if region else code


def reason_text(reason: Reason, awards: dict[str, Award]) -> str:
    """One reason as a short phrase."""
    v = reason.values
    code = reason.code
    if code in ("kind.same", "kind.other", "level.other"):
        return str(FIXED.get(f"{code}.{v['kind']}", code))
    if code in FIXED:
        return str(FIXED[code])
    if code == "size.similar":
        return gettext("%(kind)s dengan jumlah penduduk serupa (%(origin)s vs %(target)s)",
                       kind=KINDS[str(v["kind"])], origin=people(v["origin"]), target=people(v["target"]))
    if code == "size.different":
        return gettext("Jumlah penduduk jauh berbeda (%(origin)s vs %(target)s)", origin=people(v["origin"]),
                       target=people(v["target"]))
    if code == "density.similar":
        return gettext("Kepadatan penduduk serupa (%(origin)s vs %(target)s jiwa/km²)", origin=whole(v["origin"]),
                       target=whole(v["target"]))
    if code == "density.different":
        return gettext("Kepadatan penduduk jauh berbeda (%(origin)s vs %(target)s jiwa/km²)",
                       origin=whole(v["origin"]), target=whole(v["target"]))
    if code == "nearby.province":
        return gettext("Dari provinsi yang sama (%(province)s)", province=province_name(str(v["province"])))
    if code == "nearby.island":
        group = ISLAND_GROUPS[str(v["group"])]
        return gettext("Dari kawasan yang sama (%(group)s)", group=group[1] if current_language() == "en" else group[0])
    if code == "proven.province":
        return ngettext("Sudah direplikasi oleh %(num)s kabupaten/kota di provinsi Anda",
                        "Sudah direplikasi oleh %(num)s kabupaten/kota di provinsi Anda", v["n"])
    if code == "proven.running":
        return ngettext("Berjalan di %(num)s daerah replika", "Berjalan di %(num)s daerah replika", v["n"])
    if code == "proven.pilot":
        return ngettext("Diuji coba di %(num)s daerah lain", "Diuji coba di %(num)s daerah lain", v["n"])
    if code == "proven.unknown":
        return ngettext("Direplikasi di %(num)s daerah lain (status belum tercatat)",
                        "Direplikasi di %(num)s daerah lain (status belum tercatat)", v["n"])
    if code == "proven.planned":
        return ngettext("Direncanakan di %(num)s daerah lain (belum berjalan)",
                        "Direncanakan di %(num)s daerah lain (belum berjalan)", v["n"])
    if code == "proven.stopped":
        return ngettext("Replikasi berhenti di %(num)s daerah", "Replikasi berhenti di %(num)s daerah", v["n"])
    if code == "awards":
        names = ", ".join(f"{awards[a].name if a in awards else a} {y}" for a, y in v["awards"])  # type: ignore[union-attr]
        return gettext("Penghargaan: %(awards)s", awards=names)
    if code == "sector.chosen":
        lang = current_language()
        return gettext("Sektor pilihan Anda: %(sectors)s",
                       sectors=", ".join(vocab.label(vocab.sectors(), s, lang) for s in v["sectors"]))  # type: ignore[union-attr]
    return code


def status_label(status: str) -> str:
    """A replication's shown status (kb.replication.snapshot.Link.shown_status) as a label."""
    if status in vocab.REPLICATION_STATUSES:
        return vocab.label(vocab.REPLICATION_STATUSES, status, current_language())
    return gettext("Status belum tercatat")
