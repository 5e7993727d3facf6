"""The JSON API against the real app, each response validated against our own OpenAPI document."""
from __future__ import annotations

import csv
import io

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from tests.conftest import republish


@pytest.fixture
def spec(client):
    doc = client.get("/api/openapi.json").get_json()
    validate_spec(doc)
    return doc


def check(spec, schema_name: str, payload) -> None:  # noqa: ANN001
    """Validate `payload` against components/schemas/<schema_name>, resolving refs inside the document."""
    schema = {**spec, "$ref": f"#/components/schemas/{schema_name}"}
    errors = sorted(Draft202012Validator(schema).iter_errors(payload), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_openapi_document_is_valid_and_lists_every_route(spec):
    assert spec["openapi"] == "3.1.0"
    assert {"/api/v1/search", "/api/v1/innovations", "/api/v1/innovations/{slug}", "/api/v1/awards",
            "/api/v1/regions", "/api/v1/sectors", "/api/v1/export.csv", "/api/v1/export.json"} <= set(spec["paths"])


def test_search(client, spec):
    resp = client.get("/api/v1/search?q=pekerja+migran&per_page=2")
    assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
    data = resp.get_json()
    check(spec, "SearchResponse", data)
    assert data["results"][0]["slug"] == "simpadu-pmi" and data["per_page"] == 2
    assert data["results"][0]["url"].endswith("/inovasi/simpadu-pmi")
    assert {f["value"] for f in data["facets"]["sector"]} >= {"tenaga-kerja"}
    typo = client.get("/api/v1/search?q=pekerja+migrn").get_json()
    check(spec, "SearchResponse", typo)
    assert typo["suggestion"] == "pekerja migran"


def test_search_filters_and_english_labels(client, spec):
    data = client.get("/api/v1/search?sector=tenaga-kerja&lang=en").get_json()
    check(spec, "SearchResponse", data)
    assert data["total"] == 2
    labels = {f["value"]: f["label"] for f in data["facets"]["sector"]}
    assert labels["tenaga-kerja"] == "Labour"


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=101", "sort=random", "page=100000",
                                   "sector=" + "x" * 101, "page=101", "per_page=1&page=101", "page=", "per_page=",
                                   "sort=", "lang=xx", "lang=", "lang=en&lang=xx", "sector=" + "&sector=".join("a" * 21),
                                   "sector=&sector=" + "%20" * 101])
def test_bad_parameters_are_400_json(client, spec, query):
    resp = client.get(f"/api/v1/search?{query}")
    assert resp.status_code == 400
    check(spec, "Error", resp.get_json())
    assert resp.get_json()["error"]["message"]


def test_innovations_list_and_detail(client, spec):
    listing = client.get("/api/v1/innovations?per_page=2").get_json()
    check(spec, "InnovationList", listing)
    assert listing["total"] == 3 and len(listing["results"]) == 2
    assert listing["results"][0]["slug"] == "simpadu-banyuwangi"  # newest first by default
    second = client.get("/api/v1/innovations?per_page=2&page=2").get_json()
    assert second["total"] == 3 and [r["slug"] for r in second["results"]] == [
        r["slug"] for r in client.get("/api/v1/innovations?per_page=3").get_json()["results"]][2:]
    beyond = client.get("/api/v1/innovations?per_page=2&page=5").get_json()
    assert beyond["total"] == 3 and beyond["results"] == []  # the total counts every match, not the page
    filtered = client.get("/api/v1/innovations?sector=pemberdayaan-masyarakat-desa").get_json()
    assert [r["slug"] for r in filtered["results"]] == ["klinik-bumdesa"] and filtered["total"] == 1
    detail = client.get("/api/v1/innovations/simpadu-pmi").get_json()
    check(spec, "Innovation", detail)
    assert detail["full_name"].startswith("Sarana Informasi")
    assert [r["slug"] for r in detail["replicated_by"]] == ["simpadu-banyuwangi"]
    assert detail["replications"][0]["region_code"] == "35.10"
    assert "<h2 id=\"cara-replikasi\">" in detail["html"]
    assert detail["similar"] and "simpadu-pmi" not in detail["similar"]
    replica = client.get("/api/v1/innovations/simpadu-banyuwangi").get_json()
    assert replica["replicated_from"] == "simpadu-pmi"


def test_innovation_redirects_and_404(client, spec):
    moved = client.get("/api/v1/innovations/simpadu")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/api/v1/innovations/simpadu-pmi")
    missing = client.get("/api/v1/innovations/tidak-ada")
    assert missing.status_code == 404
    check(spec, "Error", missing.get_json())
    assert client.get("/api/v1/tidak-ada").status_code == 404
    assert client.get("/api/v1/tidak-ada").get_json()["error"]["status"] == 404


def test_awards_regions_sectors_with_counts(client, spec):
    awards = client.get("/api/v1/awards").get_json()
    check(spec, "AwardList", awards)
    sinovik = next(a for a in awards["awards"] if a["slug"] == "sinovik")
    assert sinovik["innovations"] == 1 and sinovik["years"] == [{"year": 2018, "innovations": 1}]
    regions = client.get("/api/v1/regions").get_json()
    check(spec, "RegionList", regions)
    by_code = {r["code"]: r for r in regions["regions"]}
    assert by_code["35"]["innovations"] == 3 and by_code["35.10"] == {**by_code["35.10"], "innovations": 1,
                                                                         "replications": 1}
    sectors = client.get("/api/v1/sectors").get_json()
    check(spec, "SectorList", sectors)
    assert len(sectors["sectors"]) == 37
    assert {s["slug"]: s["innovations"] for s in sectors["sectors"]}["tenaga-kerja"] == 2


def test_suggest(client, spec):
    data = client.get("/api/v1/suggest?q=klin").get_json()
    check(spec, "Suggestions", data)
    assert [s["slug"] for s in data["suggestions"]] == ["klinik-bumdesa"]


def test_exports(client, spec):
    whole = client.get("/api/v1/export.json").get_json()
    check(spec, "Export", whole)
    assert whole["total"] == 3
    resp = client.get("/api/v1/export.csv?sector=tenaga-kerja")
    assert resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(r["slug"] for r in rows) == ["simpadu-banyuwangi", "simpadu-pmi"]
    assert rows[0]["sectors"] == "tenaga-kerja"
    assert "sinovik 2018 Top 99;unpsa 2019 Peserta" in {r["awards"] for r in rows}


def test_exports_stream_and_compress(client, monkeypatch):
    import gzip

    from kb.web import api

    monkeypatch.setattr(api, "EXPORT_CHUNK", 1)  # one record per chunk: the joins between chunks are exercised
    plain = client.get("/api/v1/export.json")
    assert plain.is_streamed and "ETag" not in plain.headers
    assert [r["slug"] for r in plain.get_json()["results"]] == ["simpadu-banyuwangi", "klinik-bumdesa",
                                                                "simpadu-pmi"]  # newest first
    packed = client.get("/api/v1/export.csv", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(packed.get_data()).decode("utf-8")
    assert text == client.get("/api/v1/export.csv").get_data(as_text=True)
    assert text.count("\n") == 4 and text.startswith("\ufeffslug,")


def test_page_and_per_page_bounds_are_declared_and_enforced_alike(client, spec):
    from kb.search.query import MAX_RESULT_WINDOW

    params = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert params["page"]["maximum"] * params["per_page"]["maximum"] == MAX_RESULT_WINDOW
    last = client.get(f"/api/v1/search?page={params['page']['maximum']}&per_page={params['per_page']['maximum']}")
    assert last.status_code == 200 and last.get_json()["results"] == []  # beyond the 3 results, still answered
    past = client.get(f"/api/v1/innovations?page={params['page']['maximum'] + 1}&per_page=1")
    assert past.status_code == 400 and "page: must be between 1 and 100" in past.get_json()["error"]["message"]
    assert client.get("/cari?page=101").status_code == 400  # the search page: the same bound


def test_lang_is_an_enum_on_every_operation_and_enforced(client, spec):
    for path, item in spec["paths"].items():
        if "get" not in item:  # the drafts API's POST-only actions
            continue
        lang = [p for p in item["get"]["parameters"] if p["name"] == "lang"]
        assert lang and lang[0]["schema"]["enum"] == ["id", "en"], path
        assert "400" in item["get"]["responses"], path
    for path in ("/api/v1/awards", "/api/v1/innovations/simpadu-pmi", "/api/v1/suggest?q=kl"):
        assert client.get(path + ("&" if "?" in path else "?") + "lang=en").status_code == 200
        bad = client.get(path + ("&" if "?" in path else "?") + "lang=fr")
        assert bad.status_code == 400 and bad.get_json()["error"]["message"] == "lang: must be one of id, en"
    english = client.get("/api/v1/sectors?lang=en").get_json()
    assert {s["slug"]: s["label"] for s in english["sectors"]}["tenaga-kerja"] == "Labour"


def test_exports_declare_no_paging_and_ignore_it(client, spec):
    for path in ("/api/v1/export.json", "/api/v1/export.csv"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert "page" not in names and "per_page" not in names and {"q", "sector", "sort", "lang"} <= names
        assert "10000" in spec["paths"][path]["get"]["summary"]
    paged = client.get("/api/v1/export.json?page=abc&per_page=1")
    assert paged.status_code == 200 and paged.get_json()["total"] == 3 and len(paged.get_json()["results"]) == 3


def test_search_results_name_the_write_up_language(app, client, spec, content_dir):
    from tests.conftest import write_innovation

    write_innovation(content_dir, "english-one", title="Migrant Desk", summary="An English write-up.",
                     language="en")
    republish(app)
    data = client.get("/api/v1/search?q=migran").get_json()
    check(spec, "SearchResponse", data)
    languages = {r["slug"]: r["language"] for r in data["results"]}
    assert languages["simpadu-pmi"] == "id" and languages["english-one"] == "en"


@pytest.mark.parametrize("method, path", [("post", "/api/v1/search"), ("delete", "/api/v1/innovations/simpadu-pmi"),
                                          ("put", "/inovasi/simpadu-pmi"), ("post", "/")])
def test_method_not_allowed_says_what_is_allowed(client, method, path):
    resp = getattr(client, method)(path)
    assert resp.status_code == 405
    assert {m.strip() for m in resp.headers["Allow"].split(",")} >= {"GET", "HEAD"}
    if path.startswith("/api/"):
        assert resp.get_json()["error"]["status"] == 405
