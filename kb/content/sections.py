"""The level-2 sections of a write-up's Markdown body (`## Inovasi`, `## Cara Replikasi`, ...).

The validator uses the headings to warn about missing or misordered sections; the replication kit shows single
sections next to the front-matter facts. A section taken out of its body keeps its footnotes: the definitions
it cites (which sit at the end of the body) are appended to it, so it renders with its citations.
"""
from __future__ import annotations

import re

HEADING_RE = re.compile(r"^##\s+(.+?)\s*#*\s*$")  # "## Name" (not "###": that continues a section)
FENCE_RE = re.compile(r"^(```|~~~)")
_FOOTNOTE_DEF_RE = re.compile(r"^\[\^([^\]\s]+)\]:")
_FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def headings(body: str) -> list[tuple[str, int]]:
    """(name, 0-based line) of every `## ` heading outside fenced code blocks, in order."""
    found: list[tuple[str, int]] = []
    in_fence = False
    for number, line in enumerate(body.splitlines()):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and (m := HEADING_RE.match(line)):
            found.append((m.group(1).strip(), number))
    return found


def section(body: str, name: str) -> str | None:
    """The Markdown of the `## <name>` section (heading compared without regard to case; the heading itself
    left out), with the footnote definitions it cites appended; None when the body has no such section or
    it is empty."""
    lines = body.splitlines()
    marks = headings(body)
    wanted = name.strip().lower()
    for i, (heading, start) in enumerate(marks):
        if heading.lower() != wanted:
            continue
        end = marks[i + 1][1] if i + 1 < len(marks) else len(lines)
        own, _ = _split_definitions(lines[start + 1:end])
        text = "\n".join(own).strip()
        if not text:
            return None
        cited = dict.fromkeys(_FOOTNOTE_REF_RE.findall(text))
        _, definitions = _split_definitions(lines)
        notes = [definitions[label] for label in cited if label in definitions]
        return text + ("\n\n" + "\n".join(notes) if notes else "")
    return None


def _split_definitions(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """The lines that are not footnote definitions, and label -> definition (with its indented
    continuation lines) of those that are."""
    kept: list[str] = []
    definitions: dict[str, str] = {}
    current: list[str] | None = None
    for line in lines:
        if m := _FOOTNOTE_DEF_RE.match(line):
            current = [line]
            definitions[m.group(1)] = line
            continue
        if current is not None and line.startswith(("    ", "\t")):
            current.append(line)
            definitions[_FOOTNOTE_DEF_RE.match(current[0]).group(1)] = "\n".join(current)  # type: ignore[union-attr]
            continue
        current = None
        kept.append(line)
    return kept, definitions
