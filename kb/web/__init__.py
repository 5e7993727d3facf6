"""The Flask app factory. Configuration comes in through `create_app` only (see `kb.config`)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from kb import config as kb_config
from kb import sync
from kb.search import SearchIndex, live_generation
from kb.web.records import LiveRecords

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app on a content folder and its index (built first if missing or from an older version).

    Pages and the API read the index and the records file published with it; keeping them up to date
    with the content folder is `kb.sync`'s job, in a child process (SYNC="process", the default) or a
    thread of this one (SYNC="thread": the catalogue is then also at hand as `extensions["kb.content"]`).
    """
    settings = kb_config.resolve(config)
    app = Flask(__name__)
    app.config.from_mapping(settings)
    content_dir = app.config["CONTENT_DIR"] = str(Path(settings["CONTENT_DIR"]))
    index_dir = app.config["INDEX_DIR"] = str(Path(settings["INDEX_DIR"]))
    interval = float(app.config["RELOAD_INTERVAL"])
    if app.config["SYNC"] not in ("process", "thread"):
        raise ValueError(f"SYNC must be 'process' or 'thread', got {app.config['SYNC']!r}")

    if live_generation(index_dir) is None:  # first run, or an index from an older version
        sync.build(content_dir, index_dir)
    search_index = app.extensions["kb.search"] = SearchIndex(
        index_dir, recover=lambda rebuild: sync.build(content_dir, index_dir, rebuild=rebuild))
    app.extensions["kb.records"] = LiveRecords(index_dir, recover=lambda: sync.build(content_dir, index_dir))
    if app.config["SYNC"] == "thread":
        app.extensions["kb.content"] = sync.make_store(content_dir, index_dir, interval,
                                                       after_update=search_index.warm)
    else:
        child = app.extensions["kb.sync"] = sync.SyncChild(content_dir, index_dir, interval)
        app.before_request(child.ensure)

    from kb.web import api, feeds, filters, http, i18n, pages

    i18n.init_app(app)
    http.init_app(app)
    filters.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)

    from kb.cli import register_commands

    register_commands(app.cli)
    return app
