"""Fixtures: real Markdown files in a temp folder, a real index, the real app (Flask tutorial style)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kb.publish import PublishReport, publish
from kb.web import create_app

BODY = """## Latar Belakang

Banyak pekerja migran berangkat tanpa informasi yang benar.

## Inovasi

Layanan terpadu satu atap untuk informasi, pelatihan dan dokumen.

## Hasil dan Dampak

Layanan menjangkau desa kantong pekerja migran.

## Cara Replikasi

Siapkan ruang informasi, petugas konsultasi, dan kerja sama dengan instansi dokumen.
"""


def innovation_data(**overrides: Any) -> dict[str, Any]:
    """A valid innovation front matter; override or drop (value None) fields per test."""
    data: dict[str, Any] = {
        "title": "Layanan Pekerja Migran",
        "summary": "Layanan terpadu bagi calon pekerja migran Indonesia.",
        "agency": "Dinas Tenaga Kerja dan Transmigrasi Provinsi Jawa Timur",
        "region": "Provinsi Jawa Timur",
        "region_code": "35",
        "sectors": ["tenaga-kerja"],
        "year": 2018,
        "sources": [{"title": "Berita resmi", "url": "https://example.org/berita", "date": "2018-07-03"}],
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def write_file(path: Path, front_matter: dict[str, Any] | str, body: str = BODY) -> Path:
    """Write a content file; front matter as a dict (dumped as YAML) or as raw YAML text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fm = front_matter if isinstance(front_matter, str) else yaml.safe_dump(
        front_matter, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{fm}---\n{body}", encoding="utf-8")
    return path


def write_innovation(root: Path, slug: str, body: str = BODY, **overrides: Any) -> Path:
    return write_file(root / "innovations" / f"{slug}.md", innovation_data(**overrides), body)


def write_award(root: Path, slug: str, name: str, organizer: str = "Kementerian PANRB") -> Path:
    return write_file(root / "awards" / f"{slug}.md", {"name": name, "organizer": organizer},
                      "Program penghargaan inovasi.\n")


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A small real catalogue: two awards, an original, its replica and an unrelated innovation."""
    root = tmp_path / "content"
    write_award(root, "sinovik", "Kompetisi Inovasi Pelayanan Publik (KIPP)")
    write_award(root, "unpsa", "United Nations Public Service Awards", "United Nations")
    write_innovation(root, "simpadu-pmi", title="SIMPADU-PMI",
                     full_name="Sarana Informasi dan Pelayanan Terpadu Pekerja Migran Indonesia",
                     aliases=["simpadu"], tags=["pmi", "tki"], digital=True, stage="penerapan",
                     awards=[{"name": "sinovik", "year": 2018, "rank": "Top 99"},
                             {"name": "United Nations Public Service Awards", "year": 2019, "rank": "Peserta"}],
                     replications=[{"region": "Kabupaten Banyuwangi", "region_code": "35.10", "year": 2020,
                                    "proof": "pks", "innovation": "simpadu-banyuwangi"}])
    write_innovation(root, "simpadu-banyuwangi", title="SIMPADU Banyuwangi", region="Kabupaten Banyuwangi",
                     region_code="35.10", year=2020, replicated_from="simpadu-pmi",
                     agency="Dinas Tenaga Kerja Kabupaten Banyuwangi")
    write_innovation(root, "klinik-bumdesa", title="Klinik BUM Desa", sectors=["pemberdayaan-masyarakat-desa"],
                     summary="Pendampingan badan usaha milik desa dari hulu ke hilir.", year=2019,
                     agency="Dinas Pemberdayaan Masyarakat dan Desa Provinsi Jawa Timur")
    return root


def republish(app) -> PublishReport:  # noqa: ANN001
    """Publish the app's content folder now: what the sync owner does within a second of an edit."""
    return publish(app.config["CONTENT_DIR"], app.config["INDEX_DIR"])


def published_app(content: Path, index: Path):  # noqa: ANN201 - a Flask app
    """The real app on `content`, published into `index` first (close its generations when done)."""
    publish(content, index)
    return create_app({"CONTENT_DIR": str(content), "INDEX_DIR": str(index), "TESTING": True, "RELOAD_INTERVAL": 0})


@pytest.fixture
def app(content_dir: Path, tmp_path: Path):
    app = published_app(content_dir, tmp_path / "index")
    yield app
    app.extensions["kb.generations"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
