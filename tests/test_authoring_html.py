"""The authoring pages through the Nu HTML Checker, like the main pages (tests/test_html_validity.py):
sign-in (writable and read-only), the form (new, with problems, a change proposal), review queue and page,
history, accounts, sign-out; in both languages; no errors allowed."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.authoring_support import ADMIN, AUTHOR, REVIEWER, csrf_token, form_data, make_app, repo, sign_in, site  # noqa: F401
from tests.conftest import republish
from tests.test_html_validity import JAVA, VNU  # skips the module without Java, as there


def test_authoring_pages_are_valid_html(site, content_dir, tmp_path):
    author, reviewer, admin = site.test_client(), site.test_client(), site.test_client()
    sign_in(author, AUTHOR)
    sign_in(reviewer, REVIEWER)
    sign_in(admin, ADMIN)
    created = author.post("/tulis", data=form_data(author, "/tulis", year="abc", **{"sources[2].title": "Kedua"}))
    draft_id = re.search(r"/tulis/([0-9a-f]{12})", created.headers["Location"]).group(1)
    author.post(f"/tulis/{draft_id}", data=form_data(author, f"/tulis/{draft_id}", revision="1", action="submit"))
    token = csrf_token(reviewer.get(f"/tinjau/{draft_id}").get_data(as_text=True))
    reviewer.post(f"/tinjau/{draft_id}", data={"action": "comment", "comment": "Baik.", "csrf_token": token})
    other = author.post("/tulis", data=form_data(author, "/tulis", slug="kedua", year="abc"))
    other_id = re.search(r"/tulis/([0-9a-f]{12})", other.headers["Location"]).group(1)
    pages = [(author, "/tulis"), (author, f"/tulis/{draft_id}"), (author, f"/tulis/{other_id}"),
             (author, "/tulis?slug=klinik-bumdesa"), (author, f"/tulis/{draft_id}/pratinjau"), (author, "/keluar"),
             (reviewer, "/tinjau"), (reviewer, f"/tinjau/{draft_id}"), (admin, "/akun"),
             (site.test_client(), "/masuk")]
    readonly = make_app(content_dir, tmp_path / "ro")
    pages.append((readonly.test_client(), "/masuk"))
    reviewer.post(f"/tinjau/{draft_id}", data={"action": "publish", "csrf_token": token})
    republish(site)
    pages.append((site.test_client(), "/inovasi/layanan-dokumen-keliling/riwayat"))
    files: dict[str, str] = {}
    for lang in ("id", "en"):
        for n, (client, path) in enumerate(pages):
            url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
            response = client.get(url)
            assert response.status_code in (200, 503) and response.mimetype == "text/html", url
            target = tmp_path / f"{lang}-{n}.html"
            target.write_bytes(response.get_data())
            files[target.name] = url
    readonly.extensions["kb.generations"].close()
    run = subprocess.run([JAVA, "-jar", str(VNU), "--errors-only", "--format", "json",
                          *map(str, sorted(tmp_path.glob("*.html")))],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [(files.get(Path(unquote(urlparse(m.get("url", "")).path)).name), m.get("lastLine"), m["message"])
              for m in messages if m.get("type") == "error"]
    assert errors == [], "\n".join(map(str, errors))
    assert len(files) == 2 * len(pages)
