"""The front-matter schema as data (one table per record type) and the checks that apply it.

A schema is a dict of field name -> `Spec`. `check_fields` walks a parsed YAML mapping against it and
returns clean values plus `Issue`s that carry the line of the offending key.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.content import vocab
from kb.content.issues import Issue, Severity

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_SCHEMES = ("http://", "https://")
MIN_YEAR = 1945
SUMMARY_MAX = 500
SUMMARY_CARD = 300
PLACEHOLDER = "TODO"  # what `new` writes where the author must fill in a value

Path_ = tuple[str | int, ...]


# Where a field shows up besides validation (Spec.show). Each display lists its fields in schema order.
PANEL = "panel"  # a row of the fact panel on the innovation page
ROW = "row"  # a column of listings and exports (/api/v1/innovations, export.csv, export.json)
DETAIL = "detail"  # a key of the API detail (/api/v1/innovations/<slug>), holding the value as plain data


@dataclass(frozen=True)
class Facet:
    """A search facet, and filter parameter of the same name, fed by one field.

    Facet values are strings made from the record's value of the field (the model's form: e.g. resolved
    award slugs). Facets are listed (search sidebar, API, OpenAPI) in schema order.
    """

    name: str = ""  # default: the field's name
    label: tuple[str, str] = ("", "")  # (Indonesian, English); default: the field's label
    values: Callable[[Any], Iterable[str]] | None = None  # default: by kind (kb/content/fields.py)
    value_label: Callable[[str, str], str] | None = None  # (value, lang) -> label; default: the vocabulary


@dataclass(frozen=True)
class Spec:
    """How one front-matter value must look, and (for top-level fields) where it shows up.

    Adding an optional field is one entry in `INNOVATION_SCHEMA` (docs/content-format.md, "Adding a field"):
    the model, records, facets, labels, API payloads, OpenAPI document, exports, fact panel and `new`
    template all derive from it (kb/content/fields.py).
    """

    kind: str  # str, int, bool, date, partial_date, url, email, slug, region_code, list, object
    required: bool = False
    choices: Callable[[], Mapping[str, Any]] | None = None  # value -> (Indonesian label, English label)
    item: Spec | None = None
    fields: Mapping[str, Spec] = field(default_factory=dict)
    min_items: int = 0
    max_len: int | None = None
    lo: int | None = None
    hi: int | None = None
    help: str = ""  # for authors: in the "required field (...) is missing" message and the `new` template
    label: tuple[str, str] = ("", "")  # (Indonesian, English): fact panel row, default facet label
    facets: tuple[Facet, ...] = ()
    show: frozenset[str] = frozenset({DETAIL})  # PANEL, ROW, DETAIL
    key: str = ""  # an object field: the sub-field that stands for it in a cell, a facet or a panel label
    shorthand: bool = False  # an object field: its key's value alone stands for {key: value}
    example: str = ""  # YAML value for the `new` template; default: the first allowed value


def _const(mapping: Mapping[str, Any]) -> Callable[[], Mapping[str, Any]]:
    return lambda: mapping


TEXT = Spec("str", max_len=300)
LONG_TEXT = Spec("str", max_len=1000)
TEXT_LIST = Spec("list", item=TEXT)
YEAR = Spec("int", lo=MIN_YEAR)

SOURCE = Spec(
    "object",
    fields={"title": Spec("str", required=True, max_len=500), "url": Spec("url"), "date": Spec("partial_date")},
)

# What a replication entry may say besides where it happened (`replications[]`, and `replicated_from` written
# as an object): how far it got, how the replica learned, what it changed, what came of it, and a source.
REPLICATION_FACTS: dict[str, Spec] = {
    "year": YEAR,
    "proof": Spec("str", choices=_const(vocab.PROOFS)),
    "status": Spec("str", choices=_const(vocab.REPLICATION_STATUSES)),
    "mechanism": Spec("list", item=Spec("str", choices=_const(vocab.MECHANISMS))),
    "changes": LONG_TEXT,
    "results": LONG_TEXT,
    "source": SOURCE,
}

EVERYWHERE = frozenset({PANEL, ROW, DETAIL})
BY_HAND = frozenset()  # every display builds this field itself (it needs more than its plain value)


def _province(code: str) -> list[str]:
    return [code.split(".")[0]]


def _regency(code: str) -> list[str]:
    return [code] if "." in code else []


def _region_name(code: str, lang: str) -> str:
    from kb.content.regions import get_region

    region = get_region(code)
    return region.display_name if region else code


def _award_slugs(refs: list[Any]) -> list[str]:
    return sorted({ref.award for ref in refs})


def _award_years(refs: list[Any]) -> list[str]:
    return sorted({str(ref.year) for ref in refs})


# The order of the fields is the order of facets and of each display's schema-derived part.
INNOVATION_SCHEMA: dict[str, Spec] = {
    "title": Spec("str", required=True, max_len=200, help="nama inovasi"),
    "summary": Spec("str", required=True, max_len=SUMMARY_MAX, help="ringkasan"),
    "agency": Spec("str", required=True, max_len=300, help="instansi pemrakarsa"),
    "region": Spec("str", required=True, max_len=120, help="daerah asal"),
    "sectors": Spec("list", required=True, min_items=1, item=Spec("str", choices=vocab.sectors),
                    label=("Sektor", "Sectors"), facets=(Facet("sector"),)),
    "region_code": Spec("region_code", facets=(
        Facet("province", ("Provinsi", "Province"), _province, _region_name),
        Facet("region", ("Kabupaten/kota", "Regency/city"), _regency, _region_name))),
    "awards": Spec(
        "list",
        item=Spec(
            "object",
            fields={
                "name": Spec("str", required=True),
                "year": Spec("int", required=True, lo=MIN_YEAR),
                "rank": TEXT,
                "url": Spec("url"),
            },
        ),
        show=BY_HAND,
        facets=(Facet("award", ("Penghargaan", "Awards"), _award_slugs),  # names: from the award files
                Facet("award_year", ("Tahun penghargaan", "Award year"), _award_years)),
    ),
    "year": Spec("int", required=True, lo=MIN_YEAR, help="tahun mulai diterapkan",
                 label=("Tahun mulai", "Year started"), facets=(Facet(),)),
    "year_note": LONG_TEXT,
    "full_name": Spec("str", max_len=300),
    "tags": TEXT_LIST,
    "language": Spec("str", choices=_const(vocab.LANGUAGES)),
    "aliases": Spec("list", item=Spec("slug")),
    "stage": Spec("str", choices=_const(vocab.STAGES), label=("Tahap", "Stage"), facets=(Facet(),),
                  show=EVERYWHERE, help="tahap inovasi", example="penerapan"),
    "status": Spec("str", choices=_const(vocab.STATUSES), label=("Status", "Status"), facets=(Facet(),),
                   show=EVERYWHERE, help="apakah inovasi masih berjalan"),
    "digital": Spec("bool", label=("Digital", "Digital"), facets=(Facet(),), show=EVERYWHERE,
                    help="true jika aplikasi/sistem daring menjadi inti"),
    "form": Spec("str", choices=_const(vocab.FORMS), label=("Bentuk", "Type"), show=frozenset({PANEL, DETAIL}),
                 help="bentuk inovasi", example="pelayanan-publik"),
    "initiator": Spec("str", choices=_const(vocab.INITIATORS), label=("Pemrakarsa", "Initiator"),
                      show=frozenset({PANEL, DETAIL}), help="pemrakarsa inovasi", example="perangkat-daerah"),
    "replications": Spec(
        "list",
        item=Spec(
            "object",
            fields={
                "region": Spec("str", required=True),
                "region_code": Spec("region_code"),
                "year": YEAR,
                "agency": TEXT,
                "proof": REPLICATION_FACTS["proof"],
                "innovation": Spec("slug"),
                **{name: spec for name, spec in REPLICATION_FACTS.items() if name not in ("year", "proof")},
            },
        ),
        show=BY_HAND,
    ),
    # The slug of the original alone, or the same with what is known of this replication (as in `replications`).
    "replicated_from": Spec("object", fields={"innovation": Spec("slug", required=True), **REPLICATION_FACTS},
                            key="innovation", shorthand=True, show=BY_HAND),
    "cost": Spec(
        "object",
        fields={
            "band": Spec("str", required=True, choices=_const(vocab.LEVELS)),
            "amount_idr": Spec("int", lo=0),
            "note": LONG_TEXT,
        },
        key="band", label=("Biaya", "Cost"), facets=(Facet(),), show=EVERYWHERE,
    ),
    "complexity": Spec("str", choices=_const(vocab.LEVELS), label=("Kompleksitas", "Complexity"), facets=(Facet(),),
                       show=EVERYWHERE, help="tingkat kesulitan replikasi", example="sedang"),
    # What a replicating region needs, for the replication kit (/inovasi/<slug>/replikasi): each only as a source
    # states it; the kit says what to ask the origin agency for any that is left out.
    "steps": Spec("list", item=LONG_TEXT, label=("Langkah penerapan", "Implementation steps"),
                  help="langkah penerapan, berurutan", example='["...", "..."]'),
    "prerequisites": Spec("list", item=LONG_TEXT, label=("Prasyarat", "Prerequisites"),
                          help="yang harus sudah ada sebelum mulai", example='["..."]'),
    "team": Spec("list", item=LONG_TEXT, label=("Tim pelaksana", "Team"),
                 help="unit dan peran pelaksana", example='["..."]'),
    "partners": Spec("list", item=LONG_TEXT, label=("Mitra", "Partners"),
                     help="pihak yang diajak bekerja sama", example='["..."]'),
    "legal_basis": Spec("list", item=LONG_TEXT),
    "contact": Spec(
        "object",
        fields={
            "name": TEXT,
            "office": TEXT,
            "email": Spec("email"),
            "phone": TEXT,
            "url": Spec("url"),
        },
    ),
    "sdgs": Spec("list", item=Spec("int", lo=1, hi=17)),
    "sources": Spec("list", item=SOURCE, show=BY_HAND),
    "updated": Spec("date"),
    "verified": Spec("date"),
}

AWARD_SCHEMA: dict[str, Spec] = {
    "name": Spec("str", required=True, max_len=200),
    "organizer": Spec("str", required=True, max_len=300),
    "url": Spec("url"),
    "sources": Spec("list", item=SOURCE),
    "updated": Spec("date"),
}

# Indonesian (and common English) names authors reach for -> the schema's field name.
FIELD_ALIASES = {
    "judul": "title",
    "nama": "title",
    "ringkasan": "summary",
    "instansi": "agency",
    "wilayah": "region",
    "daerah": "region",
    "kode_wilayah": "region_code",
    "sektor": "sectors",
    "sector": "sectors",
    "tahun": "year",
    "nama_lengkap": "full_name",
    "label": "tags",
    "tag": "tags",
    "bahasa": "language",
    "tahap": "stage",
    "penghargaan": "awards",
    "award": "awards",
    "replikasi": "replications",
    "replication": "replications",
    "biaya": "cost",
    "kompleksitas": "complexity",
    "langkah": "steps",
    "prasyarat": "prerequisites",
    "tim": "team",
    "mitra": "partners",
    "dasar_hukum": "legal_basis",
    "kontak": "contact",
    "sumber": "sources",
    "source": "sources",
    "diperbarui": "updated",
    "diverifikasi": "verified",
}

INVALID = object()


class Checker:
    """Collects issues for one file while values are checked; knows each key's line."""

    def __init__(self, path: str, lines: Mapping[Path_, int]) -> None:
        self.path = path
        self.lines = lines
        self.issues: list[Issue] = []

    def line_of(self, where: Path_) -> int | None:
        for end in range(len(where), -1, -1):
            line = self.lines.get(where[:end])
            if line is not None:
                return line
        return None

    def report(self, where: Path_, message: str, severity: Severity = Severity.ERROR) -> None:
        self.issues.append(Issue(self.path, self.line_of(where), field_name(where), message, severity))

    def warn(self, where: Path_, message: str) -> None:
        self.report(where, message, Severity.WARNING)

    def warn_at(self, line: int, field: str, message: str) -> None:
        """A warning about something that is not a front-matter key (the body, a repeated key)."""
        self.issues.append(Issue(self.path, line, field, message, Severity.WARNING))

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue in self.issues)


def field_name(where: Path_) -> str:
    """("awards", 1, "name") -> "awards[1].name" (1-based index as authors count)."""
    out = ""
    for part in where:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"text ({str(value)[:40]!r})"


def check_fields(schema: Mapping[str, Spec], data: Any, where: Path_, chk: Checker) -> dict[str, Any]:
    """Check a mapping against a schema; return the valid values (invalid ones are dropped)."""
    if not isinstance(data, dict):
        chk.report(where, f"expected a mapping of fields, got {_describe(data)}")
        return {}
    clean: dict[str, Any] = {}
    for name, spec in schema.items():
        if name not in data or data[name] is None or data[name] == "" or data[name] == []:
            if spec.required:
                hint = f" ({spec.help})" if spec.help else ""
                state = "is empty" if name in data else "is missing"
                chk.report(where + (name,), f"required field{hint} {state}")
            continue
        value = check_value(spec, data[name], where + (name,), chk)
        if value is not INVALID:
            clean[name] = value
    for name in data:
        if name not in schema:
            chk.warn(where + (str(name),), f"unknown field{_suggest(str(name), schema)}")
    return clean


def _suggest(name: str, schema: Mapping[str, Spec]) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    target = FIELD_ALIASES.get(key)
    if target is None or target not in schema:
        close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.75)
        target = close[0] if close else None
    if target is None:
        return f" (known fields: {', '.join(schema)})" if len(schema) <= 8 else ""
    return f"; did you mean {target!r}?"


def check_value(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    """Check one value; report and return INVALID when it does not fit."""
    if isinstance(value, str) and value.strip().startswith(PLACEHOLDER):
        chk.report(where, f"still holds the template placeholder {value.strip()[:60]!r}: fill it in")
        return INVALID
    if isinstance(value, list) and any(isinstance(v, str) and v.strip().startswith(PLACEHOLDER)
                                       for v in value):
        chk.report(where, "still holds the template placeholder 'TODO': fill it in")
        return INVALID
    kind = spec.kind
    if kind == "list":
        if isinstance(value, str | int | float) and not isinstance(value, bool) and spec.item is not None:
            chk.report(where, f"expected a list, got {_describe(value)}; write it as [{value}]")
            return INVALID
        if not isinstance(value, list):
            chk.report(where, f"expected a list, got {_describe(value)}")
            return INVALID
        if len(value) < spec.min_items:
            chk.report(where, f"needs at least {spec.min_items} item(s)")
            return INVALID
        items = [check_value(spec.item, v, where + (i,), chk) for i, v in enumerate(value)]  # type: ignore[arg-type]
        if any(v is INVALID for v in items):
            return INVALID
        return items
    if kind == "object":
        if spec.shorthand and not isinstance(value, dict):
            if not isinstance(value, str):
                chk.report(where, f"expected the {spec.key} alone or a mapping of fields with {spec.key}:, "
                                  f"got {_describe(value)}")
                return INVALID
            value = {spec.key: value}
        before = len([i for i in chk.issues if i.is_error])
        clean = check_fields(spec.fields, value, where, chk)
        return INVALID if len([i for i in chk.issues if i.is_error]) > before else clean
    checker = _SCALARS[kind]
    result = checker(spec, value, where, chk)
    if result is INVALID or spec.choices is None:
        return result
    allowed = spec.choices()
    if result not in allowed:
        close = difflib.get_close_matches(str(result), list(allowed), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
        chk.report(where, f"{result!r} is not an allowed value{hint}")
        return INVALID
    return result


def _str(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    if isinstance(value, bool):
        chk.report(where, f"expected text, got {_describe(value)}; YAML reads yes/no/on/off as true/false: "
                          "put the text in quotes")
        return INVALID
    if isinstance(value, int | float):
        chk.report(where, f"expected text, got {_describe(value)}; put it in quotes")
        return INVALID
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        chk.report(where, f"expected text, got {_describe(value)}")
        return INVALID
    text = value.strip()
    if spec.max_len is not None and len(text) > spec.max_len:
        chk.report(where, f"is {len(text)} characters long; the limit is {spec.max_len}")
        return INVALID
    return text


def _int(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        hint = "; write it without quotes" if isinstance(value, str) and value.strip().isdigit() else ""
        chk.report(where, f"expected a whole number, got {_describe(value)}{hint}")
        return INVALID
    hi = spec.hi
    if hi is None and spec.lo == MIN_YEAR:
        hi = dt.date.today().year
    if (spec.lo is not None and value < spec.lo) or (hi is not None and value > hi):
        lo = spec.lo if spec.lo is not None else "-"
        chk.report(where, f"{value} is out of range ({lo}..{hi if hi is not None else ''})")
        return INVALID
    return value


def _bool(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    if not isinstance(value, bool):
        chk.report(where, f"expected true or false, got {_describe(value)}")
        return INVALID
    return value


def _date(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    chk.report(where, f"expected a date like 2024-05-31, got {_describe(value)}")
    return INVALID


def _partial_date(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool) and MIN_YEAR <= value <= 2100:
        return str(value)
    if isinstance(value, str) and PARTIAL_DATE_RE.match(value.strip()):
        return value.strip()
    chk.report(where, f"expected a date like 2024-05-31, \"2024-05\" or \"2024\", got {_describe(value)}")
    return INVALID


def _url(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    text = _str(spec, value, where, chk)
    if text is INVALID:
        return INVALID
    if not text.lower().startswith(URL_SCHEMES):
        chk.report(where, f"{text[:60]!r} is not a web address starting with http:// or https://")
        return INVALID
    if any(c in text for c in " \"'<>\\`") or any(ord(c) < 32 for c in text):
        chk.report(where, f"{text[:60]!r} contains characters a web address cannot have (spaces, quotes, < >); "
                          "percent-encode them")
        return INVALID
    return text


def _email(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    text = _str(spec, value, where, chk)
    if text is not INVALID and not EMAIL_RE.match(text):
        chk.report(where, f"{text[:60]!r} is not an e-mail address")
        return INVALID
    return text


def _slug(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    text = _str(spec, value, where, chk)
    if text is not INVALID and not SLUG_RE.match(text):
        chk.report(where, f"{text[:60]!r} is not a valid slug (lowercase a-z, 0-9 and single hyphens)")
        return INVALID
    return text


def _region_code(spec: Spec, value: Any, where: Path_, chk: Checker) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        chk.report(where, f"region codes must be quoted text, e.g. \"35.10\"; YAML read {value!r} as a number")
        return INVALID
    text = _str(spec, value, where, chk)
    if text is INVALID:
        return INVALID
    from kb.content.regions import CODE_RE

    if not CODE_RE.match(text):
        chk.report(where, f"{text!r} is not a province or regency/city code like \"35\" or \"35.10\"")
        return INVALID
    return text


_SCALARS: dict[str, Callable[[Spec, Any, Path_, Checker], Any]] = {
    "str": _str,
    "int": _int,
    "bool": _bool,
    "date": _date,
    "partial_date": _partial_date,
    "url": _url,
    "email": _email,
    "slug": _slug,
    "region_code": _region_code,
}
