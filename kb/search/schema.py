"""The Whoosh schema. SCHEMA_VERSION changes whenever fields or analysis change: old indexes get rebuilt."""
from __future__ import annotations

from whoosh.fields import ID, NGRAMWORDS, NUMERIC, STORED, TEXT, Schema

from kb.search.analysis import ANALYZER_VERSION, exact_analyzer, stemming_analyzer

SCHEMA_VERSION = 100 + ANALYZER_VERSION * 10

# Ranked fields and their BM25F boosts: names first, then summary and tags, then the body.
FIELD_BOOSTS = {
    "title": 4.0,
    "full_name": 3.0,
    "summary": 2.0,
    "tags": 2.0,
    "agency": 1.0,
    "body": 1.0,
    "exact": 2.0,  # unstemmed names, acronyms and numbers: "SIMPADU-PMI", "112"
    "place": 1.5,  # region and province names, unstemmed
}
STEMMED_FIELDS = ("title", "full_name", "summary", "tags", "agency", "body")
UNSTEMMED_FIELDS = ("exact", "place")


def get_schema() -> Schema:
    """Fields indexed for each innovation."""
    stemmed = stemming_analyzer()
    exact = exact_analyzer()
    text = {name: TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS[name]) for name in STEMMED_FIELDS}
    text["title"] = TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS["title"], stored=True)
    text["summary"] = TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS["summary"], stored=True)
    text["body"] = TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS["body"], stored=True)
    return Schema(
        slug=ID(stored=True, unique=True),
        content_hash=STORED(),
        exact=TEXT(analyzer=exact, field_boost=FIELD_BOOSTS["exact"], spelling=True),
        place=TEXT(analyzer=exact, field_boost=FIELD_BOOSTS["place"]),
        complete=NGRAMWORDS(minsize=2, maxsize=12, at="start", stored=False),
        title_sort=ID(sortable=True),
        year=NUMERIC(stored=True, sortable=True),
        replications=NUMERIC(stored=True, sortable=True),
        meta=STORED(),  # display fields and facet values, read without touching the catalogue
        **text,
    )
