"""A bounded load test on loopback: concurrent clients mixing search, innovation pages and API calls.

    python3 run.py loadtest                      # starts gunicorn (4 workers) on the bundled content
    python3 run.py loadtest --url http://127.0.0.1:8000 --clients 16 --seconds 30 --requests 20000

Stops after --seconds or --requests, whichever comes first. Prints throughput, latency percentiles and
errors (any non-2xx/3xx answer or connection failure); exits 1 if there was any error.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["pekerja migran", "BUMDes", "kemiskinan perempuan", "stunting", "umkm", "migrant workers",
           "pelayanan publik", "pekerja migrn", "klinik", "jawa timur", '"jalin matra"', "sampah", "112",
           "rumah tidak layak huni", "pendidikan", "AND(", "perizinan onlen", "ikan", "gresik", ""]
FILTERS = ["", "&sector=sosial", "&sector=tenaga-kerja&sector=kesehatan", "&award=sinovik", "&year=2020",
           "&province=35&sort=newest"]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.latencies)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def request_mix(slugs: list[str], rng: random.Random) -> str:
    """One request path: 50% search page, 20% innovation page, 20% API search, 10% other API."""
    roll = rng.random()
    q = urllib.parse.quote(rng.choice(QUERIES))
    if roll < 0.5:
        return f"/cari?q={q}{rng.choice(FILTERS)}"
    if roll < 0.7:
        return f"/inovasi/{rng.choice(slugs)}"
    if roll < 0.9:
        return f"/api/v1/search?q={q}{rng.choice(FILTERS)}"
    return rng.choice(["/api/v1/sectors", "/api/v1/awards", f"/api/v1/innovations/{rng.choice(slugs)}", "/"])


def run_load(base: str, clients: int, seconds: float, max_requests: int, seed: int = 1,
             stats: Stats | None = None, stop: threading.Event | None = None) -> dict:
    """Hammer `base` and return the figures (no printing).

    Clients stop after `seconds`, after `max_requests`, or when `stop` is set, whichever comes first. A
    caller that passes its own `stats` can watch progress while the load runs (a test waits for a number of
    answered requests instead of for a number of seconds)."""
    parsed = urllib.parse.urlsplit(base)
    slugs = [r["slug"] for r in _get_json(parsed, "/api/v1/innovations?per_page=100")["results"]]
    stats = stats if stats is not None else Stats()
    deadline = time.monotonic() + seconds
    budget = iter(range(max_requests))
    budget_lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        try:
            while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
                with budget_lock:
                    if next(budget, None) is None:
                        break
                path = request_mix(slugs, rng)
                started = time.perf_counter()
                error = None
                try:
                    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                    resp = conn.getresponse()
                    resp.read()
                    if resp.status >= 400 and not (resp.status == 400 and "AND(" in path):
                        error = f"{resp.status} {path}"
                except (OSError, http.client.HTTPException) as exc:
                    error = f"{type(exc).__name__} {path}"
                    conn.close()  # a fresh connection for the next request; this one may be half-read
                stats.add(time.perf_counter() - started, error)
        finally:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    lat = sorted(stats.latencies)

    def pct(p: float) -> float:
        return percentile(lat, p) * 1000

    return {"requests": len(lat), "seconds": round(elapsed, 2), "clients": clients,
            "throughput_rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(pct(50), 1), "p95_ms": round(pct(95), 1), "p99_ms": round(pct(99), 1),
            "errors": len(stats.errors), "error_samples": stats.errors[:5]}


def _get_json(parsed: urllib.parse.SplitResult, path: str) -> dict:
    with contextlib.closing(http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)) as conn:
        conn.request("GET", path)
        return json.loads(conn.getresponse().read())


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`; 0 when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(content_dir: Path, index_dir: Path, workers: int, port: int,
                   timeout: float = 120.0) -> subprocess.Popen:
    """gunicorn serving create_app() on loopback; returns once /healthz answers 200 (within `timeout`).
    The workers only read: the caller runs the sync owner (`start_sync`) or publishes itself."""
    env = dict(os.environ, KB_CONTENT_DIR=str(content_dir), KB_INDEX_DIR=str(index_dir))
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                             f"127.0.0.1:{port}", "--log-level", "warning", "kb.web:create_app()"],
                            cwd=ROOT, env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        # Every poll closes its connection, answered or not: a leaked socket is a ResourceWarning, which the
        # test suite turns into an error in whichever test happens to run when it is collected.
        with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=5)) as conn:
            try:
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    return proc
            except (OSError, http.client.HTTPException):
                pass
        time.sleep(0.2)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def start_sync(content_dir: Path, index_dir: Path) -> subprocess.Popen:
    """The one sync owner next to the workers, as a deployment runs it: `python3 run.py sync`."""
    env = dict(os.environ, KB_NO_VENV="1", KB_CONTENT_DIR=str(content_dir), KB_INDEX_DIR=str(index_dir))
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), "sync"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="test a running server instead of starting gunicorn")
    parser.add_argument("--content-dir", default=str(ROOT / "content"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.url
        try:
            if base is None:
                port = free_port()
                procs.append(start_sync(Path(args.content_dir), Path(tmp) / "index"))
                procs.append(start_gunicorn(Path(args.content_dir), Path(tmp) / "index", args.workers, port))
                base = f"http://127.0.0.1:{port}"
            figures = run_load(base, args.clients, args.seconds, args.requests)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
    figures["server"] = args.url or f"gunicorn, {args.workers} workers"
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['server']}: {figures['requests']} requests in {figures['seconds']} s with "
              f"{figures['clients']} clients -> {figures['throughput_rps']} req/s; p50 {figures['p50_ms']} ms, "
              f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms; errors {figures['errors']}")
        for sample in figures["error_samples"]:
            print("  error:", sample)
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
