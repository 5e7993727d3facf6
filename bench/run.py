"""Benchmark Lumbung Inovasi against Datasette over SQLite FTS5, on the same realistic corpus and queries.

    python3 run.py bench                          # N = 1 000 and 10 000
    python3 run.py bench --full                   # also N = 100 000
    python3 run.py bench --sizes 1000             # a quick run
    python3 run.py bench --repeat 2               # every measurement twice on the same corpus: median and range

For each N it writes a deterministic corpus of realistic write-ups (bench/corpus.py) into a temporary
folder, never content/, and measures both systems the way they are run: commands as subprocesses, every
answer through the HTTP JSON API. For ours:

- the full build, `python3 run.py index --rebuild` as its own process: write-ups/s, peak RSS, the number of
  index segments it leaves (one is the target);
- a site started on that index (`start_site`): time to the first answered search; search latency p50/p95/p99
  over 720 fixed queries from one client, in blocks of 24 sent to ours and then to Datasette (both
  servers up, so that load from elsewhere on the machine hits both alike), and for 20 words no write-up
  has; an author's edit (a word
  changed in one write-up's body and one in its title, and a new write-up added) timed until the search
  API returns all three, through the site's content watcher; then the RSS (peak, and private/file-backed
  now) of every process of the site: web worker(s), gunicorn master, sync process;
- the same edit through `python3 run.py index` on a site that does not follow the content folder (process
  start, content load and indexing included);
- throughput with 8 concurrent clients on two workers.

For Datasette: the build into SQLite FTS5, start-up, the latencies above, throughput, and RSS. Prints
side-by-side tables and the targets met or missed, and writes bench/results/<out>.md and .json.
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import Edit, describe, edit_corpus, make_queries, write_corpus  # noqa: E402
from kb.content import load_catalogue  # noqa: E402
from kb.content.document import read_document  # noqa: E402
from kb.content.render import index_text  # noqa: E402
from tools.loadtest import free_port, percentile  # noqa: E402

DATASETTE_VENV = ROOT / "bench" / ".venv-datasette"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
RUN_PY = str(ROOT / "run.py")
EDITS = 3  # edits timed per path; the median is reported


# -- starting the site: the one place to change when the way the site is run changes --------------------
@dataclass
class Site:
    """A running site: the processes we started; their children are found through /proc."""

    port: int
    started: list[subprocess.Popen]
    launched_at: float  # time.time() when the first process was started

    def processes(self) -> list[tuple[str, int]]:
        """(role, pid) of every live process of the site: "sync", "web master", "web worker" or "web"."""
        out = []
        for root in self.started:
            tree = [root.pid] + descendants(root.pid)
            for pid in tree:
                args = cmdline(pid)
                if not args:
                    continue
                if any(a.endswith("run.py") for a in args) and "sync" in args:
                    role = "sync"
                elif pid == root.pid:
                    role = "web master" if any("gunicorn" in a for a in args) else "web"
                else:
                    role = "web worker"
                out.append((role, pid))
        return out

    def stop(self) -> None:
        tree = [(pid, cmdline(pid)) for _, pid in self.processes()]
        for proc in self.started:
            proc.send_signal(signal.SIGTERM)
        for proc in self.started:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pid, args in tree:  # a child that outlived its parent (it would exit within a second anyway)
            if cmdline(pid) != args:
                continue  # gone (or the number now belongs to another process)
            try:
                os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass


def start_site(env: dict[str, str], log: Path, workers: int = 1, follow: bool = True,
               server: str = "gunicorn") -> Site:
    """Start the site on an existing index as an operator does (docs/operations.md).

    gunicorn serving `kb.web:create_app()` (workers only read) beside `python3 run.py sync`, the one sync
    owner; with `follow` False there is no sync owner, and only `python3 run.py index` changes the index.
    `server="serve"` runs `python3 run.py serve` instead (Flask's server with the sync owner in a thread;
    with `follow` False, KB_RELOAD_INTERVAL=0: it publishes once at start and never watches).
    """
    port = free_port()
    env = dict(env, KB_RELOAD_INTERVAL="1.0" if follow else "0")
    launched_at = time.time()
    commands = []
    if server == "serve":
        commands.append([PY, RUN_PY, "serve", "--port", str(port)])
    else:
        if follow:
            commands.append([PY, RUN_PY, "sync"])
        commands.append([PY, "-m", "gunicorn", "--workers", str(workers), "--timeout", "600", "--bind",
                         f"127.0.0.1:{port}", "--log-level", "warning", "kb.web:create_app()"])
    started = []
    with open(log, "ab") as sink:  # the site's own messages, for when a run fails
        for cmd in commands:
            started.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=sink, stderr=sink))
    return Site(port, started, launched_at)


# -- processes and memory ------------------------------------------------------------------------------
def descendants(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        try:
            kids = [int(c) for c in Path(f"/proc/{stack.pop()}/task").glob("*/children")
                    for c in c.read_text().split()]
        except OSError:
            continue
        out += kids
        stack += kids
    return out


def cmdline(pid: int) -> list[str]:
    try:
        return [a.decode() for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        return []


def memory(pid: int) -> dict[str, float] | None:
    """Peak resident set (VmHWM), and resident now split into private (anonymous) and file-backed (e.g.
    the memory-mapped index, shared between processes), in MB."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    values = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in lines
              if line.startswith(("VmHWM:", "RssAnon:", "RssFile:"))}
    return {"peak": round(values.get("VmHWM", 0)), "private": round(values.get("RssAnon", 0)),
            "file": round(values.get("RssFile", 0))}


def site_memory(site: Site) -> dict[str, dict[str, float]]:
    """Per role, the largest of its processes (a role may have several: gunicorn workers)."""
    out: dict[str, dict[str, float]] = {}
    for role, pid in site.processes():
        mem = memory(pid)
        if mem is None:
            continue
        key = role.replace(" ", "_")
        if key not in out or mem["peak"] > out[key]["peak"]:
            out[key] = mem
    return out


# Starts a command from a small process and reports its wall time and peak RSS. Linux counts a process's
# peak RSS from before its exec, i.e. from the process it was forked from: measured directly, a command
# started by this harness once it held a 100 000-document catalogue (for SQLite) was "1.16 GB" whatever it
# did. Forked from this launcher, it starts from a few MB.
_LAUNCHER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss]))
"""


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command to completion: (wall seconds, its peak RSS in MB), measured as it would be on its own
    (see `_LAUNCHER`)."""
    found = subprocess.run([PY, "-c", _LAUNCHER, *cmd], env=env, cwd=ROOT, stdout=subprocess.PIPE, check=True)
    code, seconds, peak_kb = json.loads(found.stdout)
    if code != 0:
        raise RuntimeError(f"{cmd} exited with {code}")
    return seconds, peak_kb / 1024


# -- HTTP ----------------------------------------------------------------------------------------------
def get(port: int, path: str, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_until_answers(port: int, path: str, deadline_s: float = 600) -> None:
    limit = time.perf_counter() + deadline_s
    while time.perf_counter() < limit:
        try:
            if get(port, path, timeout=30)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"no answer on {path}")


def wait_until_content_checked(port: int, since: float, deadline_s: float = 1800) -> None:
    """Until /healthz says the sync process finished reading the content after `since` (time.time())."""
    limit = time.perf_counter() + deadline_s
    while time.perf_counter() < limit:
        try:
            status, body = get(port, "/healthz", timeout=30)
            stamp = json.loads(body).get("content_checked_at") if status == 200 else None
            if stamp and datetime.datetime.fromisoformat(stamp).timestamp() >= since:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError("the content was never checked")


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


def returns(port: int, word: str, slug: str, in_title: bool) -> bool:
    """Whether a search for `word` returns write-up `slug` (and, for a title word, with it in its title)."""
    status, body = get(port, "/api/v1/search?" + urllib.parse.urlencode({"q": word, "per_page": 10}))
    if status != 200:
        return False
    hits = [r for r in json.loads(body)["results"] if r["slug"] == slug]
    return bool(hits) and (not in_title or word in hits[0]["title"].lower())


@dataclass
class EditTiming:
    all_s: float  # until the search API has returned all three changes
    first_s: float  # until it returned the first of them
    probe_ms: float  # median duration of a search that did not find its word yet
    extra: object = None  # what `apply` returned


def time_edit(corpus: Path, port: int, attempt: int, apply: Callable[[], object] | None = None,
              deadline_s: float = 900) -> EditTiming:
    """Make the edit (then `apply()`, e.g. run the indexer) and search for its words in turn (one search
    at a time, every 20 ms) until each has been returned once. Each figure ends when the answer that
    returned the word arrived: a search for a word the index does not know yet is not free (see probe_ms)."""
    started = time.perf_counter()
    edit = edit_corpus(corpus, attempt)
    extra = apply() if apply else None
    found: dict[str, float] = {}
    probes: list[float] = []
    while len(found) < len(edit.expect):
        for word, (slug, in_title) in edit.expect.items():
            if word in found:
                continue
            asked = time.perf_counter()
            if returns(port, word, slug, in_title):
                found[word] = time.perf_counter() - started
            else:
                probes.append((time.perf_counter() - asked) * 1000)
        if time.perf_counter() - started > deadline_s:
            raise RuntimeError(f"edit {attempt} not searchable after {deadline_s} s")
        time.sleep(0.02)
    return EditTiming(round(max(found.values()), 2), round(min(found.values()), 2),
                      round(statistics.median(probes), 1) if probes else 0.0, extra)


def unknown_words(n: int = 20, seed: int = 5) -> list[str]:
    """Words in no write-up (the generator never writes "zx"): a search that finds nothing."""
    rng = random.Random(seed)
    return ["zx" + "".join(rng.choice("bcdfgklmnprstw") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
            for _ in range(n)]


# -- ours ------------------------------------------------------------------------------------------------
def our_paths(queries: list[dict]) -> list[str]:
    return ["/api/v1/search?" + urllib.parse.urlencode([("q", q["q"]), ("per_page", "10")] + list(q["filters"].items()))
            for q in queries]


def segment_count(index_dir: Path) -> int:
    """Segments in the live index generation (Whoosh's table of contents)."""
    from whoosh import index as whoosh_index

    from kb.search.store import current_generation

    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    try:
        return len(ix._segments())
    finally:
        ix.close()


def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def measure(corpus: Path, work: Path, queries: list[dict], args: argparse.Namespace) -> dict:
    """Ours, and Datasette unless --no-datasette. Latencies are measured with both servers up, blocks of
    queries sent to one then the other, so that load from elsewhere on the machine hits both alike."""
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    env = dict(os.environ, KB_NO_VENV="1", KB_CONTENT_DIR=str(corpus), KB_INDEX_DIR=str(index_dir))
    n = sum(1 for _ in (corpus / "innovations").glob("*.md"))
    out: dict = {}
    ds: dict | None = None if args.no_datasette else {}

    print("  full builds ...", file=sys.stderr)
    build_s, build_rss = run_measured([PY, RUN_PY, "index", "--rebuild"], env)
    out.update(build_s=round(build_s, 2), docs_per_s=round(n / build_s, 1), build_peak_rss_mb=round(build_rss),
               segments=segment_count(index_dir), index_mb=dir_mb(index_dir))
    if ds is not None:
        db = work / "bench.db"
        seconds = build_sqlite(corpus, db)
        ds.update(build_s=round(seconds, 2), docs_per_s=round(n / seconds, 1), index_mb=round(db.stat().st_size / 2**20, 1))

    print("  site following the content: start-up, latency, edits ...", file=sys.stderr)
    site = start_site(env, work / "site.log", workers=1, follow=True, server=args.server)
    try:
        wait_until_answers(site.port, "/api/v1/search?q=desa")
        out["startup_s"] = round(time.time() - site.launched_at, 2)
        wait_until_content_checked(site.port, site.launched_at)
        out["content_checked_s"] = round(time.time() - site.launched_at, 2)
        servers = [(site.port, our_paths)]
        datasette = None
        if ds is not None:
            datasette, port, ds["startup_s"] = start_datasette(work / "bench.db", work)
            servers.append((port, datasette_paths))
        try:
            paired_latencies([(port, paths(make_queries(20, seed=99))) for port, paths in servers], 1)  # warm-up
            timed = paired_latencies([(port, paths(queries)) for port, paths in servers], args.passes)
            nothing = paired_latencies([(port, paths([{"q": w, "filters": {}} for w in unknown_words()]))
                                        for port, paths in servers], 1)
            for result, lat, none in zip([out, ds], timed, nothing):
                result.update(p50_ms=round(percentile(lat, 50), 1), p95_ms=round(percentile(lat, 95), 1),
                              p99_ms=round(percentile(lat, 99), 1), nothing_p50_ms=round(percentile(none, 50), 1))
            if datasette is not None:
                ds["memory"] = {"web": memory(datasette.pid)}
        finally:
            if datasette is not None:
                stop_process(datasette)
        watch = []
        for attempt in range(EDITS):
            watch.append(time_edit(corpus, site.port, attempt))
            time.sleep(1)  # let the sync process finish writing the records before the next edit
        out["edit_watch_s"] = statistics.median(t.all_s for t in watch)
        out["edit_watch_first_s"] = statistics.median(t.first_s for t in watch)
        out["edit_watch_all_s"] = [t.all_s for t in watch]
        out["edit_probe_ms"] = statistics.median(t.probe_ms for t in watch)
        out["memory"] = site_memory(site)
    finally:
        site.stop()
    out["segments_after_edits"] = segment_count(index_dir)

    print("  edits through `run.py index` ...", file=sys.stderr)
    site = start_site(env, work / "site.log", workers=1, follow=False, server=args.server)
    try:
        wait_until_answers(site.port, "/api/v1/search?q=desa")
        if args.server == "serve":  # serve publishes once at start; gunicorn alone has no sync owner here
            wait_until_content_checked(site.port, site.launched_at)
        via_index = [time_edit(corpus, site.port, attempt, apply=lambda: run_measured([PY, RUN_PY, "index"], env))
                     for attempt in range(EDITS, 2 * EDITS)]
        out["edit_index_s"] = statistics.median(t.all_s for t in via_index)
        out["edit_index_all_s"] = [t.all_s for t in via_index]
        out["index_process_s"] = round(statistics.median(t.extra[0] for t in via_index), 2)
        out["index_edit_peak_rss_mb"] = round(max(t.extra[1] for t in via_index))
    finally:
        site.stop()

    if args.seconds > 0:
        print("  throughput ...", file=sys.stderr)
        site = start_site(env, work / "site.log", workers=2, follow=True, server=args.server)
        try:
            wait_until_answers(site.port, "/api/v1/search?q=desa")
            wait_until_content_checked(site.port, site.launched_at)  # not while the sync process reads every file
            out["throughput_rps"] = round(throughput(site.port, our_paths(queries), args.clients, args.seconds), 1)
        finally:
            site.stop()
        if ds is not None:
            datasette, port, _ = start_datasette(work / "bench.db", work)
            try:
                ds["throughput_rps"] = round(throughput(port, datasette_paths(queries), args.clients, args.seconds), 1)
            finally:
                stop_process(datasette)
    return {"ours": out, **({"datasette": ds} if ds is not None else {})}


def paired_latencies(servers: list[tuple[int, list[str]]], passes: int, block: int = 24) -> list[list[float]]:
    """Milliseconds per request for each server, one request at a time: the queries go in blocks of
    `block`, each block to every server in turn (`passes` times over the list). Blocks, not single
    queries, so that each server runs with its CPU caches warm, as it would alone."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=120) for port, _ in servers]
    out: list[list[float]] = [[] for _ in servers]
    try:
        for _ in range(passes):
            for first in range(0, len(servers[0][1]), block):
                for k, (conn, (_, paths)) in enumerate(zip(conns, servers)):
                    for path in paths[first:first + block]:
                        started = time.perf_counter()
                        conn.request("GET", path)
                        resp = conn.getresponse()
                        resp.read()
                        if resp.status != 200:
                            raise RuntimeError(f"{resp.status} on {path}")
                        out[k].append((time.perf_counter() - started) * 1000)
    finally:
        for conn in conns:
            conn.close()
    return out


def stop_process(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- Datasette -------------------------------------------------------------------------------------------
def ensure_datasette() -> Path:
    exe = DATASETTE_VENV / "bin" / "datasette"
    if not exe.exists():
        print("installing Datasette into bench/.venv-datasette ...", file=sys.stderr)
        subprocess.check_call(["python3", "-m", "venv", str(DATASETTE_VENV)])
        subprocess.check_call([str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", "-r",
                               str(ROOT / "bench" / "requirements-datasette.txt")])
    return exe


def datasette_paths(queries: list[dict]) -> list[str]:
    out = []
    for q in queries:
        params = [("_search", q["q"]), ("_size", "10"), ("_facet", "sector"), ("_facet", "region"),
                  ("_facet", "year"), ("_shape", "objects")] + list(q["filters"].items())
        out.append("/bench/innovations.json?" + urllib.parse.urlencode(params))
    return out


def build_sqlite(corpus: Path, db: Path) -> float:
    """The same documents in SQLite with an FTS5 index on title, summary and body (as sqlite-utils would)."""
    started = time.perf_counter()
    catalogue = load_catalogue(corpus)
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE innovations (slug TEXT PRIMARY KEY, title TEXT, summary TEXT, body TEXT, "
                 "sector TEXT, region TEXT, province TEXT, year INTEGER)")
    conn.executemany("INSERT INTO innovations VALUES (?,?,?,?,?,?,?,?)", [
        (i.slug, i.title, i.summary, index_text(read_document(i.path, i.slug).body), i.sectors[0], i.region_code or "", i.province_code or "",
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


def start_datasette(db: Path, work: Path) -> tuple[subprocess.Popen, int, float]:
    """Datasette serving the database read-only: (process, port, seconds until its first answered search)."""
    exe = ensure_datasette()
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
    except BaseException:
        stop_process(server)
        raise
    return server, port, round(time.perf_counter() - started, 2)


# -- report ----------------------------------------------------------------------------------------------
ROWS = [
    ("build_s", "full build, `run.py index --rebuild` (s)"), ("docs_per_s", "full build: write-ups/s"),
    ("build_peak_rss_mb", "full build: peak RSS (MB)"), ("segments", "index segments after the full build"),
    ("index_mb", "index size incl. records file (MB)"), ("startup_s", "start-up to the first answered search (s)"),
    ("content_checked_s", "start-up until the sync process has read all content (s)"),
    ("p50_ms", "search p50 (ms)"), ("p95_ms", "search p95 (ms)"), ("p99_ms", "search p99 (ms)"),
    ("nothing_p50_ms", "search for a word in no write-up, p50 of 20 (ms)"),
    ("throughput_rps", "throughput, 8 clients, 2 workers (req/s)"),
    ("edit_watch_s", "edit searchable via the content watcher: all three changes (s, median of 3)"),
    ("edit_watch_first_s", "edit searchable via the content watcher: the first change (s, median of 3)"),
    ("edit_probe_ms", "a search for an edited word before it is indexed (ms, median)"),
    ("edit_index_s", "edit searchable via `run.py index`: all three changes (s, median of 3)"),
    ("index_process_s", "`run.py index` after an edit: its run time (s)"),
    ("index_edit_peak_rss_mb", "`run.py index` after an edit: peak RSS (MB)"),
    ("segments_after_edits", "index segments after the 3 watcher edits"),
    ("memory.web_worker.peak", "web worker: peak RSS (MB)"),
    ("memory.web_worker.private", "web worker after the run: private RSS (MB)"),
    ("memory.web_worker.file", "web worker after the run: file-backed RSS (MB)"),
    ("memory.web.peak", "web process (serve / Datasette): peak RSS (MB)"),
    ("memory.web.private", "web process after the run: private RSS (MB)"),
    ("memory.web.file", "web process after the run: file-backed RSS (MB)"),
    ("memory.web_master.peak", "gunicorn master: peak RSS (MB)"),
    ("memory.sync.peak", "sync process: peak RSS (MB)"),
    ("memory.sync.private", "sync process after the run: private RSS (MB)"),
    ("memory.sync.file", "sync process after the run: file-backed RSS (MB)"),
]
# (size, metric, limit, "max" or "min", label): the targets of docs/performance.md.
TARGETS = [
    (10_000, "p50_ratio", 0.5, "max", "search p50 <= 0.5 x Datasette"),
    (10_000, "p95_ratio", 0.6, "max", "search p95 <= 0.6 x Datasette"),
    (10_000, "docs_per_s", 300, "min", "full build >= 300 write-ups/s"),
    (10_000, "segments", 1, "max", "one segment after the full build"),
    (10_000, "edit_watch_s", 1.0, "max", "an edit searchable in < 1 s"),
    (10_000, "startup_s", 2.0, "max", "start-up with an existing index < 2 s"),
    (10_000, "max_rss_mb", 300, "max", "peak RSS of every site process < 300 MB"),
    (100_000, "build_s", 600, "max", "full build < 10 min"),
    (100_000, "p95_ms", 150, "max", "search p95 < 150 ms"),
    (100_000, "max_rss_mb", 1024, "max", "peak RSS of every site process < 1 GB"),
]


def lookup(result: dict, key: str) -> object:
    value: object = result
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def derived(ours: dict, ds: dict | None) -> dict:
    out = {"max_rss_mb": max((m["peak"] for m in ours.get("memory", {}).values()), default=None)}
    if ds:
        out["p50_ratio"] = round(ours["p50_ms"] / ds["p50_ms"], 2) if ds.get("p50_ms") else None
        out["p95_ratio"] = round(ours["p95_ms"] / ds["p95_ms"], 2) if ds.get("p95_ms") else None
    return out


def combine(runs: list[dict]) -> dict:
    """The median of every number over repeated runs, with its range under "range"."""
    def walk(values: list) -> object:
        first = values[0]
        if isinstance(first, list):
            return [x for v in values if isinstance(v, list) for x in v]
        if isinstance(first, dict):
            return {k: walk([v.get(k) for v in values if isinstance(v, dict)]) for k in first}
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numbers) == len(values) and numbers:
            middle = statistics.median(numbers)
            whole = all(isinstance(v, int) for v in numbers) and float(middle).is_integer()
            return int(middle) if whole else round(middle, 2)
        return first
    merged = walk(runs)
    if len(runs) > 1:
        merged["range"] = {key: [lookup(r, key) for r in runs] for key, _ in ROWS + [("p50_ratio", ""), ("p95_ratio", "")]
                           if all(isinstance(lookup(r, key), int | float) for r in runs)}
    return merged


def summarize(runs: list[dict]) -> dict:
    """Medians over the runs of one size: ours (with the derived figures), Datasette, derived."""
    out = {"ours": combine([{**r["ours"], **r["derived"]} for r in runs])}
    if all("datasette" in r for r in runs):
        out["datasette"] = combine([r["datasette"] for r in runs])
    out["derived"] = {k: out["ours"].get(k) for k in runs[0]["derived"]}
    return out


def fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 10:
        value = int(value)  # a median of whole numbers (MB, segments)
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 10 else f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def cell(result: dict | None, key: str) -> str:
    if not result:
        return "—"
    value = lookup(result, key)
    spread = result.get("range", {}).get(key)
    if spread and min(spread) != max(spread):
        return f"{fmt(value)} ({fmt(min(spread))}–{fmt(max(spread))})"
    return fmt(value)


def to_markdown(results: dict) -> str:
    lines = [f"Machine: {results['machine']}",
             f"Date: {results['date']}; server: {results['server']}; {results['queries']} queries x "
             f"{results.get('passes', 1)} passes, in blocks of 24 to ours then Datasette; throughput with "
             f"{results['clients']} clients for {results['seconds']} s; runs per size: {results['repeat']}"
             + ("; figures are medians (range in brackets)" if results["repeat"] > 1 else ""), ""]
    for n, entry in results["sizes"].items():
        ours, ds, corpus = entry["ours"], entry.get("datasette"), entry["corpus"]
        words = corpus["body_words"]
        lines += [f"### {int(n):,} write-ups", "",
                  f"Corpus: {corpus['write_ups']:,} write-ups, {corpus['mb']} MB; body words min {words['min']}, "
                  f"median {words['median']}, p90 {words['p90']}, max {words['max']}; "
                  f"{corpus['distinct_body_words']:,} distinct words in the bodies.", "",
                  "| metric | ours | Datasette | ours / Datasette |", "|---|---:|---:|---:|"]
        for key, label in ROWS:
            a, b = lookup(ours, key), lookup(ds, key) if ds else None
            if a is None and b is None:
                continue
            ratio = f"{a / b:.2f}" if isinstance(a, int | float) and isinstance(b, int | float) and b else "—"
            lines.append(f"| {label} | {cell(ours, key)} | {cell(ds, key)} | {ratio} |")
        lines.append(f"\nEdits one by one: via the watcher {ours.get('edit_watch_all_s')} s, via `run.py index` "
                     f"{ours.get('edit_index_all_s')} s.")
        met = [(label, metric, limit, kind) for size, metric, limit, kind, label in TARGETS if size == int(n)]
        if met:
            lines += ["", "| target | measured | met |", "|---|---:|---|"]
            for label, metric, limit, kind in met:
                value = entry["derived"].get(metric, lookup(ours, metric))
                ok = None if value is None else (value <= limit if kind == "max" else value >= limit)
                lines.append(f"| {label} | {fmt(value)} | {'—' if ok is None else 'yes' if ok else '**no**'} |")
        lines.append("")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--full", action="store_true", help="add N = 100 000")
    parser.add_argument("--repeat", type=int, default=1, help="measure each size this many times (same corpus)")
    parser.add_argument("--server", choices=("gunicorn", "serve"), default="gunicorn",
                        help="how the site runs: gunicorn (production) or `python3 run.py serve`")
    parser.add_argument("--queries", type=int, default=720)
    parser.add_argument("--passes", type=int, default=1, help="times the query list is sent (repeats hit warm caches)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput duration (0: skip)")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--out", default="latest", help="results file name (bench/results/<out>.md/.json)")
    parser.add_argument("--render", metavar="JSON", help="only write the Markdown of an earlier results file")
    args = parser.parse_args(argv)
    if args.render:
        source = Path(args.render)
        results = json.loads(source.read_text())
        for entry in results["sizes"].values():
            entry.update(summarize(entry["runs"]))
        source.write_text(json.dumps(results, indent=1))
        source.with_suffix(".md").write_text(to_markdown(results) + "\n")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([100_000] if args.full else [])
    queries = make_queries(args.queries)
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "server": args.server,
               "queries": len(queries), "passes": args.passes, "clients": args.clients, "seconds": args.seconds, "repeat": args.repeat,
               "git": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                     text=True).stdout.strip(), "sizes": {}}
    RESULTS.mkdir(exist_ok=True)
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"kb-bench-{n}-") as tmp:
            work = Path(tmp)
            runs = []
            corpus_info = None
            for run in range(args.repeat):
                corpus = work / "corpus"
                shutil.rmtree(corpus, ignore_errors=True)  # the edits of an earlier run are undone
                print(f"[{n}] run {run + 1}/{args.repeat}: writing the corpus ...", file=sys.stderr)
                write_corpus(corpus, n)
                corpus_info = corpus_info or describe(corpus)
                print(f"[{n}] measuring ...", file=sys.stderr)
                pair = measure(corpus, work, queries, args)
                pair["derived"] = derived(pair["ours"], pair.get("datasette"))
                runs.append(pair)
            entry = {"corpus": corpus_info, "runs": runs, **summarize(runs)}
            results["sizes"][str(n)] = entry
        print(to_markdown({**results, "sizes": {str(n): entry}}))
        (RESULTS / f"{args.out}.json").write_text(json.dumps(results, indent=1))  # after every size: kept if later ones fail
        (RESULTS / f"{args.out}.md").write_text(to_markdown(results) + "\n")
    print(f"written {RESULTS / args.out}.md and .json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
