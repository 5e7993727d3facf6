"""Records as plain, JSON-ready data and back: the form the records file stores and the API serves.

Generic over the model's dataclasses and the schema table, so a field added to the table is stored and read
back with no code of its own: `to_plain` writes it as a key like any other, `from_plain` reads it back by its
kind in the schema.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from kb.content.model import Innovation
from kb.content.schema import INNOVATION_SCHEMA


def plain(value: Any) -> Any:
    """A record (or part of one) as JSON-ready data: dates and paths as strings, empty fields left out."""
    if isinstance(value, Innovation):
        return to_plain(value)
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) not in (None, [], "")}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (Path, dt.date)):
        return str(value)
    return value


def to_plain(inn: Innovation) -> dict[str, Any]:
    """An innovation as plain data: its slots, then the fields held in `extra`, each under its own name."""
    data = {f.name: plain(getattr(inn, f.name)) for f in dataclasses.fields(inn)
            if f.name != "extra" and getattr(inn, f.name) not in (None, [], "")}
    extra = inn.extra
    for i in range(0, len(extra), 2):
        data[extra[i]] = plain(extra[i + 1])
    return data


def from_plain(data: Mapping[str, Any]) -> Innovation:
    """The innovation `to_plain` wrote (nested records, dates and the path restored). Fields held in `extra`
    keep the order `to_plain` wrote them in, the schema's, as `Innovation.build` would sort them."""
    readers = _readers()
    own: dict[str, Any] = {}
    extra: list[Any] = []
    for name, value in data.items():
        if name in readers:
            read = readers[name]
            own[name] = value if read is None else read(value)
            continue
        spec = INNOVATION_SCHEMA.get(name)  # a field held in `extra`: read by its kind in the schema
        if spec is None:
            raise TypeError(f"Innovation has no field {name}")
        extra += (name, dt.date.fromisoformat(value) if spec.kind == "date" else value)
    return Innovation(**own, extra=tuple(extra))


@cache
def _readers() -> dict[str, Callable[[Any], Any] | None]:
    """Slot name -> how to read its plain value back, from the slot's type hint (None: as it is)."""
    return {name: _read_as(hint) for name, hint in typing.get_type_hints(Innovation).items() if name != "extra"}


def _read_as(hint: Any) -> Callable[[Any], Any] | None:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        hint = args[0]  # X | None: plain data has no None (empty fields are left out)
    if typing.get_origin(hint) is list:
        item = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(item):
            return lambda values: [item(**v) for v in values]
        return None
    if dataclasses.is_dataclass(hint):
        return lambda value: hint(**value)
    if hint is dt.date:
        return dt.date.fromisoformat
    if hint is Path:
        return Path
    return None
