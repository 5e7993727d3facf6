"""The incremental cross-file checks (kb/publish/links.py) give what `cross_check` gives over every file,
after any sequence of added, changed and removed files."""
from __future__ import annotations

import random

from kb.content.loader import Links, cross_check
from kb.publish.links import LinkGraph, walk_key

NAMES = [f"n{i}" for i in range(14)]  # few names: many collisions, duplicates and dangling links
STATUSES = [None, None, "direncanakan", "berjalan"]  # plans are not counted; no status: the replica's fills it


def random_links(rng: random.Random, rel: str) -> Links:
    slug = rel.rsplit("/", 1)[-1].removesuffix(".md")
    aliases = tuple((rng.choice(NAMES + [slug]), rng.randint(1, 30)) for _ in range(rng.choice([0, 0, 1, 2, 3])))
    source = (rng.choice(NAMES + ["nowhere", slug]), 5) if rng.random() < 0.4 else None
    targets = tuple((i, rng.choice(NAMES + ["elsewhere"]), 10 + i) for i in range(rng.choice([0, 0, 1, 3]))
                    if rng.random() < 0.8)
    count = rng.randint(0, 4)
    statuses = tuple(rng.choice(STATUSES) for _ in range(count)) if rng.random() < 0.5 else ()
    source_status = rng.choice(STATUSES) if source is not None else None
    return Links(slug, "content/" + rel, rng.random() < 0.85, aliases, source, targets, count, statuses, source_status)


def random_rel(rng: random.Random) -> str:
    folder = rng.choice(["innovations", "innovations", "innovations/a", "innovations/b", "innovations/a/c"])
    return f"{folder}/{rng.choice(NAMES)}.md"


def expected(entries: dict[str, Links]):  # noqa: ANN201
    ordered = [entries[rel] for rel in sorted(entries, key=walk_key)]
    return cross_check(ordered)


def assert_same(graph: LinkGraph, entries: dict[str, Links]) -> None:
    want = expected(entries)
    path_of = {rel: entry.path for rel, entry in entries.items()}
    assert {path_of[rel]: issues for rel, issues in graph.issues.items()} == want.issues
    assert {path_of[rel] for rel in graph.failed} == want.failed
    assert graph.resolved == want.resolved
    assert graph.valid == want.valid
    assert graph.counts == want.counts
    assert graph.aliases() == want.aliases
    assert (graph.errors, graph.warnings) == (
        sum(i.is_error for found in want.issues.values() for i in found),
        sum(not i.is_error for found in want.issues.values() for i in found))


def test_walk_key_orders_as_the_scan_does():
    rels = ["innovations/z.md", "innovations/a/b.md", "innovations/a.md", "innovations/a/a/x.md", "innovations/b/a.md",
            "innovations/a-b.md"]
    expected = ["innovations/a-b.md", "innovations/a.md", "innovations/z.md", "innovations/a/b.md",
                "innovations/a/a/x.md", "innovations/b/a.md"]
    assert sorted(rels, key=walk_key) == expected


def test_a_full_build_equals_cross_check():
    for seed in range(40):
        rng = random.Random(seed)
        entries = {}
        for _ in range(rng.randint(1, 25)):
            rel = random_rel(rng)
            entries[rel] = random_links(rng, rel)
        graph = LinkGraph()
        graph.build(entries.items())
        assert_same(graph, entries)


def test_updates_equal_a_full_check_after_every_step():
    for seed in range(40):
        rng = random.Random(1000 + seed)
        entries: dict[str, Links] = {}
        for _ in range(rng.randint(0, 15)):
            rel = random_rel(rng)
            entries[rel] = random_links(rng, rel)
        graph = LinkGraph()
        graph.build(entries.items())
        for _ in range(25):
            changes: dict[str, Links | None] = {}
            for _ in range(rng.choice([1, 1, 2, 4])):
                rel = random_rel(rng)
                if rel in entries and rng.random() < 0.35:
                    changes[rel] = None
                else:
                    changes[rel] = random_links(rng, rel)
            for rel, new in changes.items():
                if new is None:
                    entries.pop(rel, None)
                else:
                    entries[rel] = new
            graph.update(changes)
            assert_same(graph, entries)


def test_update_names_every_slug_whose_results_changed():
    """The publish re-writes only the records `update` names: every slug whose validity, resolved links or
    replication count changed must be among them."""
    for seed in range(40):
        rng = random.Random(5000 + seed)
        entries: dict[str, Links] = {}
        for _ in range(rng.randint(3, 15)):
            rel = random_rel(rng)
            entries[rel] = random_links(rng, rel)
        graph = LinkGraph()
        graph.build(entries.items())
        for _ in range(20):
            before = (set(graph.valid), dict(graph.resolved), dict(graph.counts))
            rel = random_rel(rng)
            change = None if rel in entries and rng.random() < 0.3 else random_links(rng, rel)
            if change is None:
                entries.pop(rel, None)
            else:
                entries[rel] = change
            slugs, _ = graph.update({rel: change})
            for slug in set(before[1]) | set(graph.resolved):
                now = (slug in graph.valid, graph.resolved.get(slug), graph.counts.get(slug))
                was = (slug in before[0], before[1].get(slug), before[2].get(slug))
                if now != was:
                    assert slug in slugs


def test_walk_key_is_the_order_of_a_scan(tmp_path):
    from kb.publish.changes import scan

    rels = ["innovations/z.md", "innovations/a-b.md", "innovations/a.md", "innovations/a/b.md", "innovations/a/a/x.md",
            "innovations/b/a.md", "innovations/a/a-1.md"]
    for rel in rels:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    assert list(scan(tmp_path)) == sorted(rels, key=walk_key)
