"""The click commands, run through the same group `run.py` uses, on temp folders."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kb.cli import cli
from kb.content import load_catalogue
from tests.conftest import write_innovation

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_passes_on_good_content(content_dir):
    result = run("check", "--content-dir", str(content_dir))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "5 files checked: 3 innovations and 2 awards loaded, 0 errors, 0 warnings")


def test_check_names_each_problem_and_exits_1(content_dir):
    (content_dir / "innovations" / "rusak.md").write_text("---\ntitle: x\nyear: 3000\n---\n", encoding="utf-8")
    result = run("check", "--content-dir", str(content_dir))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert f"{content_dir}/innovations/rusak.md:3: year: 3000 is out of range" in result.output
    assert all(re.match(r"^\S+:\d+: \S+: ", line) for line in lines[:-1])
    assert lines[-1].endswith("3 innovations and 2 awards loaded, 5 errors, 0 warnings")


def test_check_strict_fails_on_warnings(content_dir):
    write_innovation(content_dir, "tanpa-sumber", sources=None)
    assert run("check", "--content-dir", str(content_dir)).exit_code == 0
    strict = run("check", "--strict", "--content-dir", str(content_dir))
    assert strict.exit_code == 1 and "no sources listed" in strict.output


def test_new_writes_a_template_that_only_lacks_its_placeholders(tmp_path):
    content = tmp_path / "content"
    result = run("new", "Klinik Sehat Desa", "--region", "Kab. Banyuwangi", "--content-dir", str(content))
    assert result.exit_code == 0, result.output
    path = content / "innovations" / "klinik-sehat-desa.md"
    text = path.read_text(encoding="utf-8")
    assert 'region: "Kabupaten Banyuwangi"' in text and 'region_code: "35.10"' in text
    cat = load_catalogue(content)
    assert cat.errors and all("placeholder" in i.message for i in cat.errors), [str(i) for i in cat.issues]
    # Filling in what it asks for is enough to pass `check`.
    filled = (text.replace('"TODO: apa inovasinya dan siapa penerima manfaatnya"', "Klinik keliling desa.")
              .replace('"TODO: mis. Dinas Kesehatan Kabupaten Banyuwangi"', "Dinas Kesehatan Kabupaten Banyuwangi")
              .replace("sectors: [TODO]", "sectors: [kesehatan]").replace("year: TODO", "year: 2021")
              .replace('"TODO: judul dokumen atau berita (nama media)"', '"Berita Dinkes"')
              .replace("TODO: ", ""))
    path.write_text(filled, encoding="utf-8")
    result = run("check", "--strict", "--content-dir", str(content))
    assert result.exit_code == 0, result.output


def test_new_refuses_to_overwrite(tmp_path):
    content = tmp_path / "content"
    assert run("new", "Jalin Matra", "--content-dir", str(content)).exit_code == 0
    again = CliRunner().invoke(cli, ["new", "Jalin Matra", "--content-dir", str(content)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_index_command_reports_one_line(content_dir, tmp_path):
    result = run("index", "--content-dir", str(content_dir), "--index-dir", str(tmp_path / "idx"))
    assert result.exit_code == 0
    assert re.match(r"^full rebuild: 3 documents, 0 files skipped, [\d.]+ s$", result.output.strip())
    again = run("index", "--content-dir", str(content_dir), "--index-dir", str(tmp_path / "idx"))
    assert again.output.startswith("index up to date: 3 documents")
    rebuilt = run("index", "--rebuild", "--content-dir", str(content_dir), "--index-dir", str(tmp_path / "idx"))
    assert rebuilt.output.startswith("full rebuild: 3 documents")


def test_environment_configures_the_commands(content_dir, monkeypatch):
    monkeypatch.setenv("KB_CONTENT_DIR", str(content_dir))
    assert "3 innovations" in run("check").output


def test_no_command_means_serve():
    # Options without a command go to `serve` (a bad port proves it without starting a server).
    result = CliRunner().invoke(cli, ["--port", "not-a-port"])
    assert result.exit_code == 2 and "Invalid value for '--port'" in result.output
    assert "serve" in CliRunner().invoke(cli, ["--help"]).output


def test_flask_cli_has_the_same_commands(content_dir, tmp_path):
    import kb

    runner = kb.create_app({"INDEX_DIR": str(tmp_path / "idx")}).test_cli_runner()  # what `flask --app kb` finds
    assert {"serve", "sync", "check", "index", "new"} <= set(runner.app.cli.list_commands(None))
    result = runner.invoke(args=["check", "--content-dir", str(content_dir)])
    assert result.exit_code == 0 and "3 innovations" in result.output


def test_bundled_content_passes_check():
    """The README promise: `python run.py check` passes on what we ship."""
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "check"], capture_output=True, text=True,
                          env={"KB_NO_VENV": "1", "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ", 0 errors," in proc.stdout


def test_cli_then_pages_end_to_end(content_dir, tmp_path):
    from kb.web import create_app

    index_dir = tmp_path / "idx"
    assert run("index", "--content-dir", str(content_dir), "--index-dir", str(index_dir)).exit_code == 0
    client = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir)}).test_client()
    assert "SIMPADU-PMI" in client.get("/cari?q=simpadu").get_data(as_text=True)
