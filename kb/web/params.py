"""Request parameters for search and listing, validated in one place for the HTML pages and the API.

Limits (documented in docs/web.md and declared in the API's OpenAPI document, which this enforces exactly):
`q` is cut at 500 characters; `page` is 1..100 and `per_page` (API only) 1..100, so no request reaches past
the first 10 000 results; at most 20 values per facet parameter, each at most 100 characters. An empty
`page`, `per_page` or `sort` is malformed like any other non-number or unknown order (no form sends them).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from kb.search.facets import FACETS
from kb.search.query import MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW, SORTS

DEFAULT_PER_PAGE = 20
# Two bounds whose product is the result window: each can be declared on its own (OpenAPI has no rule across
# parameters), and every request within both is answerable.
MAX_PAGE = MAX_RESULT_WINDOW // MAX_PER_PAGE
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 100


class ParamError(ValueError):
    """A request parameter is malformed: answered with 400 and this message."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


def _int(args: MultiDict, name: str, default: int, lo: int, hi: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, f"must be a whole number, got {raw[:20]!r}") from None
    if not lo <= value <= hi:
        raise ParamError(name, f"must be between {lo} and {hi}, got {value}")
    return value


def parse_search(args: MultiDict, allow_per_page: bool = False, paged: bool = True) -> SearchParams:
    """Validate search parameters; raise ParamError for anything malformed. `allow_per_page`: the API's
    `per_page` (pages have 20). `paged=False` (exports) ignores `page` and `per_page`."""
    q = args.get("q", "")[:MAX_QUERY_CHARS]
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        raise ParamError("sort", f"must be one of {', '.join(SORTS)}")
    per_page, page = DEFAULT_PER_PAGE, 1
    if paged:
        per_page = _int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE) if allow_per_page else per_page
        page = _int(args, "page", 1, 1, MAX_PAGE)
    filters: dict[str, list[str]] = {}
    for name in FACETS:
        given = args.getlist(name)  # checked as sent, as the OpenAPI document declares (maxItems, maxLength)
        if len(given) > MAX_FILTER_VALUES:
            raise ParamError(name, f"at most {MAX_FILTER_VALUES} values")
        if any(len(v) > MAX_FILTER_CHARS for v in given):
            raise ParamError(name, f"values are at most {MAX_FILTER_CHARS} characters")
        values = [v.strip() for v in given if v.strip()]
        if values:
            filters[name] = list(dict.fromkeys(values))
    return SearchParams(q=q, filters=filters, sort=sort, page=page, per_page=per_page)
