"""`run.py import`: a winners list (CSV) becomes draft files; rows it cannot place are reported, not guessed."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from kb.content import load_catalogue
from kb.content.importer import ImportFileError, import_winners

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def write_csv(tmp_path: Path, text: str, name: str = "pemenang.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def test_rows_become_drafts_with_only_what_the_row_says(tmp_path: Path, content: Path) -> None:
    csv_path = write_csv(tmp_path, "Judul;Daerah;Instansi;Peringkat;Sektor;Tautan\n"
                                   "Lapak Ikan Digital;Kab. Sragen;Dinas Perikanan;Top 99;Kelautan dan Perikanan;"
                                   "https://example.org/pengumuman\n", encoding="utf-8-sig")
    report = import_winners(csv_path, content, "sinovik", 2019)
    assert report.skipped == []
    assert report.written == [content / "innovations" / "_drafts" / "lapak-ikan-digital.md"]
    post = frontmatter.load(report.written[0])
    assert post["title"] == "Lapak Ikan Digital"
    assert post["region"] == "Kabupaten Sragen" and post["region_code"] == "33.14"
    assert post["agency"] == "Dinas Perikanan"
    assert post["sectors"] == ["kelautan-perikanan"]
    assert post["awards"] == [{"name": "sinovik", "year": 2019, "rank": "Top 99",
                               "url": "https://example.org/pengumuman"}]
    assert post["year"] == "TODO"  # the award year is not the start year: never guessed
    assert post["summary"].startswith("TODO")
    # The site ignores drafts: the catalogue is unchanged until the author completes and moves the file.
    assert "lapak-ikan-digital" not in load_catalogue(content).innovations


def test_a_completed_draft_still_holding_todos_is_refused_by_the_validator(tmp_path: Path, content: Path) -> None:
    csv_path = write_csv(tmp_path, "title,region\nLapak Ikan Digital,Kabupaten Sragen\n")
    draft = import_winners(csv_path, content, "sinovik", 2019).written[0]
    draft.rename(content / "innovations" / draft.name)
    catalogue = load_catalogue(content)
    assert "lapak-ikan-digital" not in catalogue.innovations
    fields = {issue.field for issue in catalogue.errors if "lapak-ikan-digital" in str(issue.path)}
    assert {"summary", "year", "agency", "sectors"} <= fields


def test_rows_that_cannot_be_placed_are_reported_with_their_line(tmp_path: Path, content: Path) -> None:
    csv_path = write_csv(tmp_path, "\n".join([
        "title,region,rank",
        "Sepasar Pedas,Kota Malang,Top 45",      # 2: already written up (same title, same region)
        "Layanan Baru,Malang,",                  # 3: ambiguous: Kabupaten or Kota Malang
        "Layanan Lain,Kabupaten Atlantis,",      # 4: unknown region
        ",Kota Malang,",                         # 5: no title
        "Layanan Baru,Kota Malang,Top 99",       # 6: fine
        "layanan baru,Kota Malang,",             # 7: the same row again
        "Eko-Tren,Provinsi Jawa Barat,",         # 8: same name as a Jawa Timur write-up: another slug
    ]) + "\n")
    report = import_winners(csv_path, content, "sinovik", 2020)
    reasons = {skip.line: skip.reason for skip in report.skipped}
    assert set(reasons) == {2, 3, 4, 5, 7}
    assert "innovations/sepasar-pedas.md" in reasons[2] and "name: sinovik, year: 2020" in reasons[2]
    assert "ambiguous" in reasons[3] and "35.07" in reasons[3] and "35.73" in reasons[3]
    assert "unknown region" in reasons[4]
    assert reasons[5] == "no title"
    assert "duplicate of line 6" in reasons[7]
    assert sorted(p.name for p in report.written) == ["eko-tren-jawa-barat.md", "layanan-baru.md"]
    assert (content / "innovations" / "eko-tren.md").exists()  # the published write-up is untouched


def test_existing_drafts_are_never_overwritten(tmp_path: Path, content: Path) -> None:
    csv_path = write_csv(tmp_path, "title,region\nLayanan Baru,Kota Malang\n")
    first = import_winners(csv_path, content, "sinovik", 2020).written[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nCatatan penulis.\n", encoding="utf-8")
    again = import_winners(csv_path, content, "sinovik", 2020)
    assert again.written == []
    assert "a draft already exists" in again.skipped[0].reason
    assert "Catatan penulis." in first.read_text(encoding="utf-8")


def test_row_text_cannot_inject_yaml(tmp_path: Path, content: Path) -> None:
    csv_path = write_csv(tmp_path, 'title,region,agency\n"Inovasi: ""x""\nyear: 1999",Kota Malang,"a\n---\nb"\n')
    draft = import_winners(csv_path, content, "sinovik", 2020).written[0]
    post = frontmatter.load(draft)
    assert post["title"] == 'Inovasi: "x"\nyear: 1999'
    assert post["year"] == "TODO" and post["agency"] == "a\n---\nb"


@pytest.mark.parametrize(("text", "message"), [
    ("nama_kolom,lain\nx,y\n", "no 'title' column"),
    ("", "empty"),
])
def test_unreadable_lists_are_refused_whole(tmp_path: Path, content: Path, text: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        import_winners(write_csv(tmp_path, text), content, "sinovik", 2020)
    assert not (content / "innovations" / "_drafts").exists()


def test_unknown_award_is_refused(tmp_path: Path, content: Path) -> None:
    with pytest.raises(ImportFileError, match="not an award file"):
        import_winners(write_csv(tmp_path, "title,region\nA,Kota Malang\n"), content, "nobel", 2020)


def test_cli_reports_and_exits_1_when_rows_were_skipped(tmp_path: Path, content: Path) -> None:
    csv_path = write_csv(tmp_path, "title,region\nLayanan Baru,Kota Malang\nX,Atlantis\n")
    run = subprocess.run([sys.executable, str(ROOT / "run.py"), "import", str(csv_path), "--award", "sinovik",
                          "--year", "2021", "--content-dir", str(content)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1
    assert "1 drafts written, 1 rows skipped" in run.stdout
    assert f"{csv_path}:3: X: unknown region" in run.stderr
    bad = subprocess.run([sys.executable, str(ROOT / "run.py"), "import", str(csv_path), "--award", "sinovik",
                          "--year", "1800", "--content-dir", str(content)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "1800" in bad.stderr
