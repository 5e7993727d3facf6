"""Reading one content file: bytes -> (front matter with line numbers, body). No schema knowledge."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter import YAMLHandler

from kb.content.issues import Issue

FM_BOUNDARY = YAMLHandler.FM_BOUNDARY  # the same delimiter rule python-frontmatter uses
MAX_FILE_BYTES = 1024 * 1024  # a write-up is a few KB; anything near 1 MB is a mistake
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster, same safe subset
_DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass(slots=True)
class Document:
    """A parsed file: front matter data, the line of every key, and the Markdown body."""

    path: Path
    data: dict[str, Any]
    lines: dict[tuple[str | int, ...], int]
    body: str | None  # None once released from a cache: read the file again
    body_line: int
    content_hash: str
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)


def read_document(path: Path, display: str) -> Document | Issue:
    """Parse a Markdown file with YAML front matter; an `Issue` says why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Issue(display, None, "file", f"cannot be read: {exc.strerror or exc}")
    return parse_document(raw, path, display)


def parse_document(raw: bytes, path: Path, display: str) -> Document | Issue:
    """Parse the bytes of a content file that is not (or not only) on disk: a draft, a version in git.
    `path` only names it (its stem is the slug)."""
    if len(raw) > MAX_FILE_BYTES:
        return Issue(display, None, "file", f"is {len(raw) / 2**20:.1f} MB; the limit is "
                                            f"{MAX_FILE_BYTES // 2**20} MB: split it or move attachments out")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Issue(display, line, "file", f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if "\x00" in text:
        return Issue(display, text[: text.index("\x00")].count("\n") + 1, "file", "contains NUL bytes: not a text file")
    if not text.strip():
        return Issue(display, 1, "front matter", "the file is empty")
    opening = FM_BOUNDARY.match(text)
    closing = FM_BOUNDARY.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return Issue(display, 1, "front matter",
                     "missing: the file must start with a line '---', then YAML fields, then a closing '---'")
    fm_text = text[opening.end(): closing.start()]
    fm_first_line = text.count("\n", 0, opening.end()) + 1  # 1-based line of fm_text's first character
    # (the boundary match stops before the newline, so fm_text starts with the rest of the "---" line)
    body_start = closing.end() + 1 if text[closing.end(): closing.end() + 1] == "\n" else closing.end()
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1

    loader = _LOADER(fm_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = fm_first_line + mark.line if mark is not None else fm_first_line
        problem = exc.problem or exc.context or "syntax error"
        return Issue(display, line, "front matter", f"invalid YAML: {problem}")
    except yaml.YAMLError as exc:
        return Issue(display, fm_first_line, "front matter", f"invalid YAML: {exc}")
    except (ValueError, TypeError) as exc:  # e.g. an impossible date: 2024-02-31
        line = fm_first_line + _bad_date_line(fm_text)
        return Issue(display, line, "front matter", f"invalid value: {exc} (check the dates; YAML reads "
                                                    "2024-05-31 as a date)")
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        line = fm_first_line + (node.start_mark.line if node is not None else 0)
        return Issue(display, line, "front matter", "must be a mapping of 'field: value' lines")
    lines: dict[tuple[str | int, ...], int] = {(): 1}
    duplicates: list[tuple[str, int]] = []
    _collect_lines(node, (), fm_first_line, lines, duplicates)
    return Document(path, data, lines, body, body_line, hashlib.sha1(raw).hexdigest(),
                    duplicate_keys=duplicates)


def _bad_date_line(fm_text: str) -> int:
    """0-based line of the first date-shaped value that is not a real date (0 when none is found)."""
    for number, line in enumerate(fm_text.split("\n")):
        for found in _DATE_RE.findall(line):
            try:
                dt.date.fromisoformat(found)
            except ValueError:
                return number
    return 0


def _collect_lines(node: yaml.Node, where: tuple[str | int, ...], offset: int,
                   lines: dict[tuple[str | int, ...], int], duplicates: list[tuple[str, int]]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if not where and name in seen:
                duplicates.append((name, offset + key.start_mark.line))
            seen.add(name)
            lines[where + (name,)] = offset + key.start_mark.line
            _collect_lines(value, where + (name,), offset, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[where + (index,)] = offset + item.start_mark.line
            _collect_lines(item, where + (index,), offset, lines, duplicates)
