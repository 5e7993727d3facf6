"""The background section of a write-up (Latar Belakang): the problem it answers, in the author's words.

An official often describes the problem ("sampah pasar menumpuk") rather than naming a solution; the
background section is where a write-up describes it. It is indexed again in its own field (schema.py) so
that a word found there counts a little more than elsewhere in the body.
"""
from __future__ import annotations

import re

from kb.content.render import index_text

# Headings that introduce the problem (lowercase): the recommended Indonesian one and plain alternatives.
BACKGROUND_HEADINGS = frozenset(("latar belakang", "permasalahan", "masalah", "background", "the problem", "problem"))
_HEADING_RE = re.compile(r"^#{2,3}[ \t]+(.+?)[ \t#]*$", re.M)


def background(body: str) -> str:
    """The plain text of the body's background sections ('' if it has none)."""
    headings = list(_HEADING_RE.finditer(body))
    parts = []
    for i, heading in enumerate(headings):
        if heading.group(1).strip().lower() in BACKGROUND_HEADINGS:
            end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
            parts.append(body[heading.end():end])
    return index_text("\n\n".join(parts)) if parts else ""
