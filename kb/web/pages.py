"""HTML pages: the catalogue list, innovation permalinks, search and a helpful 404."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from kb.content.loader import Catalogue
from kb.content.render import render_markdown
from kb.search import SearchIndex

bp = Blueprint("pages", __name__)


def catalogue() -> Catalogue:
    return current_app.extensions["kb.content"].get()


def search_index() -> SearchIndex:
    return current_app.extensions["kb.search"]


@bp.get("/")
def home() -> str:
    cat = catalogue()
    innovations = sorted(cat.innovations.values(), key=lambda i: (-i.year, i.title.lower()))
    return render_template("home.html", innovations=innovations, awards=cat.awards)


@bp.get("/cari")
def search() -> str:
    query = request.args.get("q", "")
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    result = search_index().search(query, page=min(max(page, 1), 1000))
    return render_template("search.html", result=result, q=query)


@bp.get("/inovasi/<path:slug>")
def innovation(slug: str):  # noqa: ANN201 - str or redirect response
    cat = catalogue()
    found = cat.innovations.get(slug)
    if found is None:
        canonical = cat.canonical_slug(slug)
        if canonical is not None:
            return redirect(url_for("pages.innovation", slug=canonical), code=301)
        abort(404)
    rendered = render_markdown(found.body)
    return render_template("innovation.html", inn=found, body=rendered, awards=cat.awards,
                           replicas=cat.replicas_of(found.slug), catalogue=cat)


@bp.app_errorhandler(404)
def not_found(error):  # noqa: ANN001, ANN201
    words = " ".join(w for w in re.split(r"[^a-z0-9]+", request.path.lower()) if w and w != "inovasi")
    suggestions = search_index().search(words, per_page=5).hits if words else []
    return render_template("404.html", suggestions=suggestions, words=words), 404
