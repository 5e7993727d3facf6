"""Jinja filters."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Install the template filters."""
    app.jinja_env.filters["rupiah"] = lambda n: "Rp" + f"{n:,}".replace(",", ".")
