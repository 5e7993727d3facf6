"""Request parameters for search and listing, validated in one place for the HTML pages and the API.

Limits (documented in docs/web.md): `q` is cut at 500 characters; `page` x `per_page` may not pass
10 000 results; `per_page` is 1..100; at most 20 values per facet parameter, each at most 100 characters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from kb.search.facets import FACETS
from kb.search.query import MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW, SORTS

DEFAULT_PER_PAGE = 20
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
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, f"must be a whole number, got {raw[:20]!r}") from None
    if not lo <= value <= hi:
        raise ParamError(name, f"must be between {lo} and {hi}, got {value}")
    return value


def parse_search(args: MultiDict, allow_per_page: bool = False) -> SearchParams:
    """Validate search parameters; raise ParamError for anything malformed."""
    q = args.get("q", "")[:MAX_QUERY_CHARS]
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise ParamError("sort", f"must be one of {', '.join(SORTS)}")
    per_page = _int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE) if allow_per_page else DEFAULT_PER_PAGE
    page = _int(args, "page", 1, 1, max(1, MAX_RESULT_WINDOW // per_page))
    filters: dict[str, list[str]] = {}
    for name in FACETS:
        values = [v.strip() for v in args.getlist(name) if v.strip()]
        if len(values) > MAX_FILTER_VALUES:
            raise ParamError(name, f"at most {MAX_FILTER_VALUES} values")
        if any(len(v) > MAX_FILTER_CHARS for v in values):
            raise ParamError(name, f"values are at most {MAX_FILTER_CHARS} characters")
        if values:
            filters[name] = list(dict.fromkeys(values))
    return SearchParams(q=q, filters=filters, sort=sort, page=page, per_page=per_page)
