"""What the schema table (kb/content/schema.py) derives for the other layers: search facets and their values
and labels, the fields each display shows (fact panel, listing and export columns, API detail), display text,
listing cells, JSON Schema for the OpenAPI document, and a digest that changes when indexed fields change.

Every function reads the table when called (`schema`: defaults to `INNOVATION_SCHEMA`), so a field added to
the table, by a developer or by a test that extends it, shows up everywhere at once. Nothing here knows of
Flask or Whoosh.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from kb.content import vocab
from kb.content.schema import INNOVATION_SCHEMA, PANEL, ROW, Facet, Spec

Schema = Mapping[str, Spec]
STRING_KINDS = ("str", "date", "partial_date", "url", "email", "slug", "region_code")


def _table(schema: Schema | None) -> Schema:
    return INNOVATION_SCHEMA if schema is None else schema


def label(pair: tuple[str, str], lang: str) -> str:
    """The English or Indonesian half of an (Indonesian, English) label."""
    return pair[1] if lang == "en" else pair[0]


# -- facets -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FacetField:
    """A facet with the field that feeds it."""

    name: str
    field: str
    spec: Spec
    facet: Facet

    def values(self, value: Any) -> list[str]:
        """Facet values of a record's value of the field (none for an empty value)."""
        if value is None or value == [] or value == "":
            return []
        if self.facet.values is not None:
            return [str(v) for v in self.facet.values(value)]
        spec = self.spec
        if spec.kind == "list":
            return [str(v) for v in value]
        if spec.kind == "bool":
            return ["ya" if value else "tidak"]
        if spec.kind == "object":
            return [str(getattr(value, spec.key))]
        return [str(value)]

    def label(self, lang: str) -> str:
        return label(self.facet.label if any(self.facet.label) else self.spec.label, lang)

    def value_label(self, value: str, lang: str) -> str:
        """The display label of a facet value: from the facet, the field's vocabulary, or the value itself."""
        if self.facet.value_label is not None:
            return self.facet.value_label(value, lang)
        return vocab.label(_labels(self.spec), value, lang)


_last_facets: tuple[tuple, tuple[FacetField, ...]] = ((), ())


def facets(schema: Schema | None = None) -> tuple[FacetField, ...]:
    """Every facet, in schema order (a field may feed several: region_code -> province, region)."""
    global _last_facets
    items = tuple(_table(schema).items())
    if _last_facets[0] != items:  # the same specs: compared by identity, cheap (this runs per record)
        _last_facets = (items, tuple(FacetField(facet.name or name, name, spec, facet)
                                     for name, spec in items for facet in spec.facets))
    return _last_facets[1]


def facet_names(schema: Schema | None = None) -> tuple[str, ...]:
    return tuple(f.name for f in facets(schema))


def facet(name: str, schema: Schema | None = None) -> FacetField | None:
    return next((f for f in facets(schema) if f.name == name), None)


def facet_values(record: Any, schema: Schema | None = None) -> dict[str, list[str]]:
    """Facet name -> values of one record (all strings; only facets the record has values for)."""
    values = {f.name: f.values(getattr(record, f.field)) for f in facets(schema)}
    return {name: v for name, v in values.items() if v}


class FacetNames(Sequence[str]):
    """The facet names as a sequence that reads the table on each use, not once at import: modules can hold
    it as a constant (`FACETS`) and still see a field added to the table later (by a test)."""

    def __init__(self, schema: Schema | None = None) -> None:
        self._schema = schema

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return facet_names(self._schema)[index]

    def __len__(self) -> int:
        return len(facet_names(self._schema))

    def __iter__(self) -> Iterator[str]:
        return iter(facet_names(self._schema))

    def __contains__(self, name: object) -> bool:
        return name in facet_names(self._schema)

    def __repr__(self) -> str:
        return f"FacetNames{facet_names(self._schema)!r}"


# -- displays -----------------------------------------------------------------------------------------------
def shown(place: str, schema: Schema | None = None) -> tuple[str, ...]:
    """The fields a display (schema.PANEL, ROW or DETAIL) shows, in schema order."""
    return tuple(name for name, spec in _table(schema).items() if place in spec.show)


def field_label(name: str, lang: str, schema: Schema | None = None) -> str:
    return label(_table(schema)[name].label, lang) or name


def value_text(spec: Spec, value: Any, lang: str) -> str:
    """A field's value as display text: vocabulary labels, Ya/Tidak, lists joined, dates in ISO form."""
    if spec.kind == "list":
        return ", ".join(value_text(spec.item, v, lang) for v in value) if spec.item else ", ".join(value)
    if spec.kind == "bool":
        return vocab.label(vocab.YES_NO, "ya" if value else "tidak", lang)
    if spec.kind == "object":
        return value_text(spec.fields[spec.key], getattr(value, spec.key), lang) if spec.key else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return vocab.label(_labels(spec), str(value), lang)


def panel_facts(record: Any, lang: str, schema: Schema | None = None) -> list[tuple[str, str, str]]:
    """(field, label, text) of the fact panel's schema-derived rows the record has a value for."""
    table = _table(schema)
    return [(name, field_label(name, lang, table), value_text(table[name], value, lang))
            for name in shown(PANEL, table)
            if (value := getattr(record, name)) not in (None, [], "")]


def cell(spec: Spec, value: Any) -> Any:
    """A field's value in a listing row (JSON): objects by their key, dates as text; missing: "" for text,
    None for numbers and true/false."""
    if value is None or value == "":
        return None if spec.kind in ("bool", "int") else ""
    if spec.kind == "object":
        return cell(spec.fields[spec.key], getattr(value, spec.key))
    if spec.kind == "list":
        return [cell(spec.item, v) for v in value] if spec.item else list(value)
    return value.isoformat() if isinstance(value, dt.date) else value


def row_cells(record: Any, schema: Schema | None = None) -> dict[str, Any]:
    """The schema-derived columns of a listing row, in schema order."""
    table = _table(schema)
    return {name: cell(table[name], getattr(record, name)) for name in shown(ROW, table)}


def csv_cells(row: Mapping[str, Any], schema: Schema | None = None) -> dict[str, Any]:
    """The schema-derived columns of a listing row as CSV text: true/false as ya/tidak, lists joined by ";"."""
    table = _table(schema)
    out: dict[str, Any] = {}
    for name in shown(ROW, table):
        value = row.get(name)
        if isinstance(value, bool):
            out[name] = "ya" if value else "tidak"
        elif isinstance(value, list):
            out[name] = ";".join(str(v) for v in value)
        else:
            out[name] = "" if value is None else value
    return out


def _labels(spec: Spec) -> Mapping[str, tuple[str, str]]:
    """The (Indonesian, English) labels of a field's values: its vocabulary (of its items, of its key)."""
    if spec.kind == "list" and spec.item is not None:
        return _labels(spec.item)
    if spec.kind == "object" and spec.key:
        return _labels(spec.fields[spec.key])
    if spec.kind == "bool":
        return vocab.YES_NO
    return spec.choices() if spec.choices is not None else {}


# -- JSON Schema (for the OpenAPI document) -----------------------------------------------------------------
def json_schema(spec: Spec) -> dict[str, Any]:
    """The JSON Schema of a field's plain value (as `to_plain` writes it)."""
    if spec.kind == "list":
        return {"type": "array", "items": json_schema(spec.item) if spec.item else {}}
    if spec.kind == "object":
        schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                                  "properties": {name: json_schema(sub) for name, sub in spec.fields.items()}}
        required = [name for name, sub in spec.fields.items() if sub.required]
        return {**schema, "required": required} if required else schema
    if spec.kind == "int":
        return {"type": "integer"}
    if spec.kind == "bool":
        return {"type": "boolean"}
    if spec.kind == "date":
        return {"type": "string", "format": "date"}
    if spec.choices is not None:
        return {"type": "string", "enum": list(spec.choices())}
    return {"type": "string"}


def cell_schema(spec: Spec) -> dict[str, Any]:
    """The JSON Schema of a field's listing cell (see `cell`)."""
    if spec.kind == "object":
        return cell_schema(spec.fields[spec.key])
    if spec.kind == "list":
        return {"type": "array", "items": cell_schema(spec.item) if spec.item else {}}
    if spec.kind in ("bool", "int"):
        return {"type": [json_schema(spec)["type"], "null"]}
    if spec.choices is not None:
        return {"type": "string", "enum": [*spec.choices(), ""]}
    return {"type": "string"}


# -- versioning ---------------------------------------------------------------------------------------------
def digest(schema: Schema | None = None) -> int:
    """Changes when the fields, their kinds or their facets change: what a records file and an index built
    from a catalogue hold depends on these, so a different digest means they must be built again."""
    parts = [f"{name}:{spec.kind}:{','.join(f.name or name for f in spec.facets)}"
             for name, spec in _table(schema).items()]
    return int(hashlib.sha1("|".join(parts).encode()).hexdigest()[:8], 16)
