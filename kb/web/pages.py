"""HTML pages: home, search, innovation permalinks and embeds, award, region and sector pages, 404."""
from __future__ import annotations

import json
import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kb.content import browse, regions, vocab
from kb.content.loader import Catalogue
from kb.content.store import ContentStore
from kb.content.render import render_markdown
from kb.search import SearchIndex
from kb.search.facets import FACETS
from kb.web.data import search_payload
from kb.web.i18n import current_language
from kb.web.params import parse_search

bp = Blueprint("pages", __name__)
HTML_FACET_SIZE = 12  # values shown per facet in the sidebar (selected ones always)


def content() -> ContentStore:
    return current_app.extensions["kb.content"]


def catalogue() -> Catalogue:
    return content().get()


def search_index() -> SearchIndex:
    return current_app.extensions["kb.search"]


@bp.app_context_processor
def template_helpers() -> dict:
    lang = current_language()
    return {
        "lang": lang,
        "sector_label": lambda slug: vocab.label(vocab.sectors(), slug, lang),
        "vocab_label": lambda v, value: vocab.label(getattr(vocab, v), value, lang),
        "region_name": lambda code: (regions.get_region(code).display_name if regions.get_region(code) else code),
        "switch_url": _switch_url,
    }


def _switch_url(lang: str) -> str:
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return url_for(request.endpoint or "pages.home", **(request.view_args or {}), **args)


@bp.get("/")
def home() -> str:
    cat = catalogue()
    provinces = [r for r in browse.region_counts(cat) if r["level"] == "province"]
    return render_template(
        "home.html",
        total=len(cat.innovations),
        newest=browse.newest_first(list(cat.innovations.values()))[:6],
        replicated=browse.most_replicated(cat),
        sectors=[(s, n) for s, n in browse.sector_counts(cat) if n],
        provinces=provinces,
        regencies=[r for r in browse.region_counts(cat) if r["level"] == "regency" and r["innovations"]],
        awards=[(cat.awards[s], n) for s, n in browse.award_counts(cat)],
    )


@bp.get("/cari")
def search() -> str:
    params = parse_search(request.args)
    result = search_index().search(params.q, filters=params.filters, sort=params.sort, page=params.page)
    data = search_payload(result, params, content().awards(), current_language(), facet_size=HTML_FACET_SIZE)
    related = []
    if not result.total and params.q:
        related = [(s, n) for s, n in browse.sector_counts(catalogue()) if n][:8]
    return render_template("search.html", data=data, q=params.q, facet_names=FACETS, url_with=url_with,
                           related_sectors=related)


def url_with(**changes: object) -> str:
    """The current search URL with some parameters changed (None removes, a 1-tuple toggles a value)."""
    args = {k: request.args.getlist(k) for k in request.args if k != "lang"}
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        elif isinstance(value, tuple):
            current = args.get(key, [])
            args[key] = [v for v in current if v != value[0]] if value[0] in current else current + [value[0]]
        else:
            args[key] = [str(value)]
    return url_for("pages.search", **{k: v for k, v in args.items() if v})


def _find(slug: str, endpoint: str):  # noqa: ANN202 - Innovation, or a redirect response
    cat = catalogue()
    found = cat.innovations.get(slug)
    if found is not None:
        return found
    canonical = cat.canonical_slug(slug)
    if canonical is not None:
        return redirect(url_for(endpoint, slug=canonical), code=301)
    abort(404)


@bp.get("/inovasi/<slug>")
def innovation(slug: str):  # noqa: ANN201
    found = _find(slug, "pages.innovation")
    if not hasattr(found, "slug"):
        return found
    cat = catalogue()
    rendered = render_markdown(found.load_body())
    similar = [cat.innovations[s] for s in search_index().similar(found.slug) if s in cat.innovations]
    return render_template("innovation.html", inn=found, body=rendered, awards=cat.awards,
                           replicas=cat.replicas_of(found.slug), catalogue=cat, similar=similar,
                           json_ld=_json_ld(found, cat), og_type="article")


@bp.get("/inovasi/<slug>/embed", endpoint="innovation_embed")
def embed(slug: str):  # noqa: ANN201
    found = _find(slug, "pages.innovation_embed")
    if not hasattr(found, "slug"):
        return found
    return render_template("embed.html", inn=found, awards=catalogue().awards)  # framing allowed: kb.web.http



def _json_ld(inn, cat: Catalogue) -> str:  # noqa: ANN001
    """schema.org description of an innovation page for search engines and portals."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": inn.title,
        "alternativeHeadline": inn.full_name or None,
        "description": inn.summary,
        "inLanguage": inn.language,
        "url": url_for("pages.innovation", slug=inn.slug, _external=True),
        "about": [vocab.label(vocab.sectors(), s) for s in inn.sectors],
        "keywords": ", ".join(inn.tags) or None,
        "dateModified": inn.updated.isoformat() if inn.updated else None,
        "temporalCoverage": f"{inn.year}/..",
        "spatialCoverage": {"@type": "AdministrativeArea", "name": inn.region,
                            "identifier": inn.region_code or None},
        "sourceOrganization": {"@type": "GovernmentOrganization", "name": inn.agency},
        "award": [f"{cat.awards[a.award].name} {a.year}" + (f" — {a.rank}" if a.rank else "")
                  for a in inn.awards if a.award in cat.awards] or None,
        "citation": [s.url or s.title for s in inn.sources] or None,
    }
    clean = {k: v for k, v in data.items() if v is not None}
    # JSON inside <script>: escape "<" so a value can never close the tag.
    return json.dumps(clean, ensure_ascii=False).replace("<", "\\u003c")


@bp.get("/penghargaan/")
def awards() -> str:
    cat = catalogue()
    return render_template("awards.html", awards=[(cat.awards[s], n, browse.award_years(cat, s))
                                                  for s, n in browse.award_counts(cat)])


@bp.get("/penghargaan/<award>")
@bp.get("/penghargaan/<award>/<int:year>")
def award(award: str, year: int | None = None):  # noqa: ANN201
    cat = catalogue()
    if award not in cat.awards:
        if award.lower() in cat.awards:
            return redirect(url_for("pages.award", award=award.lower(), year=year), code=301)
        abort(404)
    programme = cat.awards[award]
    holders = cat.with_award(award, year)
    if year is not None and not holders:
        abort(404)
    return render_template("award.html", award=programme, year=year, holders=holders,
                           years=browse.award_years(cat, award), body=render_markdown(programme.body))


@bp.get("/wilayah/")
def regions_page() -> str:
    return render_template("regions.html", rows=browse.region_counts(catalogue()))


@bp.get("/wilayah/<code>")
def region(code: str) -> str:
    summary = browse.region_summary(catalogue(), code)
    if summary is None:
        abort(404)
    children = []
    if summary.is_province:
        children = [r for r in browse.region_counts(catalogue())
                    if r["level"] == "regency" and r["code"].startswith(code + ".")]
    return render_template("region.html", region=summary, children=children)


@bp.get("/sektor/")
def sectors() -> str:
    return render_template("sectors.html", sectors=browse.sector_counts(catalogue()))


@bp.get("/sektor/<slug>")
def sector(slug: str) -> str:
    if slug not in vocab.sectors():
        abort(404)
    return render_template("sector.html", sector=slug, items=browse.in_sector(catalogue(), slug))


def not_found_page():  # noqa: ANN201
    """A real 404 that helps: innovations matching the words of the missing address."""
    words = " ".join(w for w in re.split(r"[^a-z0-9]+", request.path.lower())
                     if w and w not in ("inovasi", "embed", "penghargaan", "wilayah", "sektor"))[:200]
    suggestions = search_index().search(words, per_page=5).hits if words else []
    return render_template("404.html", suggestions=suggestions, words=words,
                           message=_("Halaman tidak ditemukan")), 404
