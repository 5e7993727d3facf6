"""The Flask app factory. Configuration comes in through `create_app` only (see `kb.config`).

`create_app` only wires things up: it opens nothing, builds nothing and starts no thread or process.
Pages and the API read the index generation CURRENT points at (`kb.publish.LiveGenerations`); keeping the
generations in step with the content folder is the one sync owner's job (`kb.publish.Syncer`: started by
`python3 run.py`, or run as `python3 run.py sync` next to gunicorn workers).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from kb import config as kb_config
from kb.publish.generation import LiveGenerations


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The web application for one index folder (and the content folder it was built from)."""
    settings = kb_config.resolve(config)
    app = Flask(__name__)
    app.config.from_mapping(settings)
    app.config["CONTENT_DIR"] = str(Path(settings["CONTENT_DIR"]))
    app.config["INDEX_DIR"] = str(Path(settings["INDEX_DIR"]))
    app.extensions["kb.generations"] = LiveGenerations(app.config["INDEX_DIR"])

    from kb.web import (api, auth, authoring, drafts_api, feeds, filters, fit, http, i18n, kit, pages, replications,
                        statistics)

    i18n.init_app(app)
    http.init_app(app)
    filters.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(kit.bp)
    app.register_blueprint(fit.bp)
    app.register_blueprint(replications.bp)
    app.register_blueprint(statistics.bp)
    auth.init_app(app)  # sessions, CSRF, sign-in limits, /masuk /keluar /akun (docs/authoring.md)
    app.register_blueprint(authoring.bp)
    app.register_blueprint(drafts_api.bp)
    return app
