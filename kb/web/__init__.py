"""The Flask app factory. Configuration comes in through `create_app` only (see `kb.config`)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from kb import config as kb_config
from kb.content.loader import Catalogue
from kb.content.store import ContentStore
from kb.search import SearchIndex, ensure_index, store, update_index

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app on a content folder; the search index is brought up to date first."""
    settings = kb_config.resolve(config)
    app = Flask(__name__)
    app.config.from_mapping(settings)
    app.config["CONTENT_DIR"] = str(Path(settings["CONTENT_DIR"]))
    app.config["INDEX_DIR"] = str(Path(settings["INDEX_DIR"]))

    def reindex(catalogue: Catalogue) -> None:  # edited content becomes searchable without a restart
        log.info("%s", update_index(catalogue, app.config["INDEX_DIR"]).summary_line())
        if "kb.search" in app.extensions:
            app.extensions["kb.search"].warm()

    # With a live index, content loads in the background and searches are answered at once; without
    # one (first run), the index must be built from the content before anything can be served.
    background = store.current_generation(Path(app.config["INDEX_DIR"])) is not None
    content = ContentStore(app.config["CONTENT_DIR"], interval=float(app.config["RELOAD_INTERVAL"]),
                           on_reload=reindex, background=background)
    app.extensions["kb.content"] = content
    if not background:
        catalogue = content.get()
        for issue in catalogue.errors:
            log.warning("%s", issue)
        log.info("%s", ensure_index(catalogue, app.config["INDEX_DIR"]).summary_line())

    def recover(rebuild: bool) -> None:
        log.warning("%s", update_index(content.get(), app.config["INDEX_DIR"], rebuild=rebuild).summary_line())

    app.extensions["kb.search"] = SearchIndex(app.config["INDEX_DIR"], recover=recover)

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
