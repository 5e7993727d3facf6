"""The Whoosh schema. SCHEMA_VERSION changes whenever fields or analysis change: old indexes get rebuilt."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NGRAMWORDS, NUMERIC, STORED, TEXT, Schema

from kb.content.fields import digest
from kb.search.analysis import ANALYZER_VERSION, exact_analyzer, stemming_analyzer

# 3: records file; 4: file paths; 5: a folder per publish (analyzer 4: background and acronyms fields). The digest of the content schema's fields and
# facets: a field added to the table means every record and facet value must be built again.
SCHEMA_VERSION = (100 + ANALYZER_VERSION * 10 + 5) << 32 | digest()

# Ranked fields and their BM25F boosts: names first, then summary/tags/sector labels, then the body (which
# also holds the agency). Few fields on purpose: every query word becomes one clause per field.
FIELD_BOOSTS = {
    "name": 4.0,  # title and full name
    "about": 2.0,  # summary, tags, sector labels
    "body": 1.0,  # agency and the write-up
    "exact": 2.0,  # unstemmed names, acronyms and numbers: "SIMPADU-PMI", "112"
    "place": 1.5,  # region, its province, replication regions; unstemmed
    "background": 1.0,  # the background section again (Latar Belakang: the problem a write-up answers)
}
STEMMED_FIELDS = ("name", "about", "body")
UNSTEMMED_FIELDS = ("exact", "place")
# Stemmed fields that repeat part of another (the background is in the body too): a word is scored there as
# well, but they add no match, phrase or spelling of their own.
SECTION_FIELDS = ("background",)


def get_schema() -> Schema:
    """Fields indexed for each innovation."""
    stemmed = stemming_analyzer()
    exact = exact_analyzer()
    return Schema(
        slug=ID(stored=True, unique=True),
        content_hash=STORED(),
        title=STORED(),
        summary=STORED(),
        plain=STORED(),  # the body as plain text, for snippets and more-like-this
        name=TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS["name"]),
        about=TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS["about"]),
        body=TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS["body"]),
        background=TEXT(analyzer=stemmed, field_boost=FIELD_BOOSTS["background"]),
        exact=TEXT(analyzer=exact, field_boost=FIELD_BOOSTS["exact"], spelling=True),
        place=TEXT(analyzer=exact, field_boost=FIELD_BOOSTS["place"]),
        complete=NGRAMWORDS(minsize=2, maxsize=12, at="start", stored=False),
        title_sort=ID(sortable=True),
        year=NUMERIC(stored=True, sortable=True),
        replications=NUMERIC(stored=True, sortable=True),
        facet=KEYWORD(commas=True),  # "sector=kesehatan,year=2020,...": facet bitsets come from its postings
        acronyms=KEYWORD(commas=True),  # acronym <-> long-form pairs the write-up spells out (acronyms.py)
        meta=STORED(),  # display fields, read without touching the catalogue
    )
