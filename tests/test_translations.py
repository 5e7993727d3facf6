"""The English catalog covers every UI string, and the compiled .mo matches the .po."""
from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "kb" / "web" / "translations" / "en" / "LC_MESSAGES"


def test_every_ui_string_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
                                "--no-location", "--omit-header", "-o", str(pot), str(ROOT)])
    with open(pot, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    missing = [m for m in wanted if not catalog.get(m) or not catalog.get(m).string
               or (isinstance(catalog.get(m).string, tuple) and not all(catalog.get(m).string))]
    assert not missing, f"untranslated (run pybabel extract/update, see docs/web.md): {missing}"


def test_compiled_catalog_matches_the_po(tmp_path):
    with open(CATALOG / "messages.po", "rb") as handle:
        po = {_key(m.id): _key(m.string) for m in read_po(handle) if m.id}
    with open(CATALOG / "messages.mo", "rb") as handle:
        mo = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    assert po == mo, "run: pybabel compile -d kb/web/translations"


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value
