"""Timing of the replication pages on the synthetic corpus: the first request of a generation (which builds the
snapshot) and later ones. Prints one line per request; numbers go to docs/replication.md by hand.

    .venv/bin/python bench/replication.py [N]     # N write-ups, default 10 000; corpus and index in /tmp
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_corpus  # noqa: E402
from kb.publish import publish  # noqa: E402
from kb.web import create_app  # noqa: E402

URLS = ["/statistik", "/statistik", "/api/v1/stats", "/replikasi", "/untuk/35.10",
        "/untuk/35.10?cost=3&sector=kesehatan", "/api/v1/recommendations?region=35.10", "/untuk"]


def main(n: int = 10_000) -> None:
    root, index = Path(f"/tmp/kb-bench-replication-{n}/content"), Path(f"/tmp/kb-bench-replication-{n}/index")
    if not root.exists():
        write_corpus(root, n)
    if not index.exists():
        publish(root, index)
    app = create_app({"CONTENT_DIR": str(root), "INDEX_DIR": str(index), "TESTING": True})
    client = app.test_client()
    for url in URLS:
        start = time.perf_counter()
        resp = client.get(url)
        print(f"{url:45} {resp.status_code} {len(resp.data) / 1024:7.1f} KB {time.perf_counter() - start:6.3f} s")
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    app.extensions["kb.generations"].close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
