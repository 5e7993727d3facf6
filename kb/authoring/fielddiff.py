"""Two versions of a write-up compared field by field: what a reviewer and the history page show.

Fields come in schema order (then keys the schema does not know), each with its old and new value as
display text; long text and the body also get a word diff, so a changed comma is not a changed paragraph.
Labels are the caller's business (kb.authoring.form.field_label): this module returns field names.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

from kb.content import vocab
from kb.content.schema import INNOVATION_SCHEMA, Spec
from kb.authoring.writeup import WriteUp, ordered

BODY = "body"
WORD_DIFF_MIN = 80  # characters: shorter values are shown whole, old and new
_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class FieldChange:
    field: str
    kind: str  # "added", "removed", "changed"
    old: str | None
    new: str | None
    words: tuple[tuple[str, str], ...] = ()  # ("=", "-", "+", text) runs of a word diff


def diff(old: WriteUp | None, new: WriteUp | None, lang: str = "id") -> list[FieldChange]:
    """What changed from `old` to `new` (None: the write-up does not exist on that side)."""
    before = ordered(old.front_matter) if old else {}
    after = ordered(new.front_matter) if new else {}
    names = [n for n in INNOVATION_SCHEMA if n in before or n in after]
    names += [n for n in [*before, *after] if n not in INNOVATION_SCHEMA and n not in names]
    changes = []
    for name in dict.fromkeys(names):
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        spec = INNOVATION_SCHEMA.get(name)
        changes.append(_change(name, text(spec, a, lang) if a is not None else None,
                               text(spec, b, lang) if b is not None else None))
    old_body = old.body if old else None
    new_body = new.body if new else None
    if (old_body or "").strip() != (new_body or "").strip():
        changes.append(_change(BODY, old_body or None, new_body or None, always_words=True))
    return changes


def _change(name: str, a: str | None, b: str | None, always_words: bool = False) -> FieldChange:
    kind = "added" if a is None else "removed" if b is None else "changed"
    words: tuple[tuple[str, str], ...] = ()
    if a is not None and b is not None and (always_words or max(len(a), len(b)) >= WORD_DIFF_MIN):
        words = word_diff(a, b)
    return FieldChange(name, kind, a, b, words)


def word_diff(a: str, b: str) -> tuple[tuple[str, str], ...]:
    """Runs of equal ("="), deleted ("-") and inserted ("+") text, by words and punctuation."""
    left, right = _TOKEN_RE.findall(a), _TOKEN_RE.findall(b)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(left[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(left[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(right[j1:j2])))
    return tuple(out)


def text(spec: Spec | None, value: Any, lang: str = "id") -> str:
    """A front-matter value as a reader would write it: vocabulary labels, lists one item per line,
    objects as "key: value" pairs."""
    if spec is None:
        return _plain(value)
    if spec.kind == "list" and isinstance(value, list):
        return "\n".join(text(spec.item, v, lang) for v in value)
    if spec.kind == "object" and isinstance(value, dict):
        return " · ".join(f"{k}: {text(spec.fields.get(k), v, lang)}" for k, v in value.items()
                          if v not in (None, "", []))
    if spec.kind == "bool" and isinstance(value, bool):
        return vocab.label(vocab.YES_NO, "ya" if value else "tidak", lang)
    if spec.choices is not None and isinstance(value, str):
        return vocab.label(spec.choices(), value, lang)
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return " · ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)
