"""HTML pages: the catalogue list, innovation permalinks, search and a helpful 404."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from kb.content.loader import Catalogue
from kb.content.render import render_markdown
from kb.search import SearchIndex
from kb.search.facets import FACETS
from kb.search.query import MAX_RESULT_WINDOW
from kb.web.labels import facet_label, facet_value_label

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
    filters = {name: request.args.getlist(name)[:20] for name in FACETS if request.args.getlist(name)}
    sort = request.args.get("sort", "relevance")
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    page = min(max(page, 1), MAX_RESULT_WINDOW // 20)
    result = search_index().search(query, filters=filters, sort=sort, page=page)
    return render_template("search.html", result=result, q=query, facet_names=FACETS,
                           facet_label=facet_label, url_with=url_with,
                           value_label=lambda name, value: facet_value_label(name, value, catalogue().awards))


def url_with(**changes: object) -> str:
    """The current search URL with some parameters changed (None removes, a tuple toggles a value)."""
    args = {k: request.args.getlist(k) for k in request.args}
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        elif isinstance(value, tuple):  # toggle one value of a multi-valued filter
            current = args.get(key, [])
            args[key] = [v for v in current if v != value[0]] if value[0] in current else current + [value[0]]
        else:
            args[key] = [str(value)]
    return url_for("pages.search", **{k: v for k, v in args.items() if v})


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
