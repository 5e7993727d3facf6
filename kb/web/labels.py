"""Display labels for facet names and values, in the page's language (from the schema table)."""
from __future__ import annotations

from kb.content import fields
from kb.web.i18n import current_language


def facet_label(name: str, lang: str | None = None) -> str:
    found = fields.facet(name)
    return found.label(lang or current_language()) if found else name


def facet_value_label(name: str, value: str, lang: str = "id", awards: dict | None = None) -> str:
    """Human label for a facet value: award names (from the award files), else what the schema table says
    (sector names, region names, vocabulary labels, Ya/Tidak)."""
    if name == "award":
        return awards[value].name if awards and value in awards else value
    found = fields.facet(name)
    return found.value_label(value, lang) if found else value
