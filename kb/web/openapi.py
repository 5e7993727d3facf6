"""The OpenAPI 3.1 description of `/api/v1`. Tests validate real responses against these schemas."""
from __future__ import annotations

from typing import Any

from kb.content.fields import cell_schema, json_schema, shown
from kb.content.schema import DETAIL, INNOVATION_SCHEMA, ROW
from kb.search.facets import FACETS
from kb.search.query import MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS
from kb.web import openapi_replication as replication_openapi
from kb.web.i18n import LANGUAGES
from kb.web.params import DEFAULT_PER_PAGE, MAX_FILTER_CHARS, MAX_FILTER_VALUES, MAX_PAGE

STR = {"type": "string"}
INT = {"type": "integer"}
NULLABLE_STR = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None, extra: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": extra}
    if required:
        schema["required"] = required
    return schema


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"status": INT, "message": STR}, ["status", "message"])}, ["error"]),
    "AwardRef": _obj({"award": STR, "name": STR, "year": INT, "rank": NULLABLE_STR, "url": NULLABLE_STR},
                     ["award", "year"]),
    "SearchResult": _obj({
        "slug": STR, "title": STR, "summary": STR,
        "snippet": {"type": "string", "description": "HTML: escaped text with matched words in <mark>"},
        "url": {"type": "string", "format": "uri"}, "region": STR, "year": INT,
        "sectors": {"type": "array", "items": STR}, "awards": {"type": "array", "items": _ref("AwardRef")},
        "replications": INT, "score": {"type": "number"},
        "language": {"enum": list(LANGUAGES), "description": "language of the write-up (title, summary)"},
    }, ["slug", "title", "summary", "snippet", "url", "region", "year", "sectors", "awards", "score"]),
    "FacetValue": _obj({"value": STR, "label": STR, "count": INT, "selected": {"type": "boolean"}},
                       ["value", "label", "count"]),
    "InnovationList": _obj({"total": INT, "page": INT, "per_page": INT,
                            "results": {"type": "array", "items": _ref("InnovationRow")}},
                           ["total", "page", "per_page", "results"]),
    "AwardList": _obj({"awards": {"type": "array", "items": _obj({
        "slug": STR, "name": STR, "organizer": STR, "url": NULLABLE_STR, "innovations": INT, "page": STR,
        "years": {"type": "array", "items": _obj({"year": INT, "innovations": INT})}},
        ["slug", "name", "organizer", "innovations", "years"])}}, ["awards"]),
    "RegionList": _obj({"regions": {"type": "array", "items": _obj({
        "code": STR, "name": STR, "level": {"enum": ["province", "regency"]}, "innovations": INT,
        "replications": INT, "page": STR}, ["code", "name", "level", "innovations", "replications"])}},
        ["regions"]),
    "SectorList": _obj({"sectors": {"type": "array", "items": _obj({
        "slug": STR, "label": STR, "innovations": INT, "page": STR}, ["slug", "label", "innovations"])}},
        ["sectors"]),
    "Suggestions": _obj({"query": STR, "suggestions": {"type": "array", "items": _obj(
        {"slug": STR, "title": STR, "full_name": STR}, ["slug", "title"])}}, ["query", "suggestions"]),
    "Export": _obj({"total": INT, "results": {"type": "array", "items": _ref("InnovationRow")}},
                   ["total", "results"]),
}


def _replication_facts() -> dict[str, Any]:
    """What a replica's write-up says of its replication (`replicated_from` written as a mapping), less the slug."""
    schema = json_schema(INNOVATION_SCHEMA["replicated_from"])
    props = {k: v for k, v in schema["properties"].items() if k != "innovation"}
    return {"type": "object", "additionalProperties": False, "properties": props}


def _field_schemas() -> dict[str, Any]:
    """The schemas whose properties follow the content schema table: facets, listing columns, detail fields."""
    detail = {name: json_schema(INNOVATION_SCHEMA[name]) for name in shown(DETAIL)}
    row = {name: cell_schema(INNOVATION_SCHEMA[name]) for name in shown(ROW)}
    return {
        "SearchResponse": _obj({
            "query": STR, "total": INT, "page": INT, "per_page": INT, "sort": {"enum": list(SORTS)},
            "filters": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
            "suggestion": NULLABLE_STR, "corrected": NULLABLE_STR,
            "results": {"type": "array", "items": _ref("SearchResult")},
            "facets": _obj({name: {"type": "array", "items": _ref("FacetValue")} for name in FACETS}),
        }, ["query", "total", "page", "per_page", "results", "facets", "suggestion"]),
        "InnovationRow": _obj({
            "slug": STR, "title": STR, "full_name": STR, "summary": STR, "agency": STR, "region": STR,
            "region_code": STR, "year": INT, "sectors": {"type": "array", "items": STR},
            "awards": {"type": "array", "items": _ref("AwardRef")}, **row, "replications": INT,
            "updated": STR, "url": {"type": "string", "format": "uri"},
        }, ["slug", "title", "summary", "region", "year", "sectors", "url"]),
        "Innovation": _obj({
            "slug": STR, "url": STR, **detail, "sector_labels": {"type": "array", "items": STR},
            "awards": {"type": "array", "items": _ref("AwardRef")},
            "sources": {"type": "array", "items": _obj({"title": STR, "url": STR, "date": STR}, ["title"])},
            "replications": {"type": "array", "items": json_schema(INNOVATION_SCHEMA["replications"].item)},
            "replicated_from": {"type": "string", "description": "slug of the original this write-up replicates"},
            "replicated_from_details": _replication_facts(),
            "replicated_by": {"type": "array", "items": _obj({"slug": STR, "title": STR, "region": STR,
                                                              "year": INT, "url": STR})},
            "replication_count": INT, "similar": {"type": "array", "items": STR},
            "html": {"type": "string", "description": "sanitized HTML of the Markdown body"},
        }, ["slug", "url", "title", "summary", "agency", "region", "sectors", "year", "html", "similar",
            "replications", "replicated_by"]),
    }


def _param(name: str, description: str, schema: dict[str, Any], many: bool = False,
           max_items: int | None = None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": False, "description": description}
    if many:
        array = {"type": "array", "items": schema, **({"maxItems": max_items} if max_items else {})}
        param.update({"schema": array, "style": "form", "explode": True})
    else:
        param["schema"] = schema
    return param


LANG = _param("lang", "Language of labels (sector and facet labels); anything else is a 400.",
              {"enum": list(LANGUAGES), "default": LANGUAGES[0]})
_FILTER_PARAMS = [
    _param("q", "Search words; quotes for phrases. Cut at 500 characters. Empty: everything.", STR),
    _param("sort", "Result order.", {"enum": list(SORTS), "default": "relevance"}),
    LANG,
]
_PAGE_PARAMS = [
    _param("page", f"1-based page. With per_page at most {MAX_PER_PAGE}, the first {MAX_RESULT_WINDOW} "
           "results are reachable.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    _param("per_page", "Results per page.", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                             "default": DEFAULT_PER_PAGE}),
]


def filter_params() -> list[dict[str, Any]]:
    """q, a filter parameter for each facet of the content schema (read now: the table can grow), sort
    and lang: what the search, the listing and the exports accept."""
    facets = [_param(name, f"Filter on facet '{name}' (repeat for OR; empty values are ignored).",
                     {"type": "string", "maxLength": MAX_FILTER_CHARS}, many=True, max_items=MAX_FILTER_VALUES)
              for name in FACETS]
    return [*_FILTER_PARAMS[:1], *facets, *_FILTER_PARAMS[1:]]


def search_params() -> list[dict[str, Any]]:
    """The filter parameters and paging."""
    return [*filter_params(), *_PAGE_PARAMS]


def _ok(schema: str, description: str, media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": _ref(schema)}}}


BAD = {"400": _ok("Error", "Malformed parameter")}
ERRORS = {**BAD, "404": _ok("Error", "Not found")}


EXPORT_SUMMARY = ("Whole catalogue or current query and filters as {fmt}: every match, up to the first "
                  f"{MAX_RESULT_WINDOW}, in one streamed download (not paged: no page or per_page)")


def openapi_document(server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with `server` as the base URL."""
    from kb.web import drafts_openapi

    document = _read_only_document(server)
    document["paths"].update(drafts_openapi.paths())
    document["components"]["schemas"].update(drafts_openapi.SCHEMAS)
    document["components"]["securitySchemes"] = drafts_openapi.SECURITY_SCHEMES
    return document


def _read_only_document(server: str) -> dict[str, Any]:
    filters, params = filter_params(), search_params()
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lumbung Inovasi API", "version": "1.0.0",
                 "description": "Read access to Indonesian public-service innovations (CORS is open for GET), and "
                                "the drafts workflow for authors and reviewers with an API token."},
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/search": {"get": {"summary": "Search with facets", "parameters": params,
                                       "responses": {"200": _ok("SearchResponse", "Search results"), **BAD}}},
            "/api/v1/innovations": {"get": {"summary": "List innovations (filters, pagination)",
                                            "parameters": params,
                                            "responses": {"200": _ok("InnovationList", "Innovations"), **BAD}}},
            "/api/v1/innovations/{slug}": {"get": {
                "summary": "One innovation: all fields, rendered HTML, replication trail, similar slugs",
                "parameters": [{"name": "slug", "in": "path", "required": True, "schema": STR}, LANG],
                "responses": {"200": _ok("Innovation", "The innovation"),
                              "301": {"description": "Former slug or case variant: see Location"}, **ERRORS}}},
            "/api/v1/awards": {"get": {"summary": "Award programmes with counts", "parameters": [LANG],
                                       "responses": {"200": _ok("AwardList", "Awards"), **BAD}}},
            "/api/v1/regions": {"get": {"summary": "Regions with innovations or replications, with counts",
                                        "parameters": [LANG],
                                        "responses": {"200": _ok("RegionList", "Regions"), **BAD}}},
            "/api/v1/sectors": {"get": {"summary": "Sectors with counts", "parameters": [LANG],
                                        "responses": {"200": _ok("SectorList", "Sectors"), **BAD}}},
            "/api/v1/suggest": {"get": {"summary": "Autocomplete on titles and full names",
                                        "parameters": [_param("q", "Typed prefix", STR), LANG],
                                        "responses": {"200": _ok("Suggestions", "Suggestions"), **BAD}}},
            "/api/v1/export.json": {"get": {"summary": EXPORT_SUMMARY.format(fmt="JSON"), "parameters": filters,
                                            "responses": {"200": _ok("Export", "Export"), **BAD}}},
            "/api/v1/export.csv": {"get": {"summary": EXPORT_SUMMARY.format(fmt="CSV"), "parameters": filters,
                                           "responses": {"200": {"description": "CSV with a header row",
                                                                 "content": {"text/csv": {"schema": STR}}},
                                                         **BAD}}},
            **replication_openapi.paths(LANG, _ok, ERRORS, BAD),
        },
        "components": {"schemas": {**SCHEMAS, **_field_schemas(), **replication_openapi.schemas()}},
    }
