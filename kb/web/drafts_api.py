"""The drafts API (`/api/v1/drafts`): the browser's workflow for scripts and other tools, Datasette-style,
with `Authorization: Bearer <token>` (`python3 run.py token create EMAIL`).

No session cookie is accepted here, so no CSRF token is needed (a token is not sent by browsers on their
own). 401 without a valid token, 403 for a role that may not, 404 for a draft one may not know of, 409 for
a stale revision or base, 422 with the problems for content that does not pass the checks.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, Response, g, jsonify, request

from kb.authoring.accounts import User
from kb.authoring.checks import problems_json
from kb.authoring.drafts import BadRequest, Draft, Refused
from kb.authoring.fielddiff import FieldChange
from kb.authoring.writeup import WriteUp, coerce_front_matter, to_json
from kb.web.auth import authoring, csrf
from kb.web.authoring import catalogue

bp = Blueprint("drafts_api", __name__, url_prefix="/api/v1/drafts")
csrf.exempt(bp)


def _error(status: int, message: str, **extra: Any) -> Response:
    response = jsonify({"error": {"status": status, "message": message}, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lumbung-inovasi"'
    response.headers["Cache-Control"] = "no-store"
    return response


def token_required(view: Callable[..., Response]) -> Callable[..., Response]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "an API token is required: Authorization: Bearer <token> "
                               "(python3 run.py token create EMAIL)")
        if not authoring().available:
            return _error(403, "authoring is off on this site (read-only): no draft can be made or changed here")
        user = authoring().accounts.by_token(token.strip())
        if user is None:
            return _error(401, "this API token is not valid (or its account is disabled)")
        g.api_user = user
        try:
            return view(*args, **kwargs)
        except Refused as exc:
            extra: dict[str, Any] = {}
            if "problems" in exc.detail:
                extra["problems"] = problems_json(exc.detail["problems"])
            if "changes" in exc.detail:
                extra["changes"] = [_change_json(c) for c in exc.detail["changes"]]
            if "revision" in exc.detail:
                extra["revision"] = exc.detail["revision"]
            return _error(exc.status, exc.message, **extra)

    return wrapper


def _user() -> User:
    return g.api_user


def _json_object() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return data


def _writeup(data: dict[str, Any], required: bool) -> WriteUp | None:
    front, body = data.get("front_matter"), data.get("body")
    if front is None and not required:
        if body is not None:
            raise BadRequest("'body' without 'front_matter': send both, or neither to start from the published file")
        return None
    if not isinstance(front, dict):
        raise BadRequest("'front_matter' must be a JSON object of front-matter fields")
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise BadRequest("'body' must be a string (Markdown)")
    return WriteUp(coerce_front_matter(front), body)


def _change_json(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "kind": change.kind, "old": change.old, "new": change.new}


def _payload(draft: Draft, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": draft.id, "slug": draft.slug, "status": draft.status, "revision": draft.revision}
    if full:
        out.update(draft.writeup.to_json())
        out["author"] = {"name": draft.author.name}
        out["published_commit"] = draft.published_commit
    out["problems"] = problems_json(authoring().problems(draft, catalogue()))
    return out


@bp.post("")
@token_required
def create() -> Response:
    data = _json_object()
    draft = authoring().create(_user(), data.get("slug"), _writeup(data, required=False))
    payload = _payload(draft, full=False)
    return jsonify(payload), 201


@bp.get("/<draft_id>")
@token_required
def get(draft_id: str) -> Response:
    return jsonify(_payload(authoring().get(draft_id, _user())))


@bp.put("/<draft_id>")
@token_required
def put(draft_id: str) -> Response:
    authoring().get(draft_id, _user())  # 404/403 before looking at the body
    data = _json_object()
    if "base" not in data:
        raise BadRequest("'base' (the revision this edit started from) is required")
    draft = authoring().update(_user(), draft_id, data["base"], _writeup(data, required=True))
    return jsonify(_payload(draft))


@bp.post("/<draft_id>/submit")
@token_required
def submit(draft_id: str) -> Response:
    return jsonify(_payload(authoring().submit(_user(), draft_id, catalogue())))


@bp.post("/<draft_id>/publish")
@token_required
def publish(draft_id: str) -> Response:
    draft, warning = authoring().publish(_user(), draft_id, catalogue())
    payload = _payload(draft)
    if warning:
        payload["warning"] = warning
    return jsonify(payload)


@bp.post("/<draft_id>/reject")
@token_required
def reject(draft_id: str) -> Response:
    data = _json_object()
    return jsonify(_payload(authoring().reject(_user(), draft_id, data.get("comment"))))
