"""Shared by the authoring tests: a content repository of its own (a real git repo in a temp folder), the
real app on it with accounts in a temp data folder, and signing in through the real form."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kb.authoring.replica import init_repo
from kb.publish import publish
from kb.web import create_app

PASSWORD = "kata-sandi-uji-123"
AUTHOR = "ani@example.org"
REVIEWER = "budi@example.org"
ADMIN = "citra@example.org"
USERS = [(AUTHOR, "Ani Penulis", "author"), (REVIEWER, "Budi Peninjau", "reviewer"),
         (ADMIN, "Citra Admin", "admin")]
BODY = ("## Latar Belakang\n\nWarga antre lama untuk layanan dokumen.\n\n## Inovasi\n\nLayanan keliling desa.\n\n"
        "## Hasil dan Dampak\n\nWaktu tunggu turun.\n\n## Cara Replikasi\n\nSiapkan mobil layanan dan petugas.\n")


def make_repo(tmp_path: Path, source: Path) -> Path:
    """A content repository of its own holding a copy of `source` (what `init-repo` makes)."""
    target = tmp_path / "repo"
    init_repo(target, source)
    return target


def make_app(content: Path, tmp_path: Path, **config: Any):  # noqa: ANN201
    index = tmp_path / "index"
    publish(content, index)
    return create_app({"CONTENT_DIR": str(content), "INDEX_DIR": str(index), "DATA_DIR": str(tmp_path / "data"),
                       "TESTING": True, "RELOAD_INTERVAL": 0, **config})


def add_users(app) -> dict[str, Any]:  # noqa: ANN001
    accounts = app.extensions["kb.authoring"].accounts
    return {email: accounts.add(email, name, role, PASSWORD) for email, name, role in USERS}


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client, email: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    token = csrf_token(client.get("/masuk").get_data(as_text=True))
    return client.post("/masuk", data={"email": email, "password": password, "csrf_token": token})


def form_data(client, url: str, **fields: Any) -> dict[str, Any]:  # noqa: ANN001
    """A valid new write-up as the form sends it, with the CSRF token of `url`'s page."""
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
        "title": "Layanan Dokumen Keliling", "summary": "Petugas mendatangi desa untuk layanan dokumen.",
        "agency": "Dinas Kependudukan Kabupaten Banyuwangi", "region": "Kabupaten Banyuwangi",
        "sectors": ["administrasi-kependudukan"], "year": "2021",
        "sources[1].title": "Berita resmi", "sources[1].url": "https://example.org/berita", "body": BODY,
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def git(repo: Path, *args: str) -> str:
    """The git command line, as a person checking the repository would use it (tests only)."""
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(content_dir: Path, tmp_path: Path) -> Path:
    return make_repo(tmp_path, content_dir)


@pytest.fixture
def site(repo: Path, tmp_path: Path):  # noqa: ANN201
    app = make_app(repo, tmp_path)
    add_users(app)
    yield app
    app.extensions["kb.generations"].close()
