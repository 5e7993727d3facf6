"""Every error and warning kind of the validator: `path:line: field: message`, and good files still load."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.content import load_catalogue
from tests.conftest import BODY, write_award, write_innovation

BASE = """title: Rumah Layak
summary: Pendataan rumah tidak layak huni.
agency: Dinas Perumahan Kabupaten Gresik
region: Kabupaten Gresik
region_code: "35.25"
sectors: [perumahan]
year: 2019
sources:
  - title: Sumber resmi
"""


def fm(**replace: str) -> str:
    """BASE with whole lines replaced: fm(year="year: 1800") keeps every other line where it is."""
    lines = BASE.splitlines()
    for key, new in replace.items():
        lines = [new if line.startswith(f"{key}:") else line for line in lines]
    return "\n".join(lines) + "\n"


def setup(tmp_path: Path, name: str, text: str | bytes, body: str = BODY) -> tuple[Path, Path]:
    root = tmp_path / "content"
    write_award(root, "sinovik", "Kompetisi Inovasi Pelayanan Publik")
    write_innovation(root, "baik")
    path = root / "innovations" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(f"---\n{text}---\n{body}", encoding="utf-8")
    return root, path


ERRORS = [
    # (case, front matter, line, field, message fragment)
    ("missing required", fm(agency="# no agency"), 1, "agency", "required field (instansi pemrakarsa) is missing"),
    ("empty required", fm(summary="summary:"), 3, "summary", "required field (ringkasan) is empty"),
    ("wrong type year", fm(year='year: "2019"'), 8, "year", "expected a whole number, got text ('2019'); write it without quotes"),
    ("wrong type list", fm(sectors="sectors: perumahan"), 7, "sectors", "expected a list, got text ('perumahan'); write it as [perumahan]"),
    ("yes/no as bool", fm(agency="agency: no"), 4, "agency", "YAML reads yes/no/on/off as true/false"),
    ("outside vocabulary", fm(sectors="sectors: [perumahann]"), 7, "sectors[1]", "'perumahann' is not an allowed value; did you mean 'perumahan'?"),
    ("bad stage", fm(year="year: 2019\nstage: selesai"), 9, "stage", "'selesai' is not an allowed value"),
    ("year too early", fm(year="year: 1800"), 8, "year", "1800 is out of range (1945.."),
    ("year in future", fm(year="year: 2999"), 8, "year", "2999 is out of range"),
    ("unquoted region code", fm(region_code="region_code: 35.25"), 6, "region_code", "must be quoted text, e.g. \"35.10\""),
    ("unknown region code", fm(region_code='region_code: "35.99"'), 6, "region_code", "'35.99' is not a Kemendagri province or regency/city code"),
    ("mismatched region code", fm(region_code='region_code: "35.10"'), 6, "region_code", "'35.10' is Kabupaten Banyuwangi, which does not match region 'Kabupaten Gresik'"),
    ("unresolved award", fm(year="year: 2019\nawards:\n  - {name: adipura, year: 2020}"), 10, "awards[1].name", "'adipura' is not an award in content/awards/"),
    ("award year range", fm(year="year: 2019\nawards:\n  - {name: sinovik, year: 3020}"), 10, "awards[1].year", "out of range"),
    ("unresolved replicated_from", fm(year="year: 2019\nreplicated_from: tidak-ada"), 9, "replicated_from", "'tidak-ada' is not the slug of any innovation"),
    ("unresolved replication", fm(year="year: 2019\nreplications:\n  - region: Kota Malang\n    innovation: tidak-ada"), 11, "replications[1].innovation", "not the slug of any innovation"),
    ("bad proof", fm(year="year: 2019\nreplications:\n  - region: Kota Malang\n    proof: sms"), 11, "replications[1].proof", "'sms' is not an allowed value"),
    ("bad url", fm(year="year: 2019\ncontact: {url: 'javascript:alert(1)'}"), 9, "contact.url", "is not a web address starting with http:// or https://"),
    ("bad email", fm(year="year: 2019\ncontact: {email: nobody}"), 9, "contact.email", "is not an e-mail address"),
    ("sdg range", fm(year="year: 2019\nsdgs: [1, 18]"), 9, "sdgs[2]", "18 is out of range (1..17)"),
    ("summary too long", fm(summary="summary: " + "x" * 501), 3, "summary", "is 501 characters long; the limit is 500"),
    ("alias not a slug", fm(year="year: 2019\naliases: [Rumah Layak]"), 9, "aliases[1]", "is not a valid slug"),
    ("alias is another slug", fm(year="year: 2019\naliases: [baik]"), 9, "aliases[1]", "alias 'baik' is the slug of another innovation"),
    ("invalid yaml", fm(agency="agency: [Dinas"), 5, "front matter", "invalid YAML"),
    ("front matter not a mapping", "- a\n- b\n", 2, "front matter", "must be a mapping"),
    ("cost band required", fm(year="year: 2019\ncost: {amount_idr: 5000000}"), 9, "cost.band", "required field is missing"),
]


@pytest.mark.parametrize(("case", "text", "line", "field", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_is_reported_and_file_skipped(tmp_path, case, text, line, field, message):
    root, path = setup(tmp_path, "rumah-layak.md", text)
    cat = load_catalogue(root)
    expected_prefix = f"{path}:{line}: {field}: "
    matching = [str(i) for i in cat.errors if str(i).startswith(expected_prefix) and message in str(i)]
    assert matching, f"{case}: wanted {expected_prefix}...{message}; got {[str(i) for i in cat.issues]}"
    assert "rumah-layak" not in cat.innovations
    assert "baik" in cat.innovations  # the good file keeps loading


def test_bad_slug_file_name(tmp_path):
    root, path = setup(tmp_path, "Rumah_Layak.md", BASE)
    cat = load_catalogue(root)
    assert [str(i) for i in cat.errors] == [
        f"{path}:1: slug: file name 'Rumah_Layak' is not a valid slug: use lowercase a-z, 0-9 and single "
        "hyphens, e.g. 'jalin-matra.md'"]
    assert list(cat.innovations) == ["baik"]


def test_non_utf8_file(tmp_path):
    root, path = setup(tmp_path, "latin.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    cat = load_catalogue(root)
    assert [str(i) for i in cat.errors] == [f"{path}:2: file: is not UTF-8 text (byte 0xe9); save it as UTF-8"]
    assert "baik" in cat.innovations


def test_unreadable_file(tmp_path):
    root, path = setup(tmp_path, "ok.md", BASE)
    path.unlink()
    path.symlink_to(root / "innovations" / "missing-target.md")  # dangling: cannot be read
    cat = load_catalogue(root)
    assert len(cat.errors) == 1 and str(cat.errors[0]).startswith(f"{path}:1: file: cannot be read")


def test_missing_front_matter_and_empty_file(tmp_path):
    root, path = setup(tmp_path, "kosong.md", b"")
    (root / "innovations" / "tanpa-fm.md").write_text("# Judul saja\n", encoding="utf-8")
    cat = load_catalogue(root)
    messages = sorted(str(i) for i in cat.errors)
    assert messages[0] == f"{path}:1: front matter: the file is empty"
    assert messages[1].startswith(f"{root}/innovations/tanpa-fm.md:1: front matter: missing")


def test_duplicate_slug_in_two_folders(tmp_path):
    root, path = setup(tmp_path, "sub/baik.md", BASE)
    cat = load_catalogue(root)
    dupes = [str(i) for i in cat.errors if "duplicate slug" in str(i)]
    assert dupes == [f"{path}:1: slug: duplicate slug 'baik': also used by {root}/innovations/baik.md"]
    assert cat.innovations["baik"].path == root / "innovations" / "baik.md"


def test_duplicate_alias(tmp_path):
    root, path = setup(tmp_path, "rumah-layak.md", fm(year="year: 2019\naliases: [rumah]"))
    write_innovation(root, "zz-lain", aliases=["rumah"])
    cat = load_catalogue(root)
    dupes = [str(i) for i in cat.errors if "duplicate alias" in str(i)]
    assert len(dupes) == 1 and dupes[0].startswith(f"{root}/innovations/zz-lain.md:")
    assert "rumah-layak" in cat.innovations and "zz-lain" not in cat.innovations
    assert cat.canonical_slug("rumah") == "rumah-layak"


WARNINGS = [
    ("unknown field, Indonesian name", fm(year="year: 2019\nsektor: [perumahan]"), 9, "sektor", "unknown field; did you mean 'sectors'?"),
    ("unknown field, typo", fm(year="year: 2019\nsumary: teks"), 9, "sumary", "unknown field; did you mean 'summary'?"),
    ("summary long for a card", fm(summary="summary: " + "kata " * 70), 3, "summary", "cards show about 300"),
    ("no sources", fm(sources="# none").replace("  - title: Sumber resmi\n", ""), 1, "sources", "no sources listed"),
    ("duplicate key", fm(year="year: 2019\nyear: 2019"), 9, "year", "appears twice in the front matter"),
]


@pytest.mark.parametrize(("case", "text", "line", "field", "message"), WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warning_is_reported_and_file_loads(tmp_path, case, text, line, field, message):
    root, path = setup(tmp_path, "rumah-layak.md", text)
    cat = load_catalogue(root)
    expected = [str(i) for i in cat.warnings if str(i).startswith(f"{path}:{line}: {field}: warning: ")
                and message in str(i)]
    assert expected, f"{case}: got {[str(i) for i in cat.issues]}"
    assert not cat.errors
    assert "rumah-layak" in cat.innovations


def test_missing_and_misordered_sections(tmp_path):
    body = "## Inovasi\n\nTeks.\n\n## Latar Belakang\n\nTeks.\n"
    root, path = setup(tmp_path, "rumah-layak.md", BASE, body=body)
    cat = load_catalogue(root)
    found = [str(i) for i in cat.warnings]
    body_line = 12  # '---' + 9 front-matter lines + '---' -> body starts on line 12
    assert f"{path}:{body_line}: body: warning: missing recommended section '## Cara Replikasi'" in found
    assert f"{path}:{body_line}: body: warning: missing recommended section '## Hasil dan Dampak'" in found
    assert f"{path}:{body_line + 4}: body: warning: section '## Latar Belakang' should come before '## Inovasi'" in found
    assert "rumah-layak" in cat.innovations


def test_region_code_inferred_from_name(tmp_path):
    root, _ = setup(tmp_path, "rumah-layak.md", fm(region_code="# inferred"))
    cat = load_catalogue(root)
    assert cat.innovations["rumah-layak"].region_code == "35.25"
    assert cat.innovations["rumah-layak"].province_code == "35"


def test_award_resolves_by_name_case_insensitively(tmp_path):
    root, _ = setup(tmp_path, "rumah-layak.md",
                    fm(year="year: 2019\nawards:\n  - {name: KOMPETISI inovasi pelayanan publik, year: 2020}"))
    cat = load_catalogue(root)
    assert cat.innovations["rumah-layak"].awards[0].award == "sinovik"


def test_issue_format_is_path_line_field_message(tmp_path):
    root, path = setup(tmp_path, "rumah-layak.md", fm(year="year: 1800"))
    issue = load_catalogue(root).errors[0]
    assert str(issue) == f"{path}:8: year: 1800 is out of range (1945..{__import__('datetime').date.today().year})"


def test_impossible_date_is_reported_not_fatal(tmp_path):
    root, path = setup(tmp_path, "rumah-layak.md", fm(year="year: 2019\nupdated: 2024-02-31"))
    cat = load_catalogue(root)
    assert [str(i) for i in cat.errors][0].startswith(f"{path}:9: front matter: invalid value: day is out of range")
    assert "baik" in cat.innovations


def test_unknown_region_name_warns(tmp_path):
    root, path = setup(tmp_path, "rumah-layak.md", fm(region="region: Kabupaten Antah Berantah",
                                                       region_code="# none"))
    cat = load_catalogue(root)
    assert f"{path}:5: region: warning: 'Kabupaten Antah Berantah' is not a province or regency/city name" in \
        " ".join(str(i) for i in cat.warnings)
    assert cat.innovations["rumah-layak"].region_code is None


def test_lowercase_todo_is_not_a_placeholder(tmp_path):
    root, _ = setup(tmp_path, "rumah-layak.md", fm(year="year: 2019\ntags: [todo-list]"))
    assert "rumah-layak" in load_catalogue(root).innovations


def test_bare_region_name_inferred_or_ambiguous(tmp_path):
    root, path = setup(tmp_path, "rumah-layak.md", fm(region="region: Gresik", region_code="# none"))
    write_innovation(root, "di-malang", region="Malang", region_code=None)
    cat = load_catalogue(root)
    assert cat.innovations["rumah-layak"].region_code == "35.25"
    assert "'Malang' is ambiguous (Kabupaten Malang (35.07), Kota Malang (35.73))" in " ".join(map(str, cat.warnings))
