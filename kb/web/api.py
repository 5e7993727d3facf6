"""The read-only JSON API (`/api/v1`), described by `/api/openapi.json`."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from flask import Blueprint, Response, jsonify, request, stream_with_context, url_for

from kb.content import vocab
from kb.content.fields import csv_cells
from kb.publish.records import RecordsFile
from kb.web.data import innovation_payload, listing_row, row_columns, search_payload
from kb.web.i18n import current_language
from kb.web.openapi import openapi_document
from kb.web.pages import find_innovation, records, search_index
from kb.web.params import SearchParams, parse_search

bp = Blueprint("api", __name__, url_prefix="/api")

API_FACET_SIZE = 30  # like Datasette: the most frequent values of each facet, plus any selected ones


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(request.host_url.rstrip("/")))


@bp.get("/v1/search")
def search() -> Response:
    params = parse_search(request.args, allow_per_page=True)
    result = search_index().search(params.q, filters=params.filters, sort=params.sort, page=params.page,
                                   per_page=params.per_page, facet_limit=API_FACET_SIZE)
    data = search_payload(result, params, records().awards, current_language())
    keys = ("query", "total", "page", "per_page", "sort", "filters", "suggestion", "corrected", "results")
    return jsonify({**{k: data[k] for k in keys}, "facets": data["facets"]})


@bp.get("/v1/suggest")
def suggest() -> Response:
    q = request.args.get("q", "")[:100]
    return jsonify({"query": q, "suggestions": search_index().complete(q)})


def _matching_slugs() -> tuple[list[str], SearchParams]:
    """Slugs of the whole catalogue or of the current query and filters, in result order, for exports: every
    match up to the result window, whatever `page` and `per_page` say."""
    params = parse_search(request.args, allow_per_page=True, paged=False)
    sort = params.sort if params.q or request.args.get("sort") else "newest"
    return search_index().matching_slugs(params.q, filters=params.filters, sort=sort), params


def _rows(slugs: list[str], rec: RecordsFile | None = None) -> list[dict]:
    rec = rec or records()
    return [listing_row(inn, count) for inn, count in rec.counted(slugs)]


@bp.get("/v1/innovations")
def innovations() -> Response:
    params = parse_search(request.args, allow_per_page=True)
    sort = params.sort if params.q or request.args.get("sort") else "newest"
    start = (params.page - 1) * params.per_page
    total, slugs = search_index().matching(params.q, filters=params.filters, sort=sort,
                                           limit=start + params.per_page)
    return jsonify({"total": total, "page": params.page, "per_page": params.per_page,
                    "results": _rows(slugs[start:])})


@bp.get("/v1/innovations/<slug>")
def innovation(slug: str) -> Response:
    found = find_innovation(slug, "api.innovation")
    return jsonify(innovation_payload(found, records(), search_index()))


@bp.get("/v1/awards")
def awards() -> Response:
    rec = records()
    awards = rec.awards
    return jsonify({"awards": [
        {"slug": slug, "name": awards[slug].name, "organizer": awards[slug].organizer,
         "url": awards[slug].url, "innovations": count,
         "years": [{"year": y, "innovations": n} for y, n in rec.award_years(slug)],
         "page": url_for("pages.award", award=slug, _external=True)}
        for slug, count in rec.award_counts()]})


@bp.get("/v1/regions")
def regions() -> Response:
    rows = records().region_counts()
    for row in rows:
        row["page"] = url_for("pages.region", code=row["code"], _external=True)
    return jsonify({"regions": rows})


@bp.get("/v1/sectors")
def sectors() -> Response:
    lang = current_language()
    return jsonify({"sectors": [
        {"slug": slug, "label": vocab.label(vocab.sectors(), slug, lang), "innovations": count,
         "page": url_for("pages.sector", slug=slug, _external=True)}
        for slug, count in records().sector_counts()]})


EXPORT_CHUNK = 500  # records read, converted and sent at a time: exports stream in bounded memory


def _row_chunks(slugs: list[str]) -> Iterator[list[dict]]:
    rec = records()
    for start in range(0, len(slugs), EXPORT_CHUNK):
        yield _rows(slugs[start: start + EXPORT_CHUNK], rec)


def _download(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@bp.get("/v1/export.json")
def export_json() -> Response:
    slugs = _matching_slugs()[0]

    def chunks() -> Iterator[str]:
        yield f'{{"total": {len(slugs)}, "results": ['
        first = True
        for rows in _row_chunks(slugs):
            for row in rows:
                yield ("" if first else ", ") + json.dumps(row, ensure_ascii=False)
                first = False
        yield "]}"

    return _download(chunks(), "application/json", "lumbung-inovasi.json")


@bp.get("/v1/export.csv")
def export_csv() -> Response:
    slugs = _matching_slugs()[0]

    def chunks() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=row_columns(), extrasaction="ignore")
        writer.writeheader()
        yield "\ufeff" + buffer.getvalue()
        for rows in _row_chunks(slugs):
            buffer.seek(0)
            buffer.truncate()
            for row in rows:
                writer.writerow({k: _csv_safe(v) for k, v in _flat(row).items()})
            yield buffer.getvalue()

    return _download(chunks(), "text/csv", "lumbung-inovasi.csv")


def _flat(row: dict) -> dict:
    flat = dict(row)
    flat["sectors"] = ";".join(row["sectors"])
    flat["awards"] = ";".join(f"{a['award']} {a['year']}" + (f" {a['rank']}" if a["rank"] else "")
                              for a in row["awards"])
    flat.update(csv_cells(row))
    return flat


def _csv_safe(value: object) -> object:
    """Neutralise spreadsheet formulas in exported text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
