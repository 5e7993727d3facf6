"""The drafts API's part of the OpenAPI document (kb/web/openapi.py merges it in): paths, schemas and the
bearer-token security scheme. tests/test_api.py validates real responses against these schemas, and
Schemathesis sends generated requests (without a valid token, so it sees the 401s and 403s)."""
from __future__ import annotations

from typing import Any

from kb.authoring.writeup import MAX_SLUG
from kb.web.openapi import INT, STR, _obj, _ref

SECURITY = [{"bearerToken": []}]
SECURITY_SCHEMES = {"bearerToken": {"type": "http", "scheme": "bearer",
                                    "description": "An API token from `python3 run.py token create EMAIL`."}}


PROBLEM = _obj({"field": STR, "message": STR, "severity": {"enum": ["error", "warning"]}},
               ["field", "message", "severity"])
CHANGE = _obj({"field": STR, "kind": {"enum": ["added", "removed", "changed"]},
               "old": {"type": ["string", "null"]}, "new": {"type": ["string", "null"]}},
              ["field", "kind", "old", "new"])
STATUS = {"enum": ["draft", "in_review", "published"]}
FRONT_MATTER = {"type": "object", "description": "Front-matter fields as in the Markdown files (see "
                "docs/content-format.md); dates as YYYY-MM-DD text", "additionalProperties": True}

SCHEMAS: dict[str, Any] = {
    "Problem": PROBLEM,
    "DraftCreated": _obj({"id": STR, "slug": STR, "status": STATUS, "revision": INT,
                          "problems": {"type": "array", "items": _ref("Problem")}},
                         ["id", "slug", "status", "revision", "problems"]),
    "Draft": _obj({"id": STR, "slug": STR, "status": STATUS, "revision": INT, "front_matter": FRONT_MATTER,
                   "body": STR, "author": _obj({"name": STR}, ["name"]),
                   "published_commit": {"type": ["string", "null"]}, "warning": STR,
                   "problems": {"type": "array", "items": _ref("Problem")}},
                  ["id", "slug", "status", "revision", "front_matter", "body", "problems"]),
    "DraftError": _obj({"error": _obj({"status": INT, "message": STR}, ["status", "message"]),
                        "problems": {"type": "array", "items": _ref("Problem")},
                        "changes": {"type": "array", "items": _ref("FieldChange")}, "revision": INT},
                       ["error"]),
    "FieldChange": CHANGE,
}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Malformed request", 401: "No valid API token", 403: "Your role may not do this (or "
            "authoring is off on this site)", 404: "No such draft", 409: "Stale: the draft or the published "
            "write-up changed meanwhile (`changes` says what was published)", 422: "Invalid: a bad slug, or "
            "content with errors (`problems`)"}
    return {str(c): _json("DraftError", text[c]) for c in codes}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


LANG = {"name": "lang", "in": "query", "required": False, "description": "Accepted as on every API "
        "operation (anything else is a 400); drafts are not translated.", "schema": {"enum": ["id", "en"]}}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{12}$"}}


def paths() -> dict[str, Any]:
    action = {"post": {"security": SECURITY, "parameters": [ID]}}

    def act(summary: str, *codes: int, body: dict[str, Any] | None = None) -> dict[str, Any]:
        operation = {**action["post"], "summary": summary,
                     "responses": {"200": _json("Draft", "The draft"), **_errors(*codes)}}
        if body is not None:
            operation["requestBody"] = _body(body)
        return {"post": operation}

    return {
        "/api/v1/drafts": {"post": {
            "summary": "Start a draft: a new write-up (front_matter and body), or a change to a published one "
                       "(omit front_matter to start from its file)",
            "security": SECURITY,
            "requestBody": _body(_obj({"slug": {"type": "string", "maxLength": MAX_SLUG},
                                       "front_matter": FRONT_MATTER, "body": STR}, ["slug"])),
            "responses": {"201": _json("DraftCreated", "The draft, with what the checks say"),
                          **_errors(400, 401, 403, 422)}}},
        "/api/v1/drafts/{id}": {
            "get": {"summary": "The whole draft (its author and reviewers)", "security": SECURITY,
                    "parameters": [ID, LANG], "responses": {"200": _json("Draft", "The draft"),
                                                            **_errors(400, 401, 403, 404)}},
            "put": {"summary": "Save a new revision; `base` is the revision the edit started from (409 when "
                               "stale). The draft's author and reviewers only.",
                    "security": SECURITY, "parameters": [ID],
                    "requestBody": _body(_obj({"base": INT, "front_matter": FRONT_MATTER, "body": STR},
                                              ["base", "front_matter"])),
                    "responses": {"200": _json("Draft", "The saved draft"), **_errors(400, 401, 403, 404, 409, 422)}},
        },
        "/api/v1/drafts/{id}/submit": act("Submit for review (status in_review); 422 while it has errors",
                                          401, 403, 404, 409, 422),
        "/api/v1/drafts/{id}/publish": act("Publish (reviewers): a git commit authored by the draft's author",
                                           401, 403, 404, 409, 422),
        "/api/v1/drafts/{id}/reject": act("Send back to the author with a comment (reviewers)",
                                          400, 401, 403, 404, 409, 422,
                                          body=_obj({"comment": {"type": "string", "minLength": 1}}, ["comment"])),
    }
