"""Run Lumbung Inovasi: `python run.py` serves the site; `python run.py --help` lists the commands;
`python run.py test [pytest args]` runs the test suite; `python run.py relevance` prints search quality;
`python run.py loadtest` runs a bounded load test against gunicorn.

On first run it creates `.venv` from requirements.txt and re-runs itself inside it, so a fresh machine
needs nothing but Python 3.11+.
"""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# Developer tools, not app commands (so they are not in `flask --app kb`).
TOOLS = {"relevance": "tools/relevance.py", "loadtest": "tools/loadtest.py", "bench": "bench/run.py"}


def _in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _bootstrap() -> None:
    """Create .venv and install pinned requirements when our dependencies are not importable."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements"
    wanted = (ROOT / "requirements.txt").read_text()
    if not python.exists():
        print("Creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not stamp.exists() or stamp.read_text() != wanted:
        print("Installing requirements into .venv ...", file=sys.stderr)
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "-r", str(ROOT / "requirements.txt")])
        stamp.write_text(wanted)
    os.execv(str(python), [str(python), str(ROOT / "run.py"), *sys.argv[1:]])


if __name__ == "__main__":
    if not _in_project_venv() and os.environ.get("KB_NO_VENV") != "1":
        _bootstrap()
    # The bundled content and its index sit next to this file, wherever the command is run from.
    os.environ.setdefault("KB_CONTENT_DIR", str(ROOT / "content"))
    os.environ.setdefault("KB_INDEX_DIR", str(ROOT / "search_index"))
    os.environ.setdefault("KB_DATA_DIR", str(ROOT / "instance"))
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["test"]:
        import pytest

        os.chdir(ROOT)
        sys.exit(pytest.main(sys.argv[2:]))
    if sys.argv[1:2] and sys.argv[1] in TOOLS:
        import runpy

        sys.argv = sys.argv[1:]
        runpy.run_path(str(ROOT / TOOLS[sys.argv[0]]), run_name="__main__")
        sys.exit(0)
    from kb.cli import cli

    cli()
