"""The OpenAPI 3.1 description of `/api/v1`. Tests validate real responses against these schemas."""
from __future__ import annotations

from typing import Any

from kb.content.fields import cell_schema, json_schema, shown
from kb.content.schema import DETAIL, INNOVATION_SCHEMA, ROW
from kb.search.facets import FACETS
from kb.search.query import MAX_PER_PAGE, SORTS

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
            "replications": {"type": "array", "items": _obj({"region": STR, "region_code": STR, "year": INT,
                                                             "agency": STR, "proof": STR, "innovation": STR},
                                                            ["region"])},
            "replicated_by": {"type": "array", "items": _obj({"slug": STR, "title": STR, "region": STR,
                                                              "year": INT, "url": STR})},
            "replication_count": INT, "similar": {"type": "array", "items": STR},
            "html": {"type": "string", "description": "sanitized HTML of the Markdown body"},
        }, ["slug", "url", "title", "summary", "agency", "region", "sectors", "year", "html", "similar",
            "replications", "replicated_by"]),
    }


def _param(name: str, description: str, schema: dict[str, Any], many: bool = False) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": False, "description": description}
    if many:
        param.update({"schema": {"type": "array", "items": schema}, "style": "form", "explode": True})
    else:
        param["schema"] = schema
    return param


SEARCH_PARAMS = [
    _param("q", "Search words; quotes for phrases. Cut at 500 characters. Empty: everything.", STR),
    _param("sort", "Result order.", {"enum": list(SORTS), "default": "relevance"}),
    _param("page", "1-based page; page x per_page may not pass 10000.", {"type": "integer", "minimum": 1}),
    _param("per_page", "Results per page.", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                             "default": 20}),
    _param("lang", "Label language.", {"enum": ["id", "en"]}),
]


def search_params() -> list[dict[str, Any]]:
    """SEARCH_PARAMS with a filter parameter for each facet after `q`."""
    facets = [_param(name, f"Filter on facet '{name}' (repeat for OR).", STR, many=True) for name in FACETS]
    return [*SEARCH_PARAMS[:1], *facets, *SEARCH_PARAMS[1:]]


def _ok(schema: str, description: str, media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": _ref(schema)}}}


ERRORS = {"400": _ok("Error", "Malformed parameter"), "404": _ok("Error", "Not found")}


def openapi_document(server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with `server` as the base URL."""
    params = search_params()
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lumbung Inovasi API", "version": "1.0.0",
                 "description": "Read-only access to Indonesian public-service innovations. CORS is open for GET."},
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/search": {"get": {"summary": "Search with facets", "parameters": params,
                                       "responses": {"200": _ok("SearchResponse", "Search results"), **ERRORS}}},
            "/api/v1/innovations": {"get": {"summary": "List innovations (filters, pagination)",
                                            "parameters": params,
                                            "responses": {"200": _ok("InnovationList", "Innovations"), **ERRORS}}},
            "/api/v1/innovations/{slug}": {"get": {
                "summary": "One innovation: all fields, rendered HTML, replication trail, similar slugs",
                "parameters": [{"name": "slug", "in": "path", "required": True, "schema": STR}],
                "responses": {"200": _ok("Innovation", "The innovation"),
                              "301": {"description": "Former slug or case variant: see Location"}, **ERRORS}}},
            "/api/v1/awards": {"get": {"summary": "Award programmes with counts",
                                       "responses": {"200": _ok("AwardList", "Awards")}}},
            "/api/v1/regions": {"get": {"summary": "Regions with innovations or replications, with counts",
                                        "responses": {"200": _ok("RegionList", "Regions")}}},
            "/api/v1/sectors": {"get": {"summary": "Sectors with counts",
                                        "responses": {"200": _ok("SectorList", "Sectors")}}},
            "/api/v1/suggest": {"get": {"summary": "Autocomplete on titles and full names",
                                        "parameters": [_param("q", "Typed prefix", STR)],
                                        "responses": {"200": _ok("Suggestions", "Suggestions")}}},
            "/api/v1/export.json": {"get": {"summary": "Whole catalogue or current filters as JSON",
                                            "parameters": params,
                                            "responses": {"200": _ok("Export", "Export"), **ERRORS}}},
            "/api/v1/export.csv": {"get": {"summary": "Whole catalogue or current filters as CSV",
                                           "parameters": params,
                                           "responses": {"200": {"description": "CSV with a header row",
                                                                 "content": {"text/csv": {"schema": STR}}},
                                                         **ERRORS}}},
        },
        "components": {"schemas": {**SCHEMAS, **_field_schemas()}},
    }
