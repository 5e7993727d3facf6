"""HTML pages: home, search, innovation permalinks and embeds, award, region and sector pages, 404."""
from __future__ import annotations

import json
import re

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from kb.content import regions, vocab
from kb.content.model import Award, Innovation
from kb.content.render import render_markdown
from kb.publish.generation import Generation, Unavailable
from kb.publish.records import RecordsFile
from kb.search import SearchIndex
from kb.search.facets import FACETS
from kb.web.data import search_payload
from kb.web.i18n import current_language
from kb.web.params import parse_search

bp = Blueprint("pages", __name__)
HTML_FACET_SIZE = 12  # values shown per facet in the sidebar (selected ones always)
BROWSE_LIMIT = 200  # innovations listed on a sector, region or award page; the search page has them all


def generation() -> Generation:
    """The index generation this request reads: looked up once, so every part of a page (records and
    search) comes from the same snapshot even if a new one is published meanwhile. Raises
    `kb.publish.generation.Unavailable` (a 503 page) when there is none."""
    if "kb_generation" not in g:
        g.kb_generation = current_app.extensions["kb.generations"].current()
    return g.kb_generation


def records() -> RecordsFile:
    return generation().records


def search_index() -> SearchIndex:
    return generation().search


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
    rec = records()
    region_counts = rec.region_counts()
    awards = rec.awards
    return render_template(
        "home.html",
        total=len(rec),
        newest=rec.newest(6),
        replicated=rec.most_replicated(),
        sectors=[(s, n) for s, n in rec.sector_counts() if n],
        provinces=[r for r in region_counts if r["level"] == "province"],
        regencies=[r for r in region_counts if r["level"] == "regency" and r["innovations"]],
        awards=[(awards[s], n) for s, n in rec.award_counts()],
    )


@bp.get("/cari")
def search() -> str:
    params = parse_search(request.args)
    result = search_index().search(params.q, filters=params.filters, sort=params.sort, page=params.page,
                                   facet_limit=HTML_FACET_SIZE)
    data = search_payload(result, params, records().awards, current_language())
    related = []
    if not result.total and params.q:
        related = [(s, n) for s, n in records().sector_counts() if n][:8]
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


def find_innovation(slug: str, endpoint: str) -> Innovation:
    """The record for `slug`; a former slug or case variant redirects (301) to `endpoint` with the
    canonical one (and the same query, e.g. the kit's `untuk`); anything else is a 404."""
    rec = records()
    found = rec.get(slug)
    if found is not None:
        return found
    canonical = rec.canonical_slug(slug)
    if canonical is not None:
        abort(redirect(url_for(endpoint, slug=canonical, **request.args.to_dict(flat=False)), code=301))
    abort(404, description=f"no innovation {slug!r}")


@bp.get("/inovasi/<slug>")
def innovation(slug: str) -> str:
    found = find_innovation(slug, "pages.innovation")
    rec = records()
    awards = rec.awards
    rendered = render_markdown(rec.body(found.slug))
    similar = rec.many(search_index().similar(found.slug))
    problems = rec.newer_version_problems(found.slug) if current_app.config["SHOW_PROBLEMS"] else None
    linked = rec.titles([found.replicated_from or ""] + [r.innovation for r in found.replications if r.innovation])
    return render_template("innovation.html", inn=found, body=rendered, awards=awards,
                           replicas=rec.replicas_of(found.slug), linked=linked, similar=similar,
                           json_ld=_json_ld(found, awards), og_type="article", problems=problems)


@bp.get("/inovasi/<slug>/embed", endpoint="innovation_embed")
def embed(slug: str) -> str:
    found = find_innovation(slug, "pages.innovation_embed")
    return render_template("embed.html", inn=found, awards=records().awards)  # framing allowed: kb.web.http



def _json_ld(inn: Innovation, awards: dict[str, Award]) -> str:
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
        "award": [f"{awards[a.award].name} {a.year}" + (f" — {a.rank}" if a.rank else "")
                  for a in inn.awards if a.award in awards] or None,
        "citation": [s.url or s.title for s in inn.sources] or None,
    }
    clean = {k: v for k, v in data.items() if v is not None}
    # JSON inside <script>: escape "<" so a value can never close the tag.
    return json.dumps(clean, ensure_ascii=False).replace("<", "\\u003c")


@bp.get("/penghargaan/")
def awards() -> str:
    rec = records()
    return render_template("awards.html", awards=[(rec.awards[s], n, rec.award_years(s))
                                                  for s, n in rec.award_counts()])


@bp.get("/penghargaan/<award>")
@bp.get("/penghargaan/<award>/<int:year>")
def award(award: str, year: int | None = None):  # noqa: ANN201
    rec = records()
    awards = rec.awards
    if award not in awards:
        if award.lower() in awards:
            return redirect(url_for("pages.award", award=award.lower(), year=year), code=301)
        abort(404)
    programme = awards[award]
    years = rec.award_years(award)
    total = sum(n for y, n in years if year is None or y == year)
    if year is not None and not total:
        abort(404)
    return render_template("award.html", award=programme, year=year, holders=rec.with_award(award, year, BROWSE_LIMIT),
                           total=total, years=years, body=render_markdown(rec.award_body(award)) if year is None else None)


@bp.get("/wilayah/")
def regions_page() -> str:
    return render_template("regions.html", rows=records().region_counts())


@bp.get("/wilayah/<code>")
def region(code: str) -> str:
    rec = records()
    summary = rec.region_summary(code, BROWSE_LIMIT)
    if summary is None:
        abort(404)
    children = []
    if summary.is_province:
        children = [r for r in rec.region_counts()
                    if r["level"] == "regency" and r["code"].startswith(code + ".")]
    return render_template("region.html", region=summary, children=children)


@bp.get("/sektor/")
def sectors() -> str:
    return render_template("sectors.html", sectors=records().sector_counts())


@bp.get("/sektor/<slug>")
def sector(slug: str) -> str:
    if slug not in vocab.sectors():
        abort(404)
    rec = records()
    total = dict(rec.sector_counts()).get(slug, 0)
    return render_template("sector.html", sector=slug, items=rec.in_sector(slug, BROWSE_LIMIT), total=total)


def not_found_page():  # noqa: ANN201
    """A real 404 that helps: innovations matching the words of the missing address."""
    words = " ".join(w for w in re.split(r"[^a-z0-9]+", request.path.lower())
                     if w and w not in ("inovasi", "embed", "penghargaan", "wilayah", "sektor"))[:200]
    try:
        suggestions = search_index().search(words, per_page=5).hits if words else []
    except Unavailable:
        suggestions = []
    return render_template("404.html", suggestions=suggestions, words=words), 404
