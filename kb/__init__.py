"""Lumbung Inovasi: a knowledge base of Indonesian public-service innovations.

`flask --app kb ...` finds `create_app` here; the import is lazy so that the content and search layers
can be used without Flask.
"""
from __future__ import annotations

from typing import Any


def create_app(config: dict[str, Any] | None = None):  # noqa: ANN201 - returns flask.Flask
    """Build the web application (see `kb.web.create_app`)."""
    from kb.web import create_app as _create_app

    return _create_app(config)
