"""A write-up as data, and as the file text that goes into git.

The front matter is written by a YAML emitter from data (so no value can add a key, close the front matter
or run code, whatever it holds) and the result is read back with the loader's own parser: if the data that
comes back is not the data that went in, nothing is written. Fields are written in schema order; keys the
schema does not know (kept from the published file) follow.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.content.document import Document, parse_document
from kb.content.issues import Issue
from kb.content.schema import INNOVATION_SCHEMA, SLUG_RE, Spec

INNOVATIONS = "innovations"
MAX_SLUG = 100
MAX_BODY = 200_000  # characters; a write-up is a few thousand (the file limit is 1 MB)


class SlugError(ValueError):
    """A slug that cannot name a file; raised before any path is built from it."""


def check_slug(slug: Any) -> str:
    """The slug, when it is one (lowercase a-z, 0-9 and single hyphens, at most MAX_SLUG characters)."""
    if not isinstance(slug, str) or not slug:
        raise SlugError("a slug is required (lowercase a-z, 0-9 and single hyphens, e.g. 'nama-inovasi')")
    if len(slug) > MAX_SLUG:
        raise SlugError(f"the slug is {len(slug)} characters long; the limit is {MAX_SLUG}")
    if not SLUG_RE.match(slug):
        raise SlugError(f"{slug[:60]!r} is not a valid slug: use lowercase a-z, 0-9 and single hyphens, "
                        "e.g. 'nama-inovasi'")
    return slug


def path_of(slug: str) -> str:
    """The file's path inside the content repository (slug checked first)."""
    return f"{INNOVATIONS}/{check_slug(slug)}.md"


@dataclass(frozen=True)
class WriteUp:
    """Front matter (plain data: str, int, bool, date, lists, dicts) and the Markdown body."""

    front_matter: dict[str, Any]
    body: str

    def to_json(self) -> dict[str, Any]:
        return {"front_matter": to_json(self.front_matter), "body": self.body}


def parse(raw: bytes, slug: str) -> WriteUp | Issue:
    """A file's text as data (with the loader's parser), or why it cannot be read."""
    doc = parse_document(raw, Path(path_of(slug)), path_of(slug))
    if isinstance(doc, Issue):
        return doc
    return WriteUp(doc.data, doc.body or "")


def front_matter_text(raw: bytes) -> str | None:
    """The front matter of a file exactly as written (kept when a draft does not change it)."""
    doc = parse_document(raw, Path("x.md"), "x.md")
    if isinstance(doc, Document):
        text = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
        end = text.find("\n---", 3)
        return text[: end + 4] if end >= 0 else None
    return None


def ordered(front_matter: Mapping[str, Any]) -> dict[str, Any]:
    """Schema order first, then the keys the schema does not know; empty values dropped."""
    out = {name: front_matter[name] for name in INNOVATION_SCHEMA if not _empty(front_matter.get(name))}
    out.update({k: v for k, v in front_matter.items() if k not in INNOVATION_SCHEMA and not _empty(v)})
    return out


def compose(writeup: WriteUp, keep: bytes | None = None) -> bytes:
    """The file text for a write-up. `keep`: a previous version whose front matter is reused verbatim
    (comments and all) when the data is unchanged. Raises ValueError when the text would not read back as
    the same data."""
    data = ordered(writeup.front_matter)
    body = writeup.body.replace("\r\n", "\n")
    if body and not body.endswith("\n"):
        body += "\n"
    if len(body) > MAX_BODY:
        raise ValueError(f"the body is {len(body)} characters long; the limit is {MAX_BODY}")
    heads = []
    if keep is not None:
        previous = parse(keep, "x")
        kept = front_matter_text(keep)
        if isinstance(previous, WriteUp) and kept and ordered(previous.front_matter) == data:
            heads.append(kept)
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=math.inf,
                            default_flow_style=False) if data else ""
    heads.append("---\n" + dumped + "---")
    for head in heads:
        raw = f"{head}\n{body}".encode()
        back = parse(raw, "x")
        if isinstance(back, WriteUp) and ordered(back.front_matter) == data and back.body == body:
            return raw
    raise ValueError("these values cannot be stored as they are (the text would not read back the same)")


def coerce(spec: Spec, value: Any) -> Any:
    """A value that came as JSON or form text, in the type the file holds: dates as dates (written
    unquoted, like hand-written files); everything else as given (the validator judges it)."""
    if isinstance(value, str) and spec.kind in ("date", "partial_date") and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    if spec.kind == "list" and isinstance(value, list) and spec.item is not None:
        return [coerce(spec.item, v) for v in value]
    if spec.kind == "object" and isinstance(value, dict):
        return {k: coerce(spec.fields[k], v) if k in spec.fields else v for k, v in value.items()}
    return value


def coerce_front_matter(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: coerce(INNOVATION_SCHEMA[k], v) if k in INNOVATION_SCHEMA else v for k, v in data.items()}


def to_json(value: Any) -> Any:
    """Front-matter data as JSON values (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
