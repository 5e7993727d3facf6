"""The write-up form, derived from the schema table: one input per front-matter field, named after it.

Nested values get the names the validator uses in its messages (`sources[1].title`, `cost.band`, 1-based),
so a message lands next to its input by name. A field added to `INNOVATION_SCHEMA` appears in the form by
itself (its label: the schema's, then `LABELS`, then its name). `parse` turns a submitted form (anything
with `get` and `getlist`, like Werkzeug's MultiDict) back into front-matter data, typed the way a
hand-written file would be; wrong values are kept as typed, for the validator to explain.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kb.content.schema import INNOVATION_SCHEMA, Spec
from kb.authoring.writeup import coerce

MAX_ROWS = 200  # items of one list of objects a form may send (sources, awards, replications)
LONG_TEXT = 300  # strings allowed to be longer than this get a text area

# Labels for fields whose schema entry has none (the schema's labels serve the fact panel and facets).
LABELS: dict[str, tuple[str, str]] = {
    "slug": ("Slug (alamat permanen)", "Slug (permanent address)"),
    "title": ("Judul", "Title"),
    "summary": ("Ringkasan", "Summary"),
    "agency": ("Instansi pemrakarsa", "Agency"),
    "region": ("Daerah", "Region"),
    "region_code": ("Kode wilayah Kemendagri", "Region code"),
    "awards": ("Penghargaan", "Awards"),
    "year_note": ("Catatan tentang tahun", "Note on the year"),
    "full_name": ("Nama lengkap", "Full name"),
    "tags": ("Kata kunci (satu per baris)", "Keywords (one per line)"),
    "language": ("Bahasa tulisan", "Language of the write-up"),
    "aliases": ("Slug lama (satu per baris)", "Former slugs (one per line)"),
    "replications": ("Replikasi", "Replications"),
    "replicated_from": ("Replikasi dari (slug)", "Replicated from (slug)"),
    "legal_basis": ("Dasar hukum (satu per baris)", "Legal basis (one per line)"),
    "contact": ("Kontak", "Contact"),
    "sdgs": ("SDGs (nomor, satu per baris)", "SDGs (numbers, one per line)"),
    "sources": ("Sumber", "Sources"),
    "updated": ("Diperbarui", "Updated"),
    "verified": ("Diverifikasi", "Verified"),
    "body": ("Isi tulisan (Markdown)", "Body (Markdown)"),
    "name": ("Nama", "Name"),
    "year": ("Tahun", "Year"),
    "rank": ("Peringkat", "Rank"),
    "url": ("Alamat web", "Web address"),
    "proof": ("Bukti", "Proof"),
    "innovation": ("Tulisan replikasinya (slug)", "Its write-up (slug)"),
    "status": ("Status", "Status"),
    "mechanism": ("Mekanisme", "Mechanism"),
    "changes": ("Perubahan", "Changes"),
    "results": ("Hasil", "Results"),
    "source": ("Sumber", "Source"),
    "date": ("Tanggal", "Date"),
    "band": ("Tingkat", "Band"),
    "amount_idr": ("Jumlah (Rp)", "Amount (IDR)"),
    "note": ("Catatan", "Note"),
    "office": ("Kantor", "Office"),
    "email": ("Surel", "E-mail"),
    "phone": ("Telepon", "Phone"),
}
_PLACEHOLDERS = {"date": "2024-05-31", "partial_date": "2024-05-31, 2024-05, 2024", "url": "https://…",
                 "region_code": "35.10"}


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...

    def keys(self) -> Iterable[str]: ...


def field_label(name: str, lang: str = "id") -> str:
    """The label of a field (top-level or the last part of a nested name)."""
    key = re.sub(r"\[\d+\]", "", name).split(".")[-1]
    spec = INNOVATION_SCHEMA.get(key) if key == name else None
    pair = spec.label if spec is not None and any(spec.label) else LABELS.get(key)
    if pair is None:
        return key.replace("_", " ")
    return pair[1] if lang == "en" else pair[0]


@dataclass
class Field:
    """One input (or a group of them) of the form."""

    name: str
    key: str
    spec: Spec
    widget: str  # text, textarea, number, select, checks, lines, group, rows
    value: Any = ""
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, Indonesian label, English label)
    children: list[Field] = field(default_factory=list)
    placeholder: str = ""

    @property
    def required(self) -> bool:
        return self.spec.required

    @property
    def help(self) -> str:
        return self.spec.help

    @property
    def input_id(self) -> str:
        return "f-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def label(self, lang: str) -> str:
        return field_label(self.name if "." not in self.name and "[" not in self.name else self.key, lang)


def fields(front_matter: Mapping[str, Any]) -> list[Field]:
    """The form's fields for these values (empty for a new write-up), in schema order."""
    return [_field(name, name, spec, front_matter.get(name)) for name, spec in INNOVATION_SCHEMA.items()]


def _choices(spec: Spec) -> tuple[tuple[str, str, str], ...]:
    if spec.kind == "bool":
        return (("true", "Ya", "Yes"), ("false", "Tidak", "No"))
    if spec.choices is None:
        return ()
    return tuple((str(v), labels[0], labels[1]) for v, labels in spec.choices().items())


def _field(name: str, key: str, spec: Spec, value: Any) -> Field:
    if spec.kind == "object":
        data = value if isinstance(value, dict) else {}
        return Field(name, key, spec, "group",
                     children=[_field(f"{name}.{k}", k, s, data.get(k)) for k, s in spec.fields.items()])
    if spec.kind == "list" and spec.item is not None:
        items = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        if spec.item.kind == "object":
            rows = [_field(f"{name}[{i}]", key, spec.item, v) for i, v in enumerate(items[:MAX_ROWS], 1)]
            rows.append(_field(f"{name}[{len(rows) + 1}]", key, spec.item, None))
            return Field(name, key, spec, "rows", children=rows)
        if spec.item.choices is not None:
            return Field(name, key, spec, "checks", [_text(v) for v in items], _choices(spec.item))
        return Field(name, key, spec, "lines", "\n".join(_text(v) for v in items))
    if spec.kind == "bool" or spec.choices is not None:
        return Field(name, key, spec, "select", _text(value), _choices(spec))
    if spec.kind == "str" and (spec.max_len is None or spec.max_len > LONG_TEXT):
        return Field(name, key, spec, "textarea", _text(value))
    widget = "number" if spec.kind == "int" else "text"
    return Field(name, key, spec, widget, _text(value), placeholder=_PLACEHOLDERS.get(spec.kind, ""))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return ", ".join(_text(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


# -- a submitted form back to data ----------------------------------------------------------------------------
def parse(form: FormData) -> dict[str, Any]:
    """Front-matter data from a submitted form (empty inputs left out)."""
    out: dict[str, Any] = {}
    names = list(form.keys())
    for name, spec in INNOVATION_SCHEMA.items():
        value = _read(name, spec, form, names)
        if value is not None:
            out[name] = value
    return out


def _read(name: str, spec: Spec, form: FormData, names: list[str]) -> Any:
    if spec.kind == "object":
        data = {k: v for k, s in spec.fields.items() if (v := _read(f"{name}.{k}", s, form, names)) is not None}
        return data or None
    if spec.kind == "list" and spec.item is not None:
        if spec.item.kind == "object":
            pattern = re.compile(re.escape(name) + r"\[(\d{1,4})\]\.")
            indices = sorted({int(m.group(1)) for n in names if (m := pattern.match(n))})[:MAX_ROWS]
            rows = [row for i in indices if (row := _read(f"{name}[{i}]", spec.item, form, names)) is not None]
            return rows or None
        if spec.item.choices is not None:
            raw = [str(v) for v in form.getlist(name)]
        else:
            raw = str(form.get(name) or "").splitlines()
        items = [_scalar(spec.item, v) for v in raw]
        items = [v for v in items if v is not None]
        return items or None
    return _scalar(spec, str(form.get(name) or ""))


def _scalar(spec: Spec, raw: str) -> Any:
    text = raw.replace("\r\n", "\n").strip()
    if not text:
        return None
    if spec.kind == "int" and re.fullmatch(r"-?\d{1,18}", text):
        return int(text)
    if spec.kind == "bool" and text in ("true", "false"):
        return text == "true"
    return coerce(spec, text)
