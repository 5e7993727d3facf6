"""Adding an optional field is one entry in the schema table: a field added to the table in a fixture (and
removed after) must be validated, stored, faceted, labelled, served, described, exported, shown and offered
by `new` with no other change. Nothing else is patched, so a place that keeps its own field list fails here."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from jsonschema import Draft202012Validator

from kb.content import load_catalogue
from kb.content.schema import DETAIL, INNOVATION_SCHEMA, PANEL, ROW, Facet, Spec
from kb.content.template import innovation_template
from kb.publish import publish
from kb.publish.records import RecordsFile
from kb.search import store
from kb.web import create_app
from tests.conftest import write_innovation

BUDGET_SOURCES = {
    "apbd": ("APBD", "Regional budget"),
    "apbn": ("APBN", "State budget"),
    "swasta": ("Dana swasta", "Private funds"),
}


@pytest.fixture
def budget_source(monkeypatch):
    """The schema table with one more optional field: three values, a facet, shown everywhere."""
    spec = Spec("str", choices=lambda: BUDGET_SOURCES, label=("Sumber anggaran", "Budget source"),
                facets=(Facet(),), show=frozenset({PANEL, ROW, DETAIL}), help="asal dana utama")
    monkeypatch.setitem(INNOVATION_SCHEMA, "budget_source", spec)
    return spec


@pytest.fixture
def budget_content(content_dir, budget_source):
    """The shared catalogue, two of its three innovations with a budget source."""
    for slug, value in (("klinik-bumdesa", "apbd"), ("simpadu-banyuwangi", "apbn")):
        path = content_dir / "innovations" / f"{slug}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", f"---\nbudget_source: {value}\n", 1),
                        encoding="utf-8")
    return content_dir


@pytest.fixture
def budget_client(budget_content, tmp_path):
    publish(budget_content, tmp_path / "index")
    app = create_app({"CONTENT_DIR": str(budget_content), "INDEX_DIR": str(tmp_path / "index"), "TESTING": True,
                      "RELOAD_INTERVAL": 0})
    yield app.test_client()
    app.extensions["kb.generations"].close()


def test_validated_with_the_usual_message(budget_source, tmp_path):
    root = tmp_path / "content"
    path = write_innovation(root, "salah", budget_source="swata")
    write_innovation(root, "tanpa")  # leaving the optional field out is fine
    cat = load_catalogue(root)
    line = path.read_text(encoding="utf-8").splitlines().index("budget_source: swata") + 1
    assert [str(i) for i in cat.errors] == [f"{path}:{line}: budget_source: 'swata' is not an allowed value; "
                                            "did you mean 'swasta'?"]
    assert "salah" not in cat.innovations and cat.innovations["tanpa"].budget_source is None


def test_in_the_record_and_the_records_file(budget_content, tmp_path):
    cat = load_catalogue(budget_content)
    assert not cat.issues, [str(i) for i in cat.issues]  # a known field: no "unknown field" warning
    assert cat.innovations["klinik-bumdesa"].budget_source == "apbd"
    publish(budget_content, tmp_path / "idx")
    records = RecordsFile(store.current_generation(tmp_path / "idx") / "records.sqlite")
    stored = records.get("klinik-bumdesa")
    assert stored == cat.innovations["klinik-bumdesa"] and stored.budget_source == "apbd"
    records.close()


def test_a_facet_with_counts_filters_and_labels(budget_client):
    data = budget_client.get("/api/v1/search").get_json()
    assert [(f["value"], f["label"], f["count"]) for f in data["facets"]["budget_source"]] == [
        ("apbd", "APBD", 1), ("apbn", "APBN", 1)]
    filtered = budget_client.get("/api/v1/search?budget_source=apbn").get_json()
    assert [r["slug"] for r in filtered["results"]] == ["simpadu-banyuwangi"]
    assert filtered["filters"] == {"budget_source": ["apbn"]}
    english = budget_client.get("/api/v1/search?lang=en").get_json()
    assert {f["value"]: f["label"] for f in english["facets"]["budget_source"]} == {
        "apbd": "Regional budget", "apbn": "State budget"}
    for lang, heading, value in (("id", "Sumber anggaran", "APBD"), ("en", "Budget source", "Regional budget")):
        page = budget_client.get(f"/cari?lang={lang}").get_data(as_text=True)
        sidebar = page[page.index('<aside class="facets"'):]
        assert f"<h2>{heading}</h2>" in sidebar and "?budget_source=apbd" in sidebar and value in sidebar


def test_api_payloads_match_the_openapi_document(budget_client):
    spec = budget_client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert schemas["Innovation"]["properties"]["budget_source"]["enum"] == ["apbd", "apbn", "swasta"]
    assert "budget_source" in schemas["InnovationRow"]["properties"]
    assert "budget_source" in schemas["SearchResponse"]["properties"]["facets"]["properties"]
    for path in ("/api/v1/search", "/api/v1/innovations", "/api/v1/export.json", "/api/v1/export.csv"):
        assert "budget_source" in [p["name"] for p in spec["paths"][path]["get"]["parameters"]], path

    def check(name: str, payload: object) -> None:  # no additional properties allowed: a missed field fails
        errors = list(Draft202012Validator({**spec, "$ref": f"#/components/schemas/{name}"}).iter_errors(payload))
        assert not errors, [e.message for e in errors[:3]]

    detail = budget_client.get("/api/v1/innovations/klinik-bumdesa").get_json()
    check("Innovation", detail)
    assert detail["budget_source"] == "apbd"
    assert "budget_source" not in budget_client.get("/api/v1/innovations/simpadu-pmi").get_json()
    listing = budget_client.get("/api/v1/innovations").get_json()
    check("InnovationList", listing)
    assert {r["slug"]: r["budget_source"] for r in listing["results"]} == {
        "simpadu-banyuwangi": "apbn", "klinik-bumdesa": "apbd", "simpadu-pmi": ""}
    search = budget_client.get("/api/v1/search?budget_source=apbd").get_json()
    check("SearchResponse", search)


def test_in_both_exports(budget_client):
    exported = json.loads(budget_client.get("/api/v1/export.json").get_data(as_text=True))
    assert {r["slug"]: r["budget_source"] for r in exported["results"]}["klinik-bumdesa"] == "apbd"
    text = budget_client.get("/api/v1/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["slug"]: r["budget_source"] for r in rows} == {
        "simpadu-banyuwangi": "apbn", "klinik-bumdesa": "apbd", "simpadu-pmi": ""}
    assert list(rows[0]) == list(exported["results"][0])  # CSV header = JSON row keys, in the same order


def test_on_the_fact_panel_in_both_languages(budget_client):
    for lang, row in (("id", "<dt>Sumber anggaran</dt><dd>APBD</dd>"),
                      ("en", "<dt>Budget source</dt><dd>Regional budget</dd>")):
        html = budget_client.get(f"/inovasi/klinik-bumdesa?lang={lang}").get_data(as_text=True)
        panel = html[html.index('<aside class="facts"'):html.index("</aside>")]
        assert row in panel, lang
    other = budget_client.get("/inovasi/simpadu-pmi").get_data(as_text=True)
    assert "Sumber anggaran" not in other  # no value, no row


def test_offered_by_the_new_template(budget_source):
    text = innovation_template("Inovasi Baru", today=dt.date(2025, 1, 2))
    assert "# budget_source: apbd     # asal dana utama: apbd | apbn | swasta" in text.splitlines()


def test_every_field_is_in_the_author_reference():
    """The author-facing field reference (docs/content-format.md, 2.1-2.3) names every field of the table."""
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "content-format.md").read_text(encoding="utf-8")
    reference = guide[guide.index("### 2.1"):guide.index("### 2.4")]
    documented = set(re.findall(r"^\| `([a-z_]+)(?:\[\])?` \|", reference, re.MULTILINE))
    assert set(INNOVATION_SCHEMA) - documented == set()


def test_every_displayed_field_and_facet_has_labels_in_both_languages():
    from kb.content.fields import facets, shown

    for name in shown(PANEL):
        assert all(INNOVATION_SCHEMA[name].label), name
    for found in facets():
        assert found.label("id") and found.label("en"), found.name
