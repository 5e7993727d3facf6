"""Markdown body -> safe HTML and a table of contents.

Python-Markdown passes raw HTML, `javascript:` links and event attributes through, so its output always
goes through the nh3 allowlist sanitizer. Rendering is cached by content hash: a body renders once.
"""
from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3

EXTENSIONS = ["tables", "fenced_code", "footnotes", "toc", "sane_lists", "def_list", "abbr", "admonition"]
EXTENSION_CONFIGS = {
    "toc": {"toc_depth": "2-3", "permalink": False},
    "footnotes": {"BACKLINK_TITLE": "Kembali ke teks"},
}
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"div", "sup", "sub", "span", "abbr", "dl", "dt", "dd"}
ALLOWED_TAGS -= {"img"}  # write-ups are text; images would need hosting and alt-text review
ALLOWED_ATTRIBUTES = {tag: {"id", "class", "title"} for tag in ALLOWED_TAGS}
ALLOWED_ATTRIBUTES["a"] = {"href", "id", "class", "title"}
ALLOWED_ATTRIBUTES["th"] = {"align", "id", "class"}
ALLOWED_ATTRIBUTES["td"] = {"align", "id", "class"}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]


def sanitize_html(html: str) -> str:
    """Keep only allowlisted tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(body: str) -> Rendered:
    """Render a Markdown body to sanitized HTML with its h2/h3 table of contents."""
    return _render_cached(body)


@lru_cache(maxsize=256)
def _render_cached(body: str) -> Rendered:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    html = sanitize_html(md.convert(body))
    toc = tuple(_flatten(getattr(md, "toc_tokens", [])))
    return Rendered(html=html, toc=toc)


def _flatten(tokens: list[dict]) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        out.append(Heading(level=token["level"], id=token["id"], name=_html.unescape(nh3.clean(token["name"], tags=set()))))
        out.extend(_flatten(token.get("children", [])))
    return out


_STRIP_RULES = [
    (re.compile(r"^\[\^[^\]]+\]:.*$", re.M), ""),  # footnote definitions (citations)
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote references
    (re.compile(r"<!--.*?-->", re.S), " "),
    (re.compile(r"<[^>\n]{0,500}>"), " "),  # raw HTML tags (their text stays)
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # links and images -> their text
    (re.compile(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+", re.M), ""),  # heading, quote and list markers
    (re.compile(r"^\s*(```|~~~).*$|^\s*\|?[-:| ]{3,}\|?\s*$", re.M), ""),  # fences, table rules
    (re.compile(r"[*_`|]+"), " "),  # emphasis, code, table pipes
]


def index_text(body: str) -> str:
    """The body's words without Markdown, HTML or footnotes (citations), for indexing and snippets.

    Regular expressions instead of rendering: rendering every body dominated index build time."""
    text = body
    for pattern, replacement in _STRIP_RULES:
        text = pattern.sub(replacement, text)
    return _html.unescape(re.sub(r"[ \t]+", " ", text)).strip()
