"""Jinja filters."""
from __future__ import annotations

from typing import Any

from flask import Flask

from kb.content.fields import panel_facts
from kb.web.i18n import current_language


def register(app: Flask) -> None:
    """Install the template filters."""
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["award_years"] = award_years
    app.jinja_env.filters["facts"] = facts


def rupiah(amount: int) -> str:
    """150000000 -> "Rp150.000.000" (Indonesian thousands separators)."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def facts(record: Any) -> list[tuple[str, str, str]]:
    """(field, label, text) of the fact panel rows the schema table declares, in the page's language."""
    return panel_facts(record, current_language())


def award_years(awards: list[dict]) -> list[tuple[str, int]]:
    """(name, year) of a search hit's awards, each once: two ranks in one year are one award to show."""
    return list(dict.fromkeys((a["name"], a["year"]) for a in awards))
