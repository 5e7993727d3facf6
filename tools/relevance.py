"""Relevance evaluation: our Indonesian pipeline vs plain Whoosh and SQLite FTS5 on the fixture corpus.

    python3 run.py relevance            (or: .venv/bin/python tools/relevance.py)
    python3 run.py relevance --only tuned,dev --misses      (while developing: never the blind collection)

Prints MRR@10, success@1, success@3 and nDCG@10 per query kind, for three query collections over the same
fictional corpus (tests/relevance/corpus):
- "tuned": tests/relevance/queries.yml, which was used while writing the lexicon and ranking;
- "dev": tests/relevance/dev/queries.yml, written by the developer of issue #14 from the issue's examples
  before changing the code, then used while tuning (optimistic, like "tuned");
- "blind": tests/relevance/blind/queries.yml, written by someone who never saw kb/search or the lexicon and
  frozen before any change it could motivate. Its figures are the honest estimate of how search generalizes.
`--misses` lists, per query, where the first relevant write-up came (for tuned and dev only: the blind
collection's queries are not for looking at).
Systems: a plain-Whoosh baseline (StandardAnalyzer, BM25F, OR of words over title/summary/body), SQLite FTS5
(unicode61 tokenizer, bm25, OR of words: no Indonesian knowledge at all), and our pipeline with parts switched
off to show what each contributes. Builds indexes in a temp dir.
"""
from __future__ import annotations

import argparse
import math
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import yaml
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.content import load_catalogue  # noqa: E402
from kb.content.document import read_document  # noqa: E402
from kb.content.render import index_text  # noqa: E402
from kb.publish import publish  # noqa: E402
from kb.search import SearchIndex  # noqa: E402
from kb.search.lexicon import Lexicon  # noqa: E402

COLLECTION = ROOT / "tests" / "relevance"
K = 10

Ranker = Callable[[str], list[str]]


def baseline_ranker(catalogue, directory: Path) -> Ranker:
    """Plain Whoosh: StandardAnalyzer (English stop words, no stemming), OR of words."""
    analyzer = StandardAnalyzer()
    schema = Schema(slug=ID(stored=True), title=TEXT(analyzer=analyzer), summary=TEXT(analyzer=analyzer),
                    body=TEXT(analyzer=analyzer))
    ix = whoosh_index.create_in(str(directory), schema)
    writer = ix.writer()
    for inn in catalogue.innovations.values():
        writer.add_document(slug=inn.slug, title=inn.title, summary=inn.summary, body=index_text(read_document(inn.path, inn.slug).body))
    writer.commit()
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "summary", "body"], schema, group=OrGroup)

    def rank(query: str) -> list[str]:
        try:
            parsed = parser.parse(query)
        except Exception:  # noqa: BLE001
            return []
        return [hit["slug"] for hit in searcher.search(parsed, limit=K)]

    return rank


def fts5_ranker(catalogue) -> Ranker:
    """SQLite FTS5 as Datasette would index the same columns, queried with an OR of the query's words."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, summary, body, "
                "tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)",
                   [(inn.slug, inn.title, inn.summary, index_text(read_document(inn.path, inn.slug).body))
                    for inn in catalogue.innovations.values()])

    def rank(query: str) -> list[str]:
        words = re.findall(r"\w+", query.lower())
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = db.execute("SELECT slug FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, K))
        return [row[0] for row in rows]

    return rank


def ours_ranker(index: SearchIndex) -> Ranker:
    return lambda query: [hit.slug for hit in index.search(query, per_page=K).hits]


def metrics(ranking: list[str], judgments: dict[str, int]) -> dict[str, float]:
    """MRR@10, success@1/@3 (first relevant = grade >= 2) and nDCG@10 (graded)."""
    relevant = {slug for slug, grade in judgments.items() if grade >= 2}
    first = next((i for i, slug in enumerate(ranking[:K]) if slug in relevant), None)
    dcg = sum((2 ** judgments.get(slug, 0) - 1) / math.log2(i + 2) for i, slug in enumerate(ranking[:K]))
    ideal = sorted(judgments.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return {
        "MRR@10": 1 / (first + 1) if first is not None else 0.0,
        "S@1": 1.0 if first == 0 else 0.0,
        "S@3": 1.0 if first is not None and first < 3 else 0.0,
        "nDCG@10": dcg / idcg if idcg else 0.0,
    }


def evaluate(rank: Ranker, queries: list[dict]) -> dict[str, dict[str, float]]:
    per_kind: dict[str, list[dict[str, float]]] = defaultdict(list)
    for q in queries:
        m = metrics(rank(q["query"]), {k: int(v) for k, v in q["judgments"].items()})
        per_kind[q["kind"]].append(m)
        per_kind["ALL"].append(m)
    return {kind: {name: sum(m[name] for m in ms) / len(ms) for name in ms[0]} | {"n": len(ms)}
            for kind, ms in per_kind.items()}


COLLECTIONS = {
    "tuned": COLLECTION / "queries.yml",  # seen while tuning: optimistic
    "dev": COLLECTION / "dev" / "queries.yml",  # written for issue #14's development: tuned, optimistic
    "blind": COLLECTION / "blind" / "queries.yml",  # frozen, never tuned against
}
FROZEN = {"blind"}  # never listed query by query


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Search quality on the relevance collections.")
    parser.add_argument("--only", help="comma-separated collections (default: all): " + ", ".join(COLLECTIONS))
    parser.add_argument("--misses", action="store_true",
                        help="list the queries whose first relevant write-up is not first (not for blind)")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(COLLECTIONS)
    unknown = [n for n in names if n not in COLLECTIONS]
    if unknown:
        parser.error(f"unknown collection(s): {', '.join(unknown)}")
    if args.misses and FROZEN & set(names):
        parser.error("--misses lists queries one by one: not for the frozen blind collection (use --only)")
    collections = {name: yaml.safe_load(COLLECTIONS[name].read_text(encoding="utf-8")) for name in names}
    catalogue = load_catalogue(COLLECTION / "corpus")
    if catalogue.errors:
        print("\n".join(map(str, catalogue.errors)))
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "baseline").mkdir()
        publish(COLLECTION / "corpus", tmp_path / "ours")
        systems: dict[str, Ranker] = {
            "plain Whoosh (baseline)": baseline_ranker(catalogue, tmp_path / "baseline"),
            "SQLite FTS5 (baseline)": fts5_ranker(catalogue),
            "ours without lexicon": ours_ranker(SearchIndex(tmp_path / "ours", lexicon=Lexicon([]))),
            "ours without typo correction": ours_ranker(SearchIndex(tmp_path / "ours", spelling=False)),
            "ours without place names": ours_ranker(SearchIndex(tmp_path / "ours", places=False)),
            "ours without learned acronyms": ours_ranker(SearchIndex(tmp_path / "ours", learned=False)),
            "ours without chat, frames and filler": ours_ranker(SearchIndex(tmp_path / "ours", phrasing=False)),
            "ours (full pipeline)": ours_ranker(SearchIndex(tmp_path / "ours")),
        }
        for collection, queries in collections.items():
            results = {name: evaluate(rank, queries) for name, rank in systems.items()}
            report(collection, len(catalogue.innovations), queries, results)
            if args.misses:
                misses(collection, queries, systems["ours (full pipeline)"])
    return 0


def misses(collection: str, queries: list[dict], rank: Ranker) -> None:
    """Each query whose first relevant write-up (grade >= 2) is not first: where it came, and what came first."""
    print(f"### {collection}: misses of ours (full pipeline)\n")
    for q in queries:
        ranking = rank(q["query"])
        relevant = {slug for slug, grade in q["judgments"].items() if int(grade) >= 2}
        first = next((i for i, slug in enumerate(ranking[:K]) if slug in relevant), None)
        if first != 0:
            where = "not in the top 10" if first is None else f"rank {first + 1}"
            print(f"- {q['id']} ({q['kind']}) {q['query']!r}: {where}; first: {ranking[:3]}")
    print()


def report(collection: str, documents: int, queries: list[dict], results: dict) -> None:
    kinds = sorted(k for k in next(iter(results.values())) if k != "ALL") + ["ALL"]
    print(f"## {collection} collection ({COLLECTIONS[collection].relative_to(ROOT)}): "
          f"{documents} documents, {len(queries)} queries\n")
    for metric in ("MRR@10", "S@1", "S@3", "nDCG@10"):
        print(f"### {collection}: {metric}\n")
        print("| system | " + " | ".join(f"{k} ({results[next(iter(results))][k]['n']})" for k in kinds) + " |")
        print("|---|" + "---:|" * len(kinds))
        for name, per_kind in results.items():
            print(f"| {name} | " + " | ".join(f"{per_kind[k][metric]:.3f}" for k in kinds) + " |")
        print()


if __name__ == "__main__":
    sys.exit(main())
