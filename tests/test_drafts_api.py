"""The drafts API (/api/v1/drafts) with bearer tokens, every response validated against the OpenAPI
document the app serves."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from kb.authoring.writeup import WriteUp
from tests.authoring_support import AUTHOR, BODY, REVIEWER, git, repo, site  # noqa: F401 (fixtures)
from tests.conftest import republish

NEW = {"title": "Posyandu Digital", "summary": "Pencatatan tumbuh kembang balita secara daring.",
       "agency": "Dinas Kesehatan Kabupaten Banyuwangi", "region": "Kabupaten Banyuwangi",
       "sectors": ["kesehatan"], "year": 2022, "updated": "2024-05-31",
       "sources": [{"title": "Berita resmi", "url": "https://example.org/posyandu", "date": "2023-01-05"}]}


@pytest.fixture
def api(site):
    client = site.test_client()
    spec = client.get("/api/openapi.json").get_json()
    validate_spec(spec)
    accounts = site.extensions["kb.authoring"].accounts
    tokens = {email: accounts.create_token(accounts.by_email(email).id) for email in (AUTHOR, REVIEWER)}

    def call(method: str, path: str, who: str | None = AUTHOR, schema: str | None = None, **kwargs):  # noqa: ANN202
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        response = client.open(path, method=method, headers=headers, **kwargs)
        if schema is not None:
            payload = response.get_json()
            errors = list(Draft202012Validator({**spec, "$ref": f"#/components/schemas/{schema}"}).iter_errors(payload))
            assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
        return response

    return call


def test_the_document_lists_the_drafts_api_with_its_security(site):
    spec = site.test_client().get("/api/openapi.json").get_json()
    assert {"/api/v1/drafts", "/api/v1/drafts/{id}", "/api/v1/drafts/{id}/submit", "/api/v1/drafts/{id}/publish",
            "/api/v1/drafts/{id}/reject"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/drafts"]["post"]["security"] == [{"bearerToken": []}]


def test_a_write_up_from_draft_to_published_through_the_api(site, repo, api):
    created = api("POST", "/api/v1/drafts", json={"slug": "posyandu-digital", "front_matter": NEW, "body": BODY},
                  schema="DraftCreated")
    assert created.status_code == 201
    draft = created.get_json()
    assert draft["status"] == "draft" and draft["revision"] == 1 and draft["slug"] == "posyandu-digital"
    assert all(p["severity"] == "warning" for p in draft["problems"])
    whole = api("GET", f"/api/v1/drafts/{draft['id']}", schema="Draft").get_json()
    assert whole["front_matter"]["title"] == "Posyandu Digital" and whole["front_matter"]["updated"] == "2024-05-31"
    assert whole["body"] == BODY
    broken = api("PUT", f"/api/v1/drafts/{draft['id']}", schema="Draft",
                 json={"base": 1, "front_matter": {**NEW, "year": "tahun lalu"}, "body": BODY}).get_json()
    assert broken["revision"] == 2
    assert {"field": "year", "message": "expected a whole number, got text ('tahun lalu')",
            "severity": "error"} in broken["problems"]
    refused = api("POST", f"/api/v1/drafts/{draft['id']}/submit", schema="DraftError")
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["field"] == "year"
    stale = api("PUT", f"/api/v1/drafts/{draft['id']}", schema="DraftError",
                json={"base": 1, "front_matter": NEW, "body": BODY})
    assert stale.status_code == 409 and stale.get_json()["revision"] == 2
    api("PUT", f"/api/v1/drafts/{draft['id']}", json={"base": 2, "front_matter": NEW, "body": BODY})
    assert api("POST", f"/api/v1/drafts/{draft['id']}/submit", schema="Draft").get_json()["status"] == "in_review"
    assert api("POST", f"/api/v1/drafts/{draft['id']}/publish", schema="DraftError").status_code == 403
    rejected = api("POST", f"/api/v1/drafts/{draft['id']}/reject", who=REVIEWER, json={"comment": "Sumber kedua?"},
                   schema="Draft")
    assert rejected.get_json()["status"] == "draft"
    api("POST", f"/api/v1/drafts/{draft['id']}/submit")
    published = api("POST", f"/api/v1/drafts/{draft['id']}/publish", who=REVIEWER, schema="Draft").get_json()
    assert published["status"] == "published" and len(published["published_commit"]) == 40
    assert git(repo, "log", "-1", "--format=%an|%s").strip() == "Ani Penulis|posyandu-digital: publish new write-up"
    republish(site)
    assert site.test_client().get("/api/v1/innovations/posyandu-digital").status_code == 200


def test_omitting_front_matter_starts_from_the_published_file(api, repo):
    created = api("POST", "/api/v1/drafts", json={"slug": "klinik-bumdesa"}, schema="DraftCreated").get_json()
    whole = api("GET", f"/api/v1/drafts/{created['id']}", schema="Draft").get_json()
    assert whole["front_matter"]["title"] == "Klinik BUM Desa"
    assert whole["body"] == (repo / "innovations" / "klinik-bumdesa.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    missing = api("POST", "/api/v1/drafts", json={"slug": "belum-ada"}, schema="DraftError")
    assert missing.status_code == 422 and "front matter" in missing.get_json()["error"]["message"]


def test_a_publish_on_a_stale_base_is_a_409_with_what_changed(api):
    first = api("POST", "/api/v1/drafts", json={"slug": "klinik-bumdesa"}).get_json()["id"]
    second = api("POST", "/api/v1/drafts", json={"slug": "klinik-bumdesa"}).get_json()["id"]
    for draft_id, title in ((first, "Klinik Satu"), (second, "Klinik Dua")):
        whole = api("GET", f"/api/v1/drafts/{draft_id}").get_json()
        api("PUT", f"/api/v1/drafts/{draft_id}", json={"base": 1, "front_matter": {**whole["front_matter"],
                                                                                     "title": title},
                                                        "body": whole["body"]})
        api("POST", f"/api/v1/drafts/{draft_id}/submit")
    assert api("POST", f"/api/v1/drafts/{first}/publish", who=REVIEWER).status_code == 200
    stale = api("POST", f"/api/v1/drafts/{second}/publish", who=REVIEWER, schema="DraftError")
    assert stale.status_code == 409
    assert {"field": "title", "kind": "changed", "old": "Klinik BUM Desa", "new": "Klinik Satu"} in \
        stale.get_json()["changes"]


def test_401_without_a_token_and_403_for_a_role_that_may_not(site, api):
    assert api("POST", "/api/v1/drafts", who=None, json={"slug": "x"}, schema="DraftError").status_code == 401
    response = api("GET", "/api/v1/drafts/0123456789ab", who=None)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    client = site.test_client()
    for header in ("Bearer", "Basic abc", "Bearer kb_not-a-token", "Bearer " + "x" * 5000):
        assert client.get("/api/v1/drafts/0123456789ab", headers={"Authorization": header}).status_code == 401
    accounts = site.extensions["kb.authoring"].accounts
    other = accounts.add("hana@example.org", "Hana", "author", "kata-sandi-uji-123")
    theirs = site.extensions["kb.authoring"].create(other, "milik-hana", WriteUp({"title": "Hana"}, "isi"))
    assert api("GET", f"/api/v1/drafts/{theirs.id}", schema="DraftError").status_code == 403
    assert api("PUT", f"/api/v1/drafts/{theirs.id}", json={"base": 1, "front_matter": {}}).status_code == 403
    assert api("GET", f"/api/v1/drafts/{theirs.id}", who=REVIEWER).status_code == 200
    assert api("POST", f"/api/v1/drafts/{theirs.id}/reject", json={"comment": "x"}).status_code == 403
    assert api("GET", "/api/v1/drafts/../../etc", schema=None).status_code in (401, 404)


@pytest.mark.parametrize("body", [None, "[]", '"text"', "{", '{"slug": 5}', '{"slug": "ok", "front_matter": []}',
                                  '{"slug": "ok", "front_matter": {}, "body": 7}'])
def test_malformed_requests_are_clean_4xx(api, body):
    response = api("POST", "/api/v1/drafts", data=body, content_type="application/json", schema="DraftError")
    assert response.status_code in (400, 422)


def test_put_without_base_is_a_400(api):
    draft_id = api("POST", "/api/v1/drafts", json={"slug": "klinik-bumdesa"}).get_json()["id"]
    response = api("PUT", f"/api/v1/drafts/{draft_id}", json={"front_matter": {}}, schema="DraftError")
    assert response.status_code == 400 and "base" in response.get_json()["error"]["message"]
    wrong = api("PUT", f"/api/v1/drafts/{draft_id}", json={"base": "1", "front_matter": {}}, schema="DraftError")
    assert wrong.status_code == 400
