"""The OpenAPI description of the replication endpoints (`/api/v1/recommendations`, `/api/v1/stats`), joined
into the document by kb/web/openapi.py. The server enforces exactly these bounds (kb/web/fit.py)."""
from __future__ import annotations

from typing import Any

from kb.content import vocab
from kb.replication.network import STATUS_ORDER
from kb.replication.ranking import DEFAULT_WEIGHTS, DIGITAL_CHOICES, FACTORS, MAX_WEIGHT
from kb.search.query import MAX_PER_PAGE
from kb.web.params import DEFAULT_PER_PAGE, MAX_FILTER_VALUES, MAX_PAGE

STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "additionalProperties": False, "required": required or list(props)}


def _query(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


FACTOR_TEXT = {
    "size": "similar population, density and kind of region (kabupaten, kota, province)",
    "nearby": "same province, else same island group",
    "proven": "documented replications elsewhere (running ones weigh most) and whether the original still runs",
    "cost": "low cost band and low complexity",
    "awards": "award programmes won",
}


def schemas() -> dict[str, Any]:
    value = _obj({"value": STR, "label": STR, "count": INT})
    statuses = list(STATUS_ORDER)
    return {
        "Recommendations": _obj({
            "region": _obj({"code": STR, "name": STR, "kind": {"enum": ["provinsi", "kabupaten", "kota"]},
                            "province": _obj({"code": STR, "name": STR}), "population": INT, "area_km2": NUM,
                            "density": NUM, "figures": _obj({"source": STR, "year": INT})}),
            "weights": _obj({name: INT for name in FACTORS}),
            "digital": {"enum": list(DIGITAL_CHOICES)},
            "sectors": {"type": "array", "items": STR},
            "total": INT, "page": INT, "per_page": INT,
            "results": {"type": "array", "items": _obj({
                "slug": STR, "title": STR, "region": STR, "year": INT, "url": {"type": "string", "format": "uri"},
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "reasons": {"type": "array", "items": STR, "description": "in the language asked for"}})},
            "here": {"type": "array", "description": "the region's own innovations and those already running there",
                     "items": _obj({"slug": STR, "title": STR, "url": {"type": "string", "format": "uri"},
                                    "relation": {"enum": ["origin", "replica"]},
                                    "status": {"enum": [*statuses, None]}})},
        }),
        "Stats": _obj({
            "total": INT,
            "by_sector": {"type": "array", "items": value},
            "by_province": {"type": "array", "items": value},
            "by_year": {"type": "array", "items": value, "description": "start year, oldest first"},
            "by_award": {"type": "array", "items": value},
            "replications": _obj({
                "total": INT,
                "by_status": {"type": "array", "items": value},
                "by_year": {"type": "array", "items": _obj({
                    "year": {"type": ["integer", "null"]}, "count": INT,
                    "by_status": _obj({s: INT for s in statuses})})},
            }),
        }),
    }


def paths(lang: dict[str, Any], ok, errors: dict[str, Any], bad: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """`lang`: the shared language parameter; `ok(schema, description)`, `errors`, `bad`: response builders
    of the main document."""
    weights = [_query(name, f"Weight of '{name}': {FACTOR_TEXT[name]}.",
                      {"type": "integer", "minimum": 0, "maximum": MAX_WEIGHT, "default": DEFAULT_WEIGHTS[name]})
               for name in FACTORS]
    params = [
        _query("region", "Kemendagri code of a province (35) or regency/city (35.10); unknown codes are a 404.",
               {"type": "string", "pattern": r"^[0-9]{2}(\.[0-9]{2})?$", "maxLength": 5}, required=True),
        *weights,
        _query("digital", "Prefer digital innovations (ya), those without an online service (tidak), or neither.",
               {"enum": list(DIGITAL_CHOICES), "default": "netral"}),
        {**_query("sector", "Sectors to rank first (repeat for several); nothing is filtered out.",
                  {"type": "array", "items": {"enum": list(vocab.sectors())}, "maxItems": MAX_FILTER_VALUES}),
         "style": "form", "explode": True},
        _query("page", "1-based page.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
        _query("per_page", "Results per page.", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                                 "default": DEFAULT_PER_PAGE}),
        lang,
    ]
    return {
        "/api/v1/recommendations": {"get": {
            "summary": "Every innovation ranked for a region, with its reasons; the region's own ones apart",
            "parameters": params,
            "responses": {"200": ok("Recommendations", "Ranked innovations"), **errors}}},
        "/api/v1/stats": {"get": {
            "summary": "Innovations by sector, province, start year and award (as the search facets count them), "
                       "and replications per year and status",
            "parameters": [lang],
            "responses": {"200": ok("Stats", "Figures"), **bad}}},
    }
