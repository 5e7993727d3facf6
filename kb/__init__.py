"""Lumbung Inovasi: a knowledge base of Indonesian public-service innovations.

`flask --app kb ...` finds `create_app` here: the composition root, which adds our commands (kb.cli) to the
app's CLI, so neither kb.web nor kb.cli imports the other at module level. Imports are lazy so that the
content and search layers can be used without Flask.
"""
from __future__ import annotations

from typing import Any


def create_app(config: dict[str, Any] | None = None):  # noqa: ANN201 - returns flask.Flask
    """Build the web application (see `kb.web.create_app`)."""
    from kb.cli import register_commands
    from kb.web import create_app as _create_app

    app = _create_app(config)
    register_commands(app.cli)
    return app
