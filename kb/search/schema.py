"""The Whoosh schema. Bump SCHEMA_VERSION whenever fields or analysis change: old indexes get rebuilt."""
from __future__ import annotations

from whoosh.analysis import Analyzer, LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

SCHEMA_VERSION = 1


def text_analyzer() -> Analyzer:
    """Words and numbers, lowercased; hyphenated names stay findable by their parts."""
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def get_schema() -> Schema:
    """Fields indexed for each innovation."""
    analyzer = text_analyzer()
    return Schema(
        slug=ID(stored=True, unique=True),
        content_hash=STORED(),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=4.0),
        full_name=TEXT(analyzer=analyzer, stored=True, field_boost=3.0),
        summary=TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        tags=TEXT(analyzer=analyzer, field_boost=2.0),
        agency=TEXT(analyzer=analyzer),
        region=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer),
        sectors=KEYWORD(stored=True, commas=True),
        region_code=ID(stored=True),
        province_code=ID(stored=True),
        awards=KEYWORD(stored=True, commas=True),
        year=NUMERIC(stored=True, sortable=True),
        replications=NUMERIC(stored=True, sortable=True),
    )
