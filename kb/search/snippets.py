"""Short highlighted excerpts for the hits on one page: the window of text with the most matched words.

Candidates are found by one regular expression over the text (the query words and their stems, which
Indonesian affixes surround: "daya" in "memberdayakan"), then confirmed by stemming only those words.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup

from kb.search.analysis import stem

WINDOW_CHARS = 220
LEAD_CHARS = 40
MAX_HITS = 12  # enough to find a good window; scanning a long body to the end costs more than it gives
SCAN_CHARS = 4000


@lru_cache(maxsize=512)
def _pattern(needles: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(n) for n in needles), key=len, reverse=True))
    return re.compile(alternatives, re.IGNORECASE)


def make_snippet(texts: list[str], words: set[str], stems: set[str], window: int = WINDOW_CHARS) -> Markup:
    """The best window from the first text that matches (e.g. body, then summary), matched words in <mark>."""
    needles = frozenset(n for n in words | stems if len(n) >= 2)
    if needles:
        pattern = _pattern(needles)
        for text in texts:
            snippet = _best_window(text, pattern, words, stems, window)
            if snippet is not None:
                return snippet
    first = texts[-1] if texts else ""
    return Markup(html.escape(_cut(first, window)))


def _confirmed(token: str, words: set[str], stems: set[str]) -> bool:
    low = token.lower()
    if low in words:
        return True
    return "-" not in low and stem(low) in stems


def _best_window(text: str, pattern: re.Pattern[str], words: set[str], stems: set[str],
                 window: int) -> Markup | None:
    hits: list[tuple[int, int, str]] = []
    length = len(text)
    match = pattern.search(text, 0, SCAN_CHARS)
    while match is not None and len(hits) < MAX_HITS:  # grow each occurrence to its whole word, then confirm that word
        start, end = match.start(), match.end()
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < length and (text[end].isalnum() or (text[end] == "-" and end + 1 < length
                                                         and text[end + 1].isalnum())):
            end += 1
        token = text[start:end]
        if _confirmed(token, words, stems):
            hits.append((start, end, token.lower()))
        match = pattern.search(text, end, SCAN_CHARS)
    if not hits:
        return None
    best, best_score, j = 0, -1, 0
    for i, (start, _, _) in enumerate(hits):  # the window starting at hit i with the most distinct words
        while j < len(hits) and hits[j][0] < start + window:
            j += 1
        score = len({h[2] for h in hits[i:j]})
        if score > best_score:
            best, best_score = i, score
    lo = max(0, hits[best][0] - LEAD_CHARS)
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < hits[best][0] else hits[best][0]
    hi = min(len(text), lo + window + LEAD_CHARS)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > hits[best][1] else hi
    out = ["… " if lo > 0 else ""]
    pos = lo
    for start, end, _ in hits:
        if start < lo or end > hi:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:hi]))
    out.append(" …" if hi < len(text) else "")
    return Markup("".join(out))


def _cut(text: str, window: int) -> str:
    if len(text) <= window:
        return text
    space = text.rfind(" ", 0, window)
    return text[: space if space > 0 else window] + " …"
