"""The innovation and award records every other layer reads. Built only by the loader, after validation."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kb.content.schema import INNOVATION_SCHEMA


@dataclass(slots=True)
class Source:
    title: str
    url: str | None = None
    date: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY": sources are often only partly dated


@dataclass(slots=True)
class AwardRef:
    """An award an innovation received; `award` is the resolved slug of the award programme."""

    award: str
    year: int
    rank: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Replication:
    """A region that replicated the innovation (and the replica's own write-up, if any)."""

    region: str
    region_code: str | None = None
    year: int | None = None
    agency: str | None = None
    proof: str | None = None
    innovation: str | None = None
    status: str | None = None  # direncanakan | uji-coba | berjalan | berhenti (vocab.REPLICATION_STATUSES)
    mechanism: list[str] = field(default_factory=list)
    changes: str | None = None
    results: str | None = None
    source: dict | None = None  # {title, url, date} like an entry of `sources`


@dataclass(slots=True)
class ReplicationDetails:
    """What a replica's write-up says of its own replication (`replicated_from` written as a mapping): the
    same facts as an entry of the original's `replications`, which the replica's region and slug complete."""

    year: int | None = None
    proof: str | None = None
    status: str | None = None
    mechanism: list[str] = field(default_factory=list)
    changes: str | None = None
    results: str | None = None
    source: dict | None = None


@dataclass(slots=True)
class Cost:
    band: str
    amount_idr: int | None = None
    note: str | None = None


@dataclass(slots=True)
class Contact:
    name: str | None = None
    office: str | None = None
    email: str | None = None
    phone: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Innovation:
    """One innovation write-up: front matter, and its Markdown body when it is at hand.

    Bodies are not kept in memory (they are most of a catalogue's size: ~80 MB at 10 000 write-ups):
    `body` is filled while a publish writes the record, and is "" in records read back (pages read the
    published body from the records file: `RecordsFile.body`).

    Fields the code works with have slots of their own. Every other field of the schema table (the
    classification fields, and any field added to the table) lives in `extra` and reads like the others:
    `inn.complexity` is its value, or None when the file leaves it out. Build records with `Innovation.build`,
    which sorts the values into slots and `extra`.
    """

    slug: str
    path: Path
    title: str
    summary: str
    agency: str
    region: str
    sectors: list[str]
    year: int
    body: str = ""
    content_hash: str = ""
    region_code: str | None = None  # as written, or resolved from `region` via the gazetteer
    full_name: str | None = None
    year_note: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str = "id"
    aliases: list[str] = field(default_factory=list)
    awards: list[AwardRef] = field(default_factory=list)
    replications: list[Replication] = field(default_factory=list)
    replicated_from: str | None = None  # the original's slug
    replicated_from_details: ReplicationDetails | None = None  # when `replicated_from` says more than the slug
    cost: Cost | None = None
    legal_basis: list[str] = field(default_factory=list)
    contact: Contact | None = None
    sdgs: list[int] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    updated: dt.date | None = None
    verified: dt.date | None = None
    # (name, value, name, value, ...) of the other schema fields that are set, in schema order: a flat tuple
    # costs less memory than a dict, and nothing at all when none is set.
    extra: tuple[Any, ...] = ()

    @classmethod
    def build(cls, **values: Any) -> Innovation:
        """A record from field values: slots and any schema field (None: not set)."""
        own = {k: v for k, v in values.items() if k in _SLOTS}
        others = [name for name in extra_fields() if name in values]
        if len(own) + len(others) != len(values):
            unknown = values.keys() - _SLOTS - INNOVATION_SCHEMA.keys()
            raise TypeError(f"Innovation has no field {', '.join(sorted(unknown))}")
        extra = tuple(part for name in others if values[name] is not None for part in (name, values[name]))
        return cls(**own, extra=extra)

    def __getattr__(self, name: str) -> Any:
        """A schema field held in `extra` (only called when `name` is not a slot)."""
        if name == "extra" or name.startswith("__"):
            raise AttributeError(name)
        extra = self.extra
        for i in range(0, len(extra), 2):
            if extra[i] == name:
                return extra[i + 1]
        if name in INNOVATION_SCHEMA:
            return None
        raise AttributeError(f"'Innovation' object has no attribute {name!r}")

    @property
    def province_code(self) -> str | None:
        return self.region_code.split(".")[0] if self.region_code else None


_SLOTS = frozenset(f.name for f in fields(Innovation)) - {"extra"}


_extra_fields: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


def extra_fields(schema: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The schema fields held in `Innovation.extra` (no slot of their own), in schema order."""
    global _extra_fields
    names = tuple(INNOVATION_SCHEMA if schema is None else schema)
    if _extra_fields[0] != names:  # kept while the table's names stay the same: this runs for every record
        _extra_fields = (names, tuple(name for name in names if name not in _SLOTS))
    return _extra_fields[1]


@dataclass(slots=True)
class Award:
    """An award programme (Sinovik/KIPP, KOVABLIK, UNPSA, ...)."""

    slug: str
    path: Path
    name: str
    organizer: str
    body: str = ""
    content_hash: str = ""
    url: str | None = None
    sources: list[Source] = field(default_factory=list)
    updated: dt.date | None = None
