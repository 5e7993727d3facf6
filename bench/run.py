"""Benchmark Lumbung Inovasi against Datasette over SQLite FTS5 on the same synthetic corpus and queries.

    python3 run.py bench                 # N = 1 000 and 10 000
    python3 run.py bench --full          # also N = 100 000 (about 20 minutes more)
    python3 run.py bench --sizes 1000    # a quick run

For each N it generates a deterministic corpus in a temporary folder (never in content/), then measures for
both systems: build time (docs/s), index size, start-up time to the first answered search, peak RSS of the
serving process, search latency p50/p95/p99 over a fixed mix of 240 queries through the real HTTP JSON API
(facet counts, snippets, 0-2 filters), and throughput with concurrent clients. For ours also: the time for
an edited file to become searchable in a running server. Prints a side-by-side table and writes
bench/results/latest.json and bench/results/latest.md.
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import make_queries, write_corpus  # noqa: E402
from kb.content import load_catalogue  # noqa: E402
from kb.content.render import index_text  # noqa: E402
from tools.loadtest import free_port, percentile  # noqa: E402

DATASETTE_VENV = ROOT / "bench" / ".venv-datasette"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable


# -- helpers -----------------------------------------------------------------------------------------
def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_parts_mb(pid: int) -> tuple[float, float]:
    """(private, file-backed) resident memory now: mmap'd index pages are file-backed and shared."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("RssAnon:", "RssFile:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("RssAnon", 0.0), values.get("RssFile", 0.0)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def run_measured(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS MB of the process)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"{cmd} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def get(port: int, path: str, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_until_answers(port: int, path: str, deadline_s: float = 300) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < deadline_s:
        try:
            if get(port, path, timeout=10)[0] == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"no answer on {path}")


def wait_until_content_checked(port: int, since: float, deadline_s: float = 1800) -> None:
    """Until /healthz says the content was checked (every file read by the sync child) after `since`."""
    limit = time.perf_counter() + deadline_s
    while time.perf_counter() < limit:
        try:
            status, body = get(port, "/healthz", timeout=10)
            stamp = json.loads(body).get("content_checked_at") if status == 200 else None
            if stamp and datetime.datetime.fromisoformat(stamp).timestamp() >= since:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError("the content was never checked")


def latencies(port: int, paths: list[str]) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for path in paths:
        started = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{resp.status} on {path}")
        out.append((time.perf_counter() - started) * 1000)
    conn.close()
    return out


def throughput(port: int, paths: list[str], clients: int, seconds: float) -> float:
    done = [0] * clients
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = n
        while time.perf_counter() < deadline:
            conn.request("GET", paths[i % len(paths)])
            conn.getresponse().read()
            done[n] += 1
            i += clients
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


# -- the two systems ---------------------------------------------------------------------------------
def our_paths(queries: list[dict]) -> list[str]:
    out = []
    for q in queries:
        params = [("q", q["q"]), ("per_page", "10")] + list(q["filters"].items())
        out.append("/api/v1/search?" + urllib.parse.urlencode(params))
    return out


def datasette_paths(queries: list[dict]) -> list[str]:
    out = []
    for q in queries:
        params = [("_search", q["q"]), ("_size", "10"), ("_facet", "sector"), ("_facet", "region"),
                  ("_facet", "year"), ("_shape", "objects")] + list(q["filters"].items())
        out.append("/bench/innovations.json?" + urllib.parse.urlencode(params))
    return out


def measure_ours(corpus: Path, work: Path, queries: list[dict], clients: int, seconds: float) -> dict:
    index_dir = work / "index"
    env = dict(os.environ, KB_NO_VENV="1", KB_CONTENT_DIR=str(corpus), KB_INDEX_DIR=str(index_dir))
    build_s, build_rss = run_measured([PY, str(ROOT / "run.py"), "index", "--rebuild"], env)
    n = len(list((corpus / "innovations").glob("*.md")))
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([PY, "-m", "gunicorn", "--workers", "1", "--threads", "1", "--timeout", "300", "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "kb.web:create_app()"],
                              cwd=ROOT, env=env)
    try:
        wait_until_answers(port, "/api/v1/search?q=desa")
        startup = time.perf_counter() - started
        wait_until_content_checked(port, time.time() - (time.perf_counter() - started))
        loaded = time.perf_counter() - started  # the sync child has read every file once: settled
        time.sleep(1)
        paths = our_paths(queries)
        latencies(port, our_paths(make_queries(20, seed=99)))  # warm-up on other queries
        lat = latencies(port, paths)
        edit = measure_edit(corpus, port)
        workers = children(server.pid) or [server.pid]
        rss = max(peak_rss_mb(pid) for pid in workers)
        anon, mapped = rss_parts_mb(workers[0])
        syncs = [c for w in workers for c in children(w)]  # the kb.sync child re-indexing edits
        sync_rss = max((peak_rss_mb(pid) for pid in syncs), default=0.0)
    finally:
        stop(server)
    server2_started = time.time()
    server2 = subprocess.Popen([PY, "-m", "gunicorn", "--workers", "2", "--timeout", "300", "--bind", f"127.0.0.1:{port}",
                                "--log-level", "warning", "kb.web:create_app()"], cwd=ROOT, env=env)
    try:
        wait_until_content_checked(port, server2_started)  # not while the sync child reads every file
        rps = throughput(port, our_paths(queries), clients, seconds)
    finally:
        stop(server2)
    return {"build_s": round(build_s, 2), "docs_per_s": round(n / build_s, 1), "build_peak_rss_mb": round(build_rss),
            "index_mb": round(dir_size(index_dir) / 2**20, 1), "startup_s": round(startup, 2),
            "loaded_s": round(loaded, 2), "serve_peak_rss_mb": round(rss),
            "serve_rss_private_mb": round(anon), "serve_rss_file_mb": round(mapped),
            "sync_peak_rss_mb": round(sync_rss), "p50_ms": round(percentile(lat, 50), 1),
            "p95_ms": round(percentile(lat, 95), 1), "p99_ms": round(percentile(lat, 99), 1),
            "throughput_rps": round(rps, 1), "edit_searchable_s": edit,
            "server": "gunicorn, 1 worker (latency) / 2 workers (throughput)"}


def measure_edit(corpus: Path, port: int) -> float:
    """Append a unique word to one file; seconds until the running server finds it (median of 3)."""
    files = sorted((corpus / "innovations").glob("*.md"))
    times = []
    for attempt in range(3):
        target = files[attempt * 7 % len(files)]
        word = f"zqbench{attempt}x{int(time.time())}"
        started = time.perf_counter()
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"\nKata uji {word}.\n")
        while time.perf_counter() - started < 60:
            status, body = get(port, f"/api/v1/search?q={word}")
            if status == 200 and json.loads(body)["total"] >= 1:
                break
            time.sleep(0.01)
        times.append(time.perf_counter() - started)
    return round(sorted(times)[1], 2)


def ensure_datasette() -> Path:
    exe = DATASETTE_VENV / "bin" / "datasette"
    if not exe.exists():
        print("installing Datasette into bench/.venv-datasette ...", file=sys.stderr)
        subprocess.check_call(["python3", "-m", "venv", str(DATASETTE_VENV)])
        subprocess.check_call([str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", "-r",
                               str(ROOT / "bench" / "requirements-datasette.txt")])
    return exe


def build_sqlite(corpus: Path, db: Path) -> float:
    """The same documents in SQLite with an FTS5 index on title, summary and body (as sqlite-utils would)."""
    started = time.perf_counter()
    catalogue = load_catalogue(corpus)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE innovations (slug TEXT PRIMARY KEY, title TEXT, summary TEXT, body TEXT, "
                 "sector TEXT, region TEXT, province TEXT, year INTEGER)")
    conn.executemany("INSERT INTO innovations VALUES (?,?,?,?,?,?,?,?)", [
        (i.slug, i.title, i.summary, index_text(i.load_body()), i.sectors[0], i.region_code or "", i.province_code or "",
         i.year) for i in catalogue.innovations.values()])
    for column in ("sector", "region", "province", "year"):
        conn.execute(f"CREATE INDEX idx_{column} ON innovations({column})")
    conn.execute("CREATE VIRTUAL TABLE innovations_fts USING fts5(title, summary, body, content=innovations, "
                 "content_rowid=rowid)")
    conn.execute("INSERT INTO innovations_fts (rowid, title, summary, body) "
                 "SELECT rowid, title, summary, body FROM innovations")
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def measure_datasette(corpus: Path, work: Path, queries: list[dict], clients: int, seconds: float) -> dict:
    exe = ensure_datasette()
    db = work / "bench.db"
    build_s = build_sqlite(corpus, db)
    n = len(list((corpus / "innovations").glob("*.md")))
    metadata = work / "metadata.json"
    metadata.write_text(json.dumps({"databases": {"bench": {"tables": {"innovations": {
        "fts_table": "innovations_fts", "fts_pk": "rowid"}}}}}))
    port = free_port()
    cmd = [str(exe), "serve", "--immutable", str(db), "--port", str(port), "--metadata", str(metadata),
           "--setting", "sql_time_limit_ms", "10000", "--setting", "facet_time_limit_ms", "5000"]
    started = time.perf_counter()
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_answers(port, "/bench/innovations.json?_search=desa&_facet=sector&_size=10")
        startup = time.perf_counter() - started
        paths = datasette_paths(queries)
        latencies(port, datasette_paths(make_queries(20, seed=99)))
        lat = latencies(port, paths)
        rps = throughput(port, paths, clients, seconds)
        rss = peak_rss_mb(server.pid)
        anon, mapped = rss_parts_mb(server.pid)
    finally:
        stop(server)
    return {"serve_rss_private_mb": round(anon), "serve_rss_file_mb": round(mapped), "build_s": round(build_s, 2), "docs_per_s": round(n / build_s, 1), "build_peak_rss_mb": None,
            "index_mb": round(db.stat().st_size / 2**20, 1), "startup_s": round(startup, 2),
            "serve_peak_rss_mb": round(rss), "p50_ms": round(percentile(lat, 50), 1),
            "p95_ms": round(percentile(lat, 95), 1), "p99_ms": round(percentile(lat, 99), 1),
            "throughput_rps": round(rps, 1), "edit_searchable_s": None,
            "server": "datasette 0.65.1 (one process), FTS5 + 3 facets"}


# -- report ------------------------------------------------------------------------------------------
ROWS = [("build_s", "full build (s)"), ("docs_per_s", "build docs/s"), ("build_peak_rss_mb", "build peak RSS (MB)"),
        ("index_mb", "index size (MB)"), ("startup_s", "start-up to first search (s)"),
        ("loaded_s", "start-up until the sync child has checked all content (s)"),
        ("serve_peak_rss_mb", "server peak RSS (MB)"),
        ("serve_rss_private_mb", "server RSS after the run: private (MB)"),
        ("serve_rss_file_mb", "server RSS after the run: file-backed, e.g. the mmap'd index (MB)"),
        ("sync_peak_rss_mb", "sync child peak RSS (MB): reads content, re-indexes edits"), ("p50_ms", "search p50 (ms)"), ("p95_ms", "search p95 (ms)"),
        ("p99_ms", "search p99 (ms)"), ("throughput_rps", "throughput (req/s)"),
        ("edit_searchable_s", "edited file searchable (s)")]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def to_markdown(results: dict) -> str:
    lines = [f"Machine: {results['machine']}", f"Date: {results['date']}; {results['queries']} queries; "
             f"throughput with {results['clients']} clients for {results['seconds']} s", ""]
    for n, pair in results["sizes"].items():
        ours, ds = pair["ours"], pair.get("datasette")
        lines += [f"### {int(n):,} innovations", "", "| metric | ours | Datasette | ours / Datasette |",
                  "|---|---:|---:|---:|"]
        for key, label in ROWS:
            a, b = ours.get(key), (ds or {}).get(key)
            ratio = f"{a / b:.2f}" if isinstance(a, int | float) and isinstance(b, int | float) and b else "—"
            lines.append(f"| {label} | {a if a is not None else '—'} | {b if b is not None else '—'} | {ratio} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--full", action="store_true", help="add N = 100 000")
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--out", default="latest", help="results file name (bench/results/<out>.md/.json)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([100_000] if args.full else [])
    queries = make_queries(args.queries)
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "queries": len(queries),
               "clients": args.clients, "seconds": args.seconds, "sizes": {}}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"kb-bench-{n}-") as tmp:
            work = Path(tmp)
            corpus = work / "corpus"
            print(f"[{n}] generating corpus ...", file=sys.stderr)
            write_corpus(corpus, n)
            print(f"[{n}] measuring ours ...", file=sys.stderr)
            pair = {"ours": measure_ours(corpus, work, queries, args.clients, args.seconds)}
            if not args.no_datasette:
                print(f"[{n}] measuring Datasette ...", file=sys.stderr)
                pair["datasette"] = measure_datasette(corpus, work, queries, args.clients, args.seconds)
            results["sizes"][str(n)] = pair
            shutil.rmtree(work / "index", ignore_errors=True)
        print(to_markdown({**results, "sizes": {str(n): pair}}))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(results, indent=2))
    (RESULTS / f"{args.out}.md").write_text(to_markdown(results) + "\n")
    print(f"written {RESULTS / args.out}.md and .json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
