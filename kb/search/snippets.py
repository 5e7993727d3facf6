"""Short highlighted excerpts for the hits on one page: a window of words around the densest matches."""
from __future__ import annotations

import html
import re

from markupsafe import Markup

from kb.search.analysis import stem

_TOKEN_RE = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
WINDOW_WORDS = 32


def make_snippet(texts: list[str], words: set[str], stems: set[str], window: int = WINDOW_WORDS) -> Markup:
    """The best window from the first text that matches (e.g. body, then summary), matched words in <mark>."""
    for text in texts:
        snippet = _best_window(text, words, stems, window)
        if snippet is not None:
            return snippet
    first = texts[-1] if texts else ""
    return Markup(html.escape(_cut(first, window)))


def _matches(token: str, words: set[str], stems: set[str]) -> bool:
    low = token.lower()
    if low in words:
        return True
    return "-" not in low and stem(low) in stems


def _best_window(text: str, words: set[str], stems: set[str], window: int) -> Markup | None:
    tokens = list(_TOKEN_RE.finditer(text))
    hits = [i for i, m in enumerate(tokens) if _matches(m.group(0), words, stems)]
    if not hits:
        return None
    best_start, best_score = 0, -1
    for first in hits:
        start = max(0, first - 4)
        score = len({tokens[i].group(0).lower() for i in hits if start <= i < start + window})
        if score > best_score:
            best_start, best_score = start, score
    end = min(len(tokens), best_start + window)
    lo = tokens[best_start].start()
    hi = tokens[end - 1].end()
    hit_set = set(hits)
    out: list[str] = ["… " if lo > 0 else ""]
    pos = lo
    for i in range(best_start, end):
        m = tokens[i]
        out.append(html.escape(text[pos: m.start()]))
        word = html.escape(m.group(0))
        out.append(f"<mark>{word}</mark>" if i in hit_set else word)
        pos = m.end()
    out.append(" …" if hi < len(text) else "")
    return Markup("".join(out))


def _cut(text: str, window: int) -> str:
    words = text.split()
    return " ".join(words[:window]) + (" …" if len(words) > window else "")
