"""Searching the live index: `SearchIndex.search(query, filters, sort, page)` -> `SearchResult`.

A query's words are written out in full (chat abbreviations, dropped vowels: `chat.py`), corrected, cut
free of question frames (`frames.py`) and become concepts (place names, lexicon terms and the generation's
learned acronyms, or single words, filler words marked weak) with their equivalent variants, and those one
plan of weighted clauses (`plan.py`) that matching and ranking both read. Unknown words are
corrected ("did you mean"); a query that matches nothing falls back to fuzzy terms. Matches and facet counts
are bitsets over cached postings; ranking is `ranking.py`; snippets are made only for the page's hits.
One `SearchIndex` per process follows the index generation on disk.
"""
from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from markupsafe import Markup
from whoosh import index as whoosh_index
from whoosh import query as wq

from kb.search import acronyms, bitset, chat, columns, english, ranking, store
from kb.search import plan as query_plan
from kb.search.frames import default_frames
from kb.search.analysis import STOP_WORDS, split_words, stem
from kb.search.positions import phrase_documents
from kb.search.places import find_places, place_names, place_words
from kb.search.facets import FACETS, FacetCount, FacetTable
from kb.search.lexicon import Concept, Lexicon, default_lexicon
from kb.search.schema import FIELD_BOOSTS
from kb.search.scoring import Scorer, read_postings
from kb.search.snippets import make_snippet
from kb.search.indexer import read_spelling_parts
from kb.search.spelling import Speller, _distance
from kb.search.spelling import vocabulary as spelling_vocabulary

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500  # longer input is cut: bounded work per request
MAX_QUERY_WORDS = 32
MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000  # page * per_page beyond this is refused by the caller
SORTS = ("relevance", "newest", "replicated", "title")
POSTINGS_CACHE_BYTES = 32 * 2**20  # (field, term) doc-set bitsets kept per generation (a bitset of N docs: N/8 bytes)
HIGHLIGHT_VARIANTS = 5  # variants whose words are marked in snippets: the typed form and its closest equivalents
_QUOTED_RE = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    summary: str
    snippet: Markup
    score: float
    region: str
    year: int
    sectors: list[str]
    awards: list[dict[str, Any]]
    replications: int
    language: str = "id"  # the write-up's own language, marked on its title and snippet in English pages


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    sort: str = "relevance"
    hits: list[SearchHit] = field(default_factory=list)
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean": a better query built from the index vocabulary
    corrected: str | None = None  # the query actually searched, when the typed one found nothing

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass
class _Generation:
    """Per-index-generation caches: the searcher, facet table, speller, posting sets."""

    searcher: Any
    facets: FacetTable
    speller: Speller
    scorer: Scorer
    years: np.ndarray  # by document number
    replications: np.ndarray
    title_rank: np.ndarray
    learned: acronyms.Learned | None = None  # acronym pairs spelled out by this generation's write-ups
    postings: dict[tuple[str, str], int] = field(default_factory=dict)
    postings_bytes: int = 0
    _skeletons: chat.Skeletons | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def skeletons(self) -> chat.Skeletons:
        """Known words by their consonants (dropped vowels), built on the first query that needs them."""
        if self._skeletons is None:
            with self._lock:
                if self._skeletons is None:
                    self._skeletons = chat.Skeletons(self.speller.freq)
        return self._skeletons

    def known(self, word: str) -> bool:
        """Whether the generation (or the lexicon) knows a word as typed or by its stem."""
        return word in self.speller.freq or (word.isalpha() and self.speller.known(word))

    def docs(self, fieldname: str, term: str) -> int:
        """Bitset of the documents containing `term` in `fieldname` (cached: match sets are built from these)."""
        key = (fieldname, term)
        found = self.postings.get(key)
        if found is None:
            # The scorer's cached posting arrays (live documents only): each posting list is decoded once,
            # for matching and for ranking, which needs the same terms right after.
            try:
                ids, _ = self.scorer.term(fieldname, term)
            except Exception:  # noqa: BLE001 - an unknown term or field matches nothing
                ids = ()
            found = bitset.from_array(ids, self.scorer.size) if len(ids) else 0
            self.postings_bytes += (found.bit_length() + 7) // 8
            if self.postings_bytes > POSTINGS_CACHE_BYTES:
                self.postings.clear()
                self.postings_bytes = (found.bit_length() + 7) // 8
            self.postings[key] = found
        return found


@dataclass
class _Run:
    """One resolved query: what to run and which documents it matches."""

    fuzzy: wq.Query | None  # set when only the fuzzy fallback matched: Whoosh ranks those
    matches: int  # bitsets of document numbers
    visible: int
    concepts: list[Concept]
    suggestion: str | None
    corrected: str | None
    has_query: bool = False  # False: browsing everything
    plan: query_plan.Plan | None = None  # what matching and ranking both read
    found: dict[query_plan.Alternative, int] = field(default_factory=dict)  # where each alternative holds


class IndexUnavailable(Exception):
    """The index cannot be read: missing (not built yet) or damaged. Requests answer 503; the sync owner
    repairs it."""


class SearchIndex:
    """Searches one index generation: the folder CURRENT points at (followed as it moves), or a fixed one.

    A generation folder never changes once published, so what is opened for it (searcher, scorer, spelling
    vocabulary, facet table) is built once and dropped when CURRENT moves on. Nothing is carried over from
    one generation to the next, and nothing here ever builds or repairs an index (kb.publish does)."""

    def __init__(self, index_dir: Path | str, lexicon: Lexicon | None = None, spelling: bool = True,
                 places: bool = True, generation: Path | str | None = None, learned: bool = True,
                 phrasing: bool = True) -> None:
        """`generation`: stay on this generation folder instead of following CURRENT. `spelling`, `places`,
        `learned` (acronyms learned from the write-ups) and `phrasing` (chat abbreviations, question frames
        and filler words) are switched off only to measure what they contribute."""
        self.index_dir = Path(index_dir)
        self.fixed = Path(generation) if generation is not None else None
        self.lexicon = default_lexicon() if lexicon is None else lexicon
        self.spelling = spelling
        self.places = places
        self.learned = learned
        self.phrasing = phrasing
        self._lock = threading.Lock()
        self._gen_path: Path | None = None
        self._ix = None
        self._state: _Generation | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def generation(self) -> Path | None:
        """The index generation folder this reader has open (None before the first search)."""
        return self._gen_path

    def _current(self) -> _Generation | None:
        with self._lock:
            gen = self.fixed or store.current_generation(self.index_dir)
            if gen is None:
                return None
            if gen != self._gen_path or self._state is None:
                ix = whoosh_index.open_dir(str(gen))
                state = self._load(ix.searcher(), gen)
                self._ix, self._state, self._gen_path = ix, state, gen
            return self._state

    def _load(self, searcher: Any, folder: Path) -> _Generation:
        reader = searcher.reader()
        facets = FacetTable.from_reader(reader)
        size = reader.doc_count_all()
        years = columns.numbers(reader, "year").astype(np.int32)
        replications = columns.numbers(reader, "replications").astype(np.int32)
        titles = list(reader.column_reader("title_sort")) if size else []  # no documents: Whoosh has no column
        title_rank = np.empty(size, np.int32)
        title_rank[np.argsort(np.array(titles, dtype=object), kind="stable")] = np.arange(size, dtype=np.int32)
        scorer = Scorer(reader, FIELD_BOOSTS, columns.live(reader))
        alive: dict[str, bool] = {}

        def live(term: str) -> bool:  # a pair counts while a live document spells it out
            if term not in alive:
                ids, _ = read_postings(reader, acronyms.FIELD, term)
                alive[term] = bool(len(ids)) and bool(scorer.live[ids].any())
            return alive[term]

        return _Generation(searcher, facets, self._speller(reader, folder), scorer, years, replications, title_rank,
                           acronyms.read(reader, live))

    def _speller(self, reader: Any, folder: Path) -> Speller:
        """The generation's spelling vocabulary (written with it), plus lexicon and place words."""
        found = read_spelling_parts(folder)
        freq, stems, parts = found if found is not None else (*spelling_vocabulary(reader), [])
        for word in self.lexicon.words | place_words():
            freq.setdefault(word, 0)  # lexicon and place words are valid even if no write-up uses them
        return Speller(freq, stems, parts)

    def _close_locked(self) -> None:
        """Close files now (shutdown, tests): only when no other thread is searching."""
        if self._state is not None:
            try:
                self._state.searcher.close()
            except Exception:  # noqa: BLE001 - already closed through a shared reader
                pass
        if self._ix is not None:
            self._ix.close()
        self._state = self._ix = self._gen_path = None

    def close(self) -> None:
        with self._lock:
            self._close_locked()

    def _reset(self) -> None:
        """Reopen on next use. The old searcher is dropped, not closed: another thread may be using it;
        reference counting closes it."""
        with self._lock:
            self._state, self._gen_path = None, None

    def open(self) -> None:
        """Open the generation now (raises `IndexUnavailable` if it cannot be read)."""
        self._recovering(self._current)

    # -- query building ---------------------------------------------------------------------------
    def _concepts(self, query: str, state: _Generation) -> tuple[list[Concept], list[str], list[str]]:
        """(concepts, the words as typed with abbreviations written out, the words searched after dropped
        vowels and typos are corrected: when these differ, the page says what it searched)."""
        phrases = [split_words(p) for p in _QUOTED_RE.findall(query)]
        rest = _QUOTED_RE.sub(" ", query).replace('"', " ")
        typed = split_words(rest)[:MAX_QUERY_WORDS]
        words = typed
        if self.phrasing:
            typed = chat.expand(typed)[:MAX_QUERY_WORDS]
            words = chat.normalize(words, state.known, state.skeletons)[:MAX_QUERY_WORDS]
        corrected = self._correct(words, state) if self.spelling else words
        searched = default_frames().strip(corrected) if self.phrasing else corrected
        filler = default_frames().filler if self.phrasing else frozenset()
        learned = state.learned if self.learned else None
        concepts = [Concept(tuple(p), (tuple(p),), phrase=True) for p in phrases if p]
        start = 0
        spans = find_places(searched) if self.places else []
        for first, end in spans + [(len(searched), len(searched))]:
            for c in self.lexicon.concepts(searched[start:first], learned):
                if len(c.words) == 1 and c.words[0] in STOP_WORDS:
                    continue
                if self.places and any(v in place_names() for v in c.variants):  # "solo" ~ "surakarta"
                    c = Concept(c.words, c.variants, place=True)
                elif len(c.words) == 1:  # other spellings of the same word right after it; filler is weak
                    variants = c.variants[:1] + self._spellings(c.words[0], state) + c.variants[1:]
                    c = Concept(c.words, tuple(dict.fromkeys(variants)), weak=c.words[0] in filler)
                concepts.append(c)
            if first < end:
                place = tuple(searched[first:end])
                concepts.append(Concept(place, (place,), place=True))
            start = end
        return concepts, typed, corrected

    @staticmethod
    def _correct(words: list[str], state: _Generation) -> list[str]:
        """Typo correction, except a word corrected two edits away into a word that no write-up has (known
        only from the lexicon): an English word the lexicon lacks ("channel") is more likely than a
        two-letter typo of a lexicon-only word ("chained")."""
        corrected = state.speller.correct(words).words
        if corrected == words or len(corrected) != len(words):  # joined or split: nothing to compare
            return corrected
        places = place_words()
        return [new if new == old or state.speller.freq.get(new, 0) > 0 or new in places
                or _distance(old, new, 1) <= 1 else old for old, new in zip(words, corrected, strict=True)]

    @staticmethod
    def _spellings(word: str, state: _Generation) -> tuple[tuple[str, ...], ...]:
        """Other English spellings and numbers of a word that the index knows ("centre" -> center, centres)."""
        if not word.isascii() or not word.isalpha() or len(word) < 4:
            return ()
        return tuple((form,) for form in english.spellings(word) if state.known(form))

    @staticmethod
    def _fuzzy(words: list[str]) -> wq.Query | None:
        clauses = [wq.FuzzyTerm("exact", w, maxdist=2 if len(w) > 5 else 1, prefixlength=1)
                   for w in words if len(w) >= 4 and w not in STOP_WORDS]
        return wq.Or(clauses) if clauses else None

    # -- search -----------------------------------------------------------------------------------
    def _recovering(self, action: Callable[[], Any]) -> Any:
        """Run `action`; if it fails because CURRENT moved while we opened files, reopen and run it once
        more; if the generation itself is unreadable, raise `IndexUnavailable` (never rebuild here)."""
        try:
            return action()
        except IndexUnavailable:
            raise
        except Exception:  # noqa: BLE001 - a generation replaced while we opened it: reopen the current one
            self._reset()
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - a damaged index shows up as many different errors
            gen = self.fixed or store.current_generation(self.index_dir)
            if _readable(gen):
                raise  # the index is fine: a bug, not damage
            self._reset()
            raise IndexUnavailable(f"index generation {gen} is unreadable: {type(exc).__name__}: {exc}") from exc

    def search(self, query: str = "", filters: Mapping[str, list[str]] | None = None, sort: str = "relevance",
               page: int = 1, per_page: int = 20, facet_limit: int | None = None) -> SearchResult:
        """Ranked, filtered, faceted hits for `query`; an empty query lists everything (browse). Each facet
        lists its `facet_limit` first values (all by default) plus the selected ones."""
        return self._recovering(lambda: self._search(query, filters, sort, page, per_page, facet_limit))

    def _search(self, query: str, filters: Mapping[str, list[str]] | None, sort: str, page: int,
                per_page: int, facet_limit: int | None) -> SearchResult:
        query, filters, sort = self._normalize(query, filters, sort)
        page = max(1, page)
        per_page = min(max(1, per_page), MAX_PER_PAGE)
        state = self._current()
        if state is None:
            return SearchResult(query, 0, page, per_page, sort, filters=filters)
        run = self._resolve(query, filters, state)
        facets = state.facets.counts(run.matches, filters, limit=facet_limit)
        ranked, scored = self._ranked(state, run, sort, page * per_page)
        hits = self._hits(state, ranked[(page - 1) * per_page:], scored, self._highlight_terms(run))
        return SearchResult(query, run.visible.bit_count(), page, per_page, sort, hits, facets, filters,
                            run.suggestion,
                            run.corrected)

    def matching_slugs(self, query: str = "", filters: Mapping[str, list[str]] | None = None,
                       sort: str = "relevance", limit: int = MAX_RESULT_WINDOW) -> list[str]:
        """Every matching slug in result order (up to `limit`), without snippets or facets: for exports."""
        return self.matching(query, filters, sort, limit)[1]

    def matching(self, query: str = "", filters: Mapping[str, list[str]] | None = None,
                 sort: str = "relevance", limit: int = MAX_RESULT_WINDOW) -> tuple[int, list[str]]:
        """(how many match in all, the first `limit` matching slugs in result order)."""
        return self._recovering(lambda: self._matching(query, filters, sort, limit))

    def _matching(self, query: str, filters: Mapping[str, list[str]] | None, sort: str,
                  limit: int) -> tuple[int, list[str]]:
        query, filters, sort = self._normalize(query, filters, sort)
        state = self._current()
        if state is None:
            return 0, []
        run = self._resolve(query, filters, state)
        ranked, _ = self._ranked(state, run, sort, min(limit, MAX_RESULT_WINDOW))
        return run.visible.bit_count(), [state.searcher.stored_fields(docnum)["slug"] for docnum, _ in ranked]

    @staticmethod
    def _normalize(query: str, filters: Mapping[str, list[str]] | None,
                   sort: str) -> tuple[str, dict[str, list[str]], str]:
        query = (query or "").replace("\x00", " ").strip()[:MAX_QUERY_CHARS]
        clean = {k: [str(v) for v in vs if str(v)] for k, vs in (filters or {}).items() if k in FACETS and vs}
        return query, clean, sort if sort in SORTS else "relevance"

    def _resolve(self, query: str, filters: dict[str, list[str]], state: _Generation) -> _Run:
        """Query -> plan and matching doc sets, with typo correction and fuzzy fallback."""
        concepts, typed, corrected_words = self._concepts(query, state)
        suggestion = " ".join(corrected_words) if corrected_words != typed else None
        allowed = state.facets.allowed(filters)
        # Unknown typed words can match nothing: search the correction and say so ("showing results for").
        corrected = suggestion
        has_query = bool(query and concepts)
        plan = query_plan.build(concepts)
        found = self._plan_documents(plan, state) if has_query else {}
        matches = query_plan.matches(found, plan) if has_query else state.facets.all_docs
        if has_query and self.spelling and not (matches if allowed is None else matches & allowed):
            fuzzy = self._fuzzy(corrected_words)
            fuzzy_docs = bitset.from_ids(state.searcher.docs_for_query(fuzzy)) if fuzzy is not None else 0
            if fuzzy_docs and (allowed is None or fuzzy_docs & allowed):
                visible = fuzzy_docs if allowed is None else fuzzy_docs & allowed
                return _Run(fuzzy, fuzzy_docs, visible, concepts, suggestion, corrected or query, has_query=True)
        visible = matches if allowed is None else matches & allowed
        return _Run(None, matches, visible, concepts, suggestion, corrected, has_query, plan, found)

    @staticmethod
    def _plan_documents(plan: query_plan.Plan, state: _Generation) -> dict[query_plan.Alternative, int]:
        """Where each alternative of the plan holds, as bitsets built from cached posting sets; phrases (quoted
        words, multi-word place names) also read the word positions of the documents that could hold them."""
        reader = state.searcher.reader()

        def positions(fieldname: str, terms: tuple[str, ...], slop: int, candidates: int) -> int:
            return bitset.from_ids(phrase_documents(reader, fieldname, terms, slop, bitset.to_ids(candidates)))

        return query_plan.documents(plan, state.docs, positions)

    @staticmethod
    def _ranked(state: _Generation, run: _Run, sort: str, limit: int) -> tuple[list[tuple[int, float]], bool]:
        """(docnum, score) of the first `limit` results in the requested order; whether scores are relevance."""
        if not run.visible:
            return [], False
        scored = sort == "relevance" and run.has_query
        if scored and run.fuzzy is not None:  # rare: fuzzy terms have no cached postings; let Whoosh rank them
            only = set(bitset.to_ids(run.visible)) if run.visible != run.matches else None
            results = state.searcher.search(run.fuzzy, filter=only, limit=limit, terms=False)
            return [(results.docnum(i), results.score(i)) for i in range(results.scored_length())], True
        visible = bitset.to_mask(run.visible, state.scorer.size)
        scores = ranking.scores(run.plan, state.scorer, run.found) if scored else None
        order = sort if run.has_query or sort != "relevance" else "newest"
        return ranking.order(visible, scores, order, state.years, state.replications, state.title_rank, limit), scored

    def _hits(self, state: _Generation, ranked: list[tuple[int, float]], scored: bool,
              highlight: tuple[set[str], set[str]]) -> list[SearchHit]:
        words, stems = highlight
        hits = []
        for docnum, score in ranked:
            stored = state.searcher.stored_fields(docnum)
            meta = stored.get("meta", {})
            texts = [stored.get("plain", ""), stored.get("summary", "")] if words else [stored.get("summary", "")]
            hits.append(SearchHit(
                slug=stored["slug"], title=stored["title"], summary=stored["summary"],
                snippet=make_snippet(texts, words, stems), score=round(float(score), 4) if scored else 0.0,
                region=meta.get("region", ""), year=stored["year"], sectors=meta.get("sectors", []),
                awards=meta.get("awards", []), replications=stored.get("replications", 0),
                language=meta.get("language", "id")))
        return hits

    @staticmethod
    def _highlight_terms(run: _Run) -> tuple[set[str], set[str]]:
        """Words to mark in snippets (and their stems): of each concept, the first variants that match
        somewhere (a concept's equivalents that no write-up uses would only slow the snippets down)."""
        words: set[str] = set()
        plans = run.plan.concepts if run.plan is not None else ()
        for concept in plans:
            holding = [v.words for v in concept.variants if any(run.found.get(a) for a in v.alternatives)]
            for variant in holding[:HIGHLIGHT_VARIANTS]:
                words.update(w for w in variant if w not in STOP_WORDS and len(w) >= 2)
        if run.plan is None:  # the fuzzy fallback: the typed concepts
            for concept in run.concepts:
                words.update(w for w in concept.words if w not in STOP_WORDS and len(w) >= 2)
        return words, {stem(w) for w in words}

    # -- other lookups ----------------------------------------------------------------------------
    def similar(self, slug: str, limit: int = 5) -> list[str]:
        """Slugs of innovations most like this one (more-like-this on the body's distinctive terms)."""
        return self._recovering(lambda: self._similar(slug, limit))

    def _similar(self, slug: str, limit: int) -> list[str]:
        state = self._current()
        docnum = state.searcher.document_number(slug=slug) if state is not None else None
        if docnum is None:
            return []
        text = state.searcher.stored_fields(docnum).get("plain", "")
        results = state.searcher.more_like(docnum, "body", text=text, top=limit + 1, numterms=25)
        return [r["slug"] for r in results if r["slug"] != slug][:limit]

    def complete(self, prefix: str, limit: int = 8) -> list[dict[str, str]]:
        """Titles and full names starting with the typed words (autocomplete)."""
        return self._recovering(lambda: self._complete(prefix, limit))

    def _complete(self, prefix: str, limit: int) -> list[dict[str, str]]:
        words = split_words(prefix)[:6]
        state = self._current()
        if not words or state is None:
            return []
        terms = [wq.Term("complete", w[:12]) for w in words if len(w) >= 2]
        if not terms:
            return []
        results = state.searcher.search(wq.And(terms), limit=limit)
        return [{"slug": r["slug"], "title": r["title"], "full_name": r["meta"].get("full_name") or ""}
                for r in results]


def _readable(gen: Path | None) -> bool:
    """Whether a generation opens and its parts read (TOC, stored fields, term dictionary, postings)."""
    if gen is None:
        return False
    try:
        ix = whoosh_index.open_dir(str(gen))
        try:
            with ix.searcher() as searcher:
                reader = searcher.reader()
                for docnum in reader.all_doc_ids():
                    reader.stored_fields(docnum)
                    break
                for term in reader.lexicon("slug"):
                    reader.postings("slug", term).all_ids()
                    break
        finally:
            ix.close()
    except Exception:  # noqa: BLE001 - any failure here means the files are damaged
        return False
    return True
