"""Jinja filters."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Install the template filters."""
    app.jinja_env.filters["rupiah"] = lambda n: "Rp" + f"{n:,}".replace(",", ".")
    app.jinja_env.filters["award_years"] = award_years


def award_years(awards: list[dict]) -> list[tuple[str, int]]:
    """(name, year) of a search hit's awards, each once: two ranks in one year are one award to show."""
    return list(dict.fromkeys((a["name"], a["year"]) for a in awards))
