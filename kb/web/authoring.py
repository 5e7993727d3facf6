"""Writing and reviewing in the browser: /tulis (new draft, my drafts), /tulis/<id> (edit, submit),
/tinjau (review queue), /tinjau/<id> (field diff, comments, send back, publish), and the public history
of a write-up, /inovasi/<slug>/riwayat.

Every page works without JavaScript (plain form posts, redirect after post); `static/authoring.js` adds the
live preview and checks as the author types, and autosave (to the server and to localStorage, so a closed
tab loses nothing). The preview is the page's own rendering (kb.content.render), sanitized the same way.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.authoring import form as form_fields
from kb.authoring.checks import Catalogue, check_text, problems_json
from kb.authoring.drafts import Draft, Refused
from kb.authoring.fielddiff import diff
from kb.authoring.gitstore import ContentRepo
from kb.authoring.writeup import SlugError, WriteUp, check_slug, compose, parse, path_of
from kb.content.issues import Issue
from kb.content.render import render_markdown
from kb.content.template import slugify
from kb.publish.generation import Unavailable
from kb.web.auth import authoring
from kb.web.i18n import current_language
from kb.web.pages import find_innovation, records

bp = Blueprint("authoring", __name__)
HISTORY_LIMIT = 100


def catalogue() -> Catalogue | None:
    """The published catalogue the cross-file checks use (None while there is no index yet)."""
    try:
        return records()
    except Unavailable:
        return None


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _require_site() -> None:
    if not authoring().available:
        abort(503, description=_("Penulisan lewat peramban tidak aktif di situs ini."))


def _writeup_from_form(previous: WriteUp | None = None) -> WriteUp:
    """The form's values as a write-up; keys the schema does not know are kept from the previous version."""
    front = form_fields.parse(request.form)
    if previous is not None:
        front.update({k: v for k, v in previous.front_matter.items() if k not in form_fields.INNOVATION_SCHEMA})
    return WriteUp(front, request.form.get("body", ""))


def _targets(issues: list[Issue], fields: list[form_fields.Field]) -> dict[str, list[Issue]]:
    """Problems by the input (or group) they belong to: the most specific name the form has."""
    names: set[str] = set()

    def walk(items: list[form_fields.Field]) -> None:
        for f in items:
            names.add(f.name)
            walk(f.children)

    walk(fields)
    names.add("body")
    out: dict[str, list[Issue]] = {}
    for issue in issues:
        out.setdefault(target_of(issue.field, names), []).append(issue)
    return out


def target_of(name: str, names: set[str]) -> str:
    """`sources[2].url` -> itself; `sectors[3]` -> `sectors`; `awards[1]` -> `awards[1]`; else "" (general)."""
    candidate = name
    while candidate:
        if candidate in names:
            return candidate
        cut = max(candidate.rfind("["), candidate.rfind("."))
        candidate = candidate[:cut] if cut > 0 else ""
    return ""


def _problems_payload(issues: list[Issue], writeup: WriteUp) -> list[dict[str, Any]]:
    fields = form_fields.fields(writeup.front_matter)
    targets = _targets(issues, fields)
    by_issue = {id(i): t for t, found in targets.items() for i in found}
    return [{**p, "target": by_issue[id(i)]} for p, i in zip(problems_json(issues), issues)]


def _render_write(draft: Draft | None, writeup: WriteUp, issues: list[Issue], status: int = 200,
                  slug: str = "", error: str | None = None, **extra: Any):  # noqa: ANN202
    fields = form_fields.fields(writeup.front_matter)
    site = authoring()
    context: dict[str, Any] = {}
    if draft is not None:
        context = {"events": site.events(draft.id), "meanwhile": site.changed_meanwhile(draft, current_language()),
                   "changes": site.changes(draft, current_language())}
    return render_template(
        "authoring/write.html", draft=draft, fields=fields, body=writeup.body, problems=_targets(issues, fields),
        issues=issues, preview=render_markdown(writeup.body).html, writeup=writeup, slug=slug, error=error,
        mine=site.list(current_user) if draft is None else [], field_label=form_fields.field_label,
        **context, **extra), status


# -- writing --------------------------------------------------------------------------------------------------
@bp.get("/tulis")
@login_required
def write():  # noqa: ANN201
    """A new write-up, or (?slug=) a change to a published one, starting from its file."""
    _require_site()
    slug = request.args.get("slug", "")
    writeup = WriteUp({"updated": dt.date.today()}, "")
    if slug:
        try:
            check_slug(slug)
        except SlugError as exc:
            abort(400, description=str(exc))
        _, raw = authoring().published(slug)
        if raw is None:
            abort(404, description=_("Tulisan %(slug)s belum terbit.", slug=slug))
        parsed = parse(raw, slug)
        if isinstance(parsed, WriteUp):
            writeup = parsed
    return _render_write(None, writeup, [], slug=slug)


@bp.post("/tulis")
@login_required
def create():  # noqa: ANN201
    """Create the draft (the first save of /tulis, with or without JavaScript)."""
    _require_site()
    slug = request.form.get("slug", "").strip() or slugify(request.form.get("title", ""))[:100]
    site = authoring()
    writeup = _writeup_from_form()
    try:
        draft = site.create(current_user, slug, writeup)
    except Refused as exc:
        if wants_json():
            return jsonify({"error": {"status": exc.status, "message": exc.message}}), exc.status
        return _render_write(None, writeup, [], status=exc.status, slug=slug, error=exc.message)
    if wants_json():
        return jsonify(_draft_json(draft)), 201
    return redirect(url_for("authoring.edit", draft_id=draft.id), code=303)


@bp.get("/tulis/<draft_id>")
@login_required
def edit(draft_id: str):  # noqa: ANN201
    _require_site()
    draft = _get(draft_id)
    return _render_write(draft, draft.writeup, authoring().problems(draft, catalogue()),
                         submitted=request.args.get("done"))


@bp.post("/tulis/<draft_id>")
@login_required
def save(draft_id: str):  # noqa: ANN201
    """Save (action=save, or autosave from the script), submit, comment, or move onto the newest published
    version (rebase). A stale revision is a 409 that shows the draft as it is now."""
    _require_site()
    site = authoring()
    draft = _get(draft_id)
    action = request.form.get("action", "save")
    try:
        if action == "comment":
            site.comment(current_user, draft_id, request.form.get("comment"))
            return redirect(url_for("authoring.edit", draft_id=draft_id) + "#diskusi", code=303)
        if action == "rebase":
            _, conflicts = site.rebase(current_user, draft_id)
            return redirect(url_for("authoring.edit", draft_id=draft_id, done="rebased" if not conflicts else
                                    "rebased-conflicts"), code=303)
        writeup = _writeup_from_form(draft.writeup)
        revision = _int(request.form.get("revision"))
        draft = site.update(current_user, draft_id, revision, writeup)
        issues = site.problems(draft, catalogue())
        if action == "submit":
            draft = site.submit(current_user, draft_id, catalogue())
            return redirect(url_for("authoring.edit", draft_id=draft_id, done="submitted"), code=303)
    except Refused as exc:
        if wants_json():
            return jsonify({"error": {"status": exc.status, "message": exc.message},
                            "revision": exc.detail.get("revision")}), exc.status
        current = _get(draft_id)
        if action in ("save", "submit", "autosave"):
            shown = _writeup_from_form(current.writeup)
            problems = exc.detail.get("problems") or check_text(current.slug, _safe_compose(shown, current),
                                                                site.content_dir, catalogue(), new=current.is_new)
        else:
            shown, problems = current.writeup, site.problems(current, catalogue())
        return _render_write(current, shown, problems, status=exc.status, error=exc.message)
    if wants_json():
        return jsonify({**_draft_json(draft), "problems": _problems_payload(issues, draft.writeup)})
    return redirect(url_for("authoring.edit", draft_id=draft_id, done="saved"), code=303)


@bp.post("/tulis/periksa")
@login_required
def check_live() -> Response:
    """The live preview and checks of the form as it is now (nothing saved): the body as the page renders
    it, and the problems `check` would report, each with the input it belongs to."""
    _require_site()
    slug = request.form.get("slug", "").strip() or slugify(request.form.get("title", ""))[:100] or "draf"
    try:
        check_slug(slug)
    except SlugError as exc:
        slug = "draf"
        slug_problem = [{"field": "slug", "message": str(exc), "severity": "error", "target": "slug"}]
    else:
        slug_problem = []
    writeup = _writeup_from_form()
    try:
        raw = compose(writeup)
    except ValueError as exc:
        return jsonify({"html": "", "problems": [{"field": "", "message": str(exc), "severity": "error",
                                                  "target": ""}]})
    new = request.form.get("new", "1") == "1"
    issues = check_text(slug, raw, authoring().content_dir, catalogue(), new=new)
    return jsonify({"html": render_markdown(writeup.body).html,
                    "problems": slug_problem + _problems_payload(issues, writeup)})


@bp.get("/tulis/<draft_id>/pratinjau")
@login_required
def full_preview(draft_id: str):  # noqa: ANN201
    """The draft on the write-up page template, as readers will see it (when it has no errors)."""
    _require_site()
    from kb.content.loader import read_innovation
    from kb.authoring.checks import award_keys
    from pathlib import Path

    draft = _get(draft_id)
    shown = path_of(draft.slug)
    result = read_innovation(Path(shown), shown, award_keys(authoring().content_dir), raw=draft.raw)
    if result.record is None:
        return _render_write(draft, draft.writeup, result.issues, status=422,
                             error=_("Pratinjau halaman penuh memerlukan draf tanpa galat."))
    rec = catalogue()
    awards = rec.awards if rec is not None else {}
    inn = result.record
    inn.awards = [a for a in inn.awards if a.award in awards]
    return render_template("innovation.html", inn=inn, body=render_markdown(draft.writeup.body), awards=awards,
                           replicas=[], linked={}, similar=[], json_ld="{}", og_type="article", problems=None,
                           draft_preview=draft)


# -- reviewing ------------------------------------------------------------------------------------------------
@bp.get("/tinjau")
@login_required
def queue():  # noqa: ANN201
    _require_site()
    if not current_user.is_reviewer:
        abort(403, description=_("Hanya peninjau yang dapat membuka antrean tinjauan."))
    return render_template("authoring/queue.html", drafts=authoring().list(current_user, status="in_review"))


@bp.route("/tinjau/<draft_id>", methods=["GET", "POST"])
@login_required
def review(draft_id: str):  # noqa: ANN201
    _require_site()
    if not current_user.is_reviewer:
        abort(403, description=_("Hanya peninjau yang dapat meninjau."))
    site = authoring()
    draft = _get(draft_id)
    status, error, warning, changes_meanwhile = 200, None, None, None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "comment":
                site.comment(current_user, draft_id, request.form.get("comment"))
            elif action == "reject":
                site.reject(current_user, draft_id, request.form.get("comment"))
            elif action == "publish":
                draft, warning = site.publish(current_user, draft_id, catalogue())
                if warning is None:
                    return redirect(url_for("authoring.review", draft_id=draft_id, done="published"), code=303)
            else:
                abort(400, description="unknown action")
            if warning is None:
                return redirect(url_for("authoring.review", draft_id=draft_id) + "#diskusi", code=303)
        except Refused as exc:
            status, error = exc.status, exc.message
            changes_meanwhile = exc.detail.get("changes")
        draft = _get(draft_id)
    lang = current_language()
    return render_template("authoring/review.html", draft=draft, changes=site.changes(draft, lang),
                           meanwhile=changes_meanwhile or site.changed_meanwhile(draft, lang),
                           issues=site.problems(draft, catalogue()), events=site.events(draft_id),
                           field_label=form_fields.field_label, error=error, warning=warning,
                           done=request.args.get("done"),
                           preview=render_markdown(draft.writeup.body).html), status


# -- history --------------------------------------------------------------------------------------------------
@bp.get("/inovasi/<slug>/riwayat")
def history(slug: str):  # noqa: ANN201
    """Who changed what and when, from git, newest first, with the field diff of each change."""
    found = find_innovation(slug, "authoring.history")
    entries = []
    repo = _history_repo()
    if repo is not None:
        lang = current_language()
        path = path_of(found.slug)
        for version in repo.history(path, HISTORY_LIMIT):
            old = parse(repo.read_blob(version.old), found.slug) if version.old else None
            new = parse(repo.read_blob(version.new), found.slug) if version.new else None
            entries.append((version, diff(old if isinstance(old, WriteUp) else None,
                                          new if isinstance(new, WriteUp) else None, lang),
                            dt.datetime.fromtimestamp(version.when, dt.timezone(dt.timedelta(minutes=version.offset)))))
    return render_template("authoring/history.html", inn=found, entries=entries, has_git=repo is not None,
                           field_label=form_fields.field_label, limit=HISTORY_LIMIT)


def _history_repo() -> ContentRepo | None:
    site = authoring()
    if site.repo is not None:
        return site.repo
    try:
        return ContentRepo(site.content_dir)  # read-only: the content folder inside a larger repository
    except (FileNotFoundError, ValueError):
        return None


# -- helpers --------------------------------------------------------------------------------------------------
def _get(draft_id: str) -> Draft:
    try:
        return authoring().get(draft_id, current_user)
    except Refused as exc:
        abort(exc.status, description=exc.message)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _safe_compose(writeup: WriteUp, draft: Draft) -> bytes:
    try:
        return compose(writeup)
    except ValueError:
        return draft.raw


def _draft_json(draft: Draft) -> dict[str, Any]:
    return {"id": draft.id, "slug": draft.slug, "status": draft.status, "revision": draft.revision,
            "url": url_for("authoring.edit", draft_id=draft.id)}
