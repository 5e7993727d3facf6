"""Plain data dicts shared by the HTML pages and the JSON API (one builder, two renderings)."""
from __future__ import annotations

from typing import Any

from flask import url_for

from kb.content import fields, vocab
from kb.content.model import Award, Innovation
from kb.publish.records import RecordsFile, plain
from kb.content.render import render_markdown
from kb.content.schema import DETAIL, ROW
from kb.search import SearchIndex, SearchResult
from kb.search.facets import FACETS
from kb.web.labels import facet_label, facet_value_label
from kb.web.params import SearchParams


def innovation_url(slug: str) -> str:
    return url_for("pages.innovation", slug=slug, _external=True)


def search_payload(result: SearchResult, params: SearchParams, awards: dict[str, Award], lang: str) -> dict[str, Any]:
    """The search response: the /cari page and /api/v1/search render exactly this."""
    return {
        "query": params.q,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "sort": result.sort,
        "filters": result.filters,
        "suggestion": result.suggestion,
        "corrected": result.corrected,
        "results": [
            {
                "slug": hit.slug,
                "title": hit.title,
                "summary": hit.summary,
                "snippet": str(hit.snippet),
                "url": innovation_url(hit.slug),
                "region": hit.region,
                "year": hit.year,
                "sectors": hit.sectors,
                "awards": [{"award": a["award"], "name": awards[a["award"]].name if a["award"] in awards
                            else a["award"], "year": a["year"], "rank": a.get("rank")} for a in hit.awards],
                "replications": hit.replications,
                "score": hit.score,
                "language": hit.language,
            }
            for hit in result.hits
        ],
        "facets": {
            name: [{"value": f.value, "label": facet_value_label(name, f.value, lang, awards),
                    "count": f.count, "selected": f.selected}
                   for f in result.facets.get(name, [])]
            for name in FACETS
        },
        "facet_labels": {name: facet_label(name) for name in FACETS},
    }


def innovation_payload(inn: Innovation, rec: RecordsFile, index: SearchIndex) -> dict[str, Any]:
    """Everything about one innovation: front matter, rendered body, replication trail, similar slugs."""
    data: dict[str, Any] = {"slug": inn.slug, "url": innovation_url(inn.slug)}
    for name in fields.shown(DETAIL):  # the front matter; the rest is built here
        value = getattr(inn, name)
        if value not in (None, [], ""):
            data[name] = plain(value)
    data["sector_labels"] = [vocab.label(vocab.sectors(), s) for s in inn.sectors]
    awards = rec.awards
    data["awards"] = [{"award": a.award, "name": awards[a.award].name, "year": a.year, "rank": a.rank,
                       "url": a.url} for a in inn.awards if a.award in awards]
    data["sources"] = [plain(s) for s in inn.sources]
    data["replications"] = [plain(r) for r in inn.replications]
    data["replicated_from"] = inn.replicated_from  # the slug; what else the write-up says of it beside it
    data["replicated_from_details"] = plain(inn.replicated_from_details) if inn.replicated_from_details else None
    data["replicated_by"] = [{"slug": r.slug, "title": r.title, "region": r.region, "year": r.year,
                              "url": innovation_url(r.slug)} for r in rec.replicas_of(inn.slug)]
    data["replication_count"] = rec.replication_count(inn.slug)
    data["similar"] = index.similar(inn.slug)
    data["html"] = render_markdown(rec.body(inn.slug)).html
    return {k: v for k, v in data.items() if v is not None}


ROW_START = ("slug", "title", "full_name", "summary", "agency", "region", "region_code", "year", "sectors", "awards")
ROW_END = ("replications", "updated", "url")


def row_columns() -> tuple[str, ...]:
    """The keys of `listing_row`, in order: the fixed ones and the schema's listing columns between them."""
    return (*ROW_START, *fields.shown(ROW), *ROW_END)


def listing_row(inn: Innovation, replications: int) -> dict[str, Any]:
    """One innovation as a flat row for listings and exports (columns: `row_columns`)."""
    return {
        "slug": inn.slug,
        "title": inn.title,
        "full_name": inn.full_name or "",
        "summary": inn.summary,
        "agency": inn.agency,
        "region": inn.region,
        "region_code": inn.region_code or "",
        "year": inn.year,
        "sectors": inn.sectors,
        "awards": [{"award": a.award, "year": a.year, "rank": a.rank} for a in inn.awards],
        **fields.row_cells(inn),
        "replications": replications,
        "updated": inn.updated.isoformat() if inn.updated else "",
        "url": innovation_url(inn.slug),
    }
