"""Authoring in the browser and through the API, against a real content repository (git, in a temp folder),
the real app and a real index: the workflow, who may do what, and what hostile input gets."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pygit2
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from kb.authoring.drafts import Authoring, Conflict
from kb.authoring.writeup import WriteUp, parse
from kb.cli import cli
from kb.content.schema import INNOVATION_SCHEMA, Spec
from kb.web import create_app
from tests.authoring_support import (AUTHOR, BODY, PASSWORD, REVIEWER, ADMIN, csrf_token, form_data, git,
                                     make_app, repo, sign_in, site)  # noqa: F401 (fixtures)
from tests.conftest import republish

ROOT = Path(__file__).resolve().parent.parent


def _state(repo_path: Path, app) -> tuple:  # noqa: ANN001
    """Everything a request could have written: files of the work tree, git refs, draft rows."""
    files = sorted(str(p.relative_to(repo_path)) for p in repo_path.rglob("*") if ".git" not in p.parts)
    refs = sorted(pygit2.Repository(str(repo_path)).references)
    with app.extensions["kb.authoring"].db.read() as conn:
        drafts = conn.execute("SELECT count(*) FROM draft").fetchone()[0]
    return files, refs, drafts


def _draft_id(response) -> str:  # noqa: ANN001
    found = re.search(r"/tulis/([0-9a-f]{12})", response.headers["Location"])
    assert found, response.headers.get("Location")
    return found.group(1)


# -- accounts and signing in -------------------------------------------------------------------------------
def test_user_add_and_token_create_on_the_command_line(tmp_path, repo):
    env = {"KB_DATA_DIR": str(tmp_path / "data"), "KB_CONTENT_DIR": str(repo)}
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "dewi@example.org", "--name", "Dewi", "--role", "reviewer"],
                          env={**env, "KB_NEW_PASSWORD": PASSWORD})
    assert added.exit_code == 0, added.output
    prompted = runner.invoke(cli, ["user", "add", "eko@example.org", "--name", "Eko"], env=env,
                             input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0 and "added author eko@example.org" in prompted.output
    weak = runner.invoke(cli, ["user", "add", "fajar@example.org", "--name", "F"], env={**env, "KB_NEW_PASSWORD": "short"})
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    reset = runner.invoke(cli, ["user", "password", "eko@example.org"], env={**env, "KB_NEW_PASSWORD": "baru-" + PASSWORD})
    assert reset.exit_code == 0 and "new password set" in reset.output
    made = runner.invoke(cli, ["token", "create", "dewi@example.org"], env=env)
    assert made.exit_code == 0
    token = made.output.strip().splitlines()[-1]
    assert token.startswith("kb_") and len(token) > 30
    assert runner.invoke(cli, ["token", "create", "nobody@example.org"], env=env).exit_code == 1
    app = make_app(repo, tmp_path)
    client = app.test_client()
    mine = client.get("/api/v1/drafts/0123456789ab", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 404  # the token is accepted: the draft just does not exist
    assert client.get("/api/v1/drafts/0123456789ab", headers={"Authorization": "Bearer kb_wrong"}).status_code == 401
    accounts = app.extensions["kb.authoring"].accounts
    assert accounts.authenticate("eko@example.org", "baru-" + PASSWORD) is not None
    assert accounts.authenticate("eko@example.org", PASSWORD) is None
    stored = (tmp_path / "data" / "authoring.sqlite").read_bytes()
    assert token.encode() not in stored and PASSWORD.encode() not in stored  # digests and argon2 hashes only
    app.extensions["kb.generations"].close()


def test_sign_in_sets_a_safe_session_cookie_and_sign_out_needs_a_post(site):
    client = site.test_client()
    bad = sign_in(client, AUTHOR, "wrong-password-1")
    assert bad.status_code == 401 and "Surel atau kata sandi salah" in bad.get_data(as_text=True)
    ok = sign_in(client, AUTHOR)
    assert ok.status_code == 303 and ok.headers["Location"] == "/tulis"
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/tulis").status_code == 200
    assert client.get("/keluar").status_code == 200  # a GET only shows the button
    assert client.get("/tulis").status_code == 200
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/keluar").get_data(as_text=True))})
    assert client.get("/tulis").status_code == 303  # signed out: to /masuk


def test_secure_cookies_behind_https(repo, tmp_path):
    app = make_app(repo, tmp_path, COOKIE_SECURE=True)
    app.extensions["kb.authoring"].accounts.add(AUTHOR, "Ani", "author", PASSWORD)
    assert "Secure" in sign_in(app.test_client(), AUTHOR).headers["Set-Cookie"]
    app.extensions["kb.generations"].close()


def test_sign_in_redirects_only_to_this_site(site):
    client = site.test_client()
    token = csrf_token(client.get("/masuk").get_data(as_text=True))
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/masuk", data={"email": AUTHOR, "password": PASSWORD, "csrf_token": token,
                                               "next": target})
        assert response.headers["Location"] == "/tulis", target
    response = client.post("/masuk", data={"email": AUTHOR, "password": PASSWORD, "csrf_token": token,
                                           "next": "/tinjau"})
    assert response.headers["Location"] == "/tinjau"


def test_sign_in_is_rate_limited_per_account_with_a_clear_message(site):
    client = site.test_client()
    for _ in range(5):
        assert sign_in(client, AUTHOR, "wrong-password-1").status_code == 401
    limited = sign_in(client, AUTHOR)  # even the right password, until the window ends
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "Terlalu banyak percobaan masuk yang gagal" in limited.get_data(as_text=True)
    english = site.test_client()
    english.get("/masuk?lang=en")
    assert "Too many failed sign-in attempts" in sign_in(english, AUTHOR).get_data(as_text=True)
    assert sign_in(site.test_client(), REVIEWER).status_code == 303  # another account is not affected


def test_sign_in_is_rate_limited_per_address(site):
    client = site.test_client()
    for n in range(20):
        assert sign_in(client, f"nobody{n}@example.org", "wrong-password-1").status_code == 401
    assert sign_in(client, "someone-else@example.org", "wrong-password-1").status_code == 429


def test_a_post_without_a_csrf_token_is_a_400_and_writes_nothing(site, repo):
    client = site.test_client()
    assert client.post("/masuk", data={"email": AUTHOR, "password": PASSWORD}).status_code == 400
    sign_in(client, AUTHOR)
    before = _state(repo, site)
    data = form_data(client, "/tulis")
    del data["csrf_token"]
    assert client.post("/tulis", data=data).status_code == 400
    data["csrf_token"] = "forged"
    assert client.post("/tulis", data=data).status_code == 400
    assert _state(repo, site) == before


def test_read_only_when_the_content_folder_is_not_a_repository_top(content_dir, tmp_path):
    """A plain folder, and the bundled content (a folder inside the project's repository): the site serves,
    /masuk says why nobody can write, and nothing touches the data folder."""
    for content in (content_dir, ROOT / "content"):
        app = make_app(content, tmp_path / content.name)
        client = app.test_client()
        page = client.get("/masuk")
        assert page.status_code == 503
        assert "hanya-baca" in page.get_data(as_text=True) and "init-repo" in page.get_data(as_text=True)
        assert client.get("/").status_code == 200
        assert 'href="/tulis"' not in client.get("/").get_data(as_text=True)
        api = client.post("/api/v1/drafts", json={"slug": "x"}, headers={"Authorization": "Bearer kb_x"})
        assert api.status_code == 403
        assert not (tmp_path / content.name / "data").exists()
        app.extensions["kb.generations"].close()
    bundled = make_app(ROOT / "content", tmp_path / "b2")
    assert "repositori git lain" in bundled.test_client().get("/masuk").get_data(as_text=True)
    bundled.extensions["kb.generations"].close()


def test_replicas_can_turn_authoring_off(repo, tmp_path):
    app = make_app(repo, tmp_path, AUTHORING=False)
    assert "KB_AUTHORING" in app.test_client().get("/masuk").get_data(as_text=True)
    app.extensions["kb.generations"].close()


# -- the workflow through the forms ----------------------------------------------------------------------------
def test_write_review_publish_through_the_forms(site, repo):
    author, reviewer = site.test_client(), site.test_client()
    sign_in(author, AUTHOR)
    sign_in(reviewer, REVIEWER)
    form = author.get("/tulis").get_data(as_text=True)
    for name in ("title", "summary", "agency", "region", "sectors", "year", "stage", "sources[1].title", "body",
                 "cost.band"):
        assert f'name="{name}"' in form, name
    created = author.post("/tulis", data=form_data(author, "/tulis", year="dua ribu"))
    draft_id = _draft_id(created)
    page = author.get(f"/tulis/{draft_id}").get_data(as_text=True)
    # the validator's message next to the year input, as `check` words it
    assert re.search(r'data-for="year"[^>]*><li class="error">expected a whole number', page)
    token = csrf_token(page)
    refused = author.post(f"/tulis/{draft_id}", data=form_data(author, f"/tulis/{draft_id}", year="dua ribu",
                                                                revision="1", action="submit"))
    assert refused.status_code == 422
    saved = author.post(f"/tulis/{draft_id}", data=form_data(author, f"/tulis/{draft_id}", revision="1"))
    assert saved.status_code == 303
    submitted = author.post(f"/tulis/{draft_id}", data=form_data(author, f"/tulis/{draft_id}", revision="2",
                                                                  action="submit"))
    assert submitted.status_code == 303 and "done=submitted" in submitted.headers["Location"]
    # authors cannot review or publish, not even their own
    assert author.get("/tinjau").status_code == 403
    assert author.post(f"/tinjau/{draft_id}", data={"csrf_token": token, "action": "publish"}).status_code == 403
    queue = reviewer.get("/tinjau").get_data(as_text=True)
    assert "Layanan Dokumen Keliling" in queue and "Ani Penulis" in queue
    review = reviewer.get(f"/tinjau/{draft_id}").get_data(as_text=True)
    assert "<dt>Judul" in review and "<dt>Instansi pemrakarsa" in review  # labels, not YAML lines
    assert "<ins>Layanan Dokumen Keliling</ins>" in review
    rtoken = csrf_token(review)
    reviewer.post(f"/tinjau/{draft_id}", data={"csrf_token": rtoken, "action": "reject",
                                               "comment": "Tambahkan sumber kedua."})
    back = author.get(f"/tulis/{draft_id}").get_data(as_text=True)
    assert "Tambahkan sumber kedua." in back and "mengembalikan ke penulis" in back
    author.post(f"/tulis/{draft_id}", data=form_data(author, f"/tulis/{draft_id}", revision="2",
                                                     action="submit", **{"sources[2].title": "Laporan tahunan"}))
    reviewer.post(f"/tinjau/{draft_id}", data={"csrf_token": rtoken, "action": "comment", "comment": "Bagus."})
    published = reviewer.post(f"/tinjau/{draft_id}", data={"csrf_token": rtoken, "action": "publish"})
    assert published.status_code == 303 and "done=published" in published.headers["Location"]
    # git: authored by the author, committed by the site, the message names the slug
    log = git(repo, "log", "-1", "--format=%an <%ae>|%cn|%s")
    assert log.strip() == "Ani Penulis <ani@example.org>|Lumbung Inovasi|layanan-dokumen-keliling: publish new write-up"
    assert git(repo, "status", "--porcelain") == ""
    text = (repo / "innovations" / "layanan-dokumen-keliling.md").read_text(encoding="utf-8")
    assert "Laporan tahunan" in text
    republish(site)  # what the sync owner does within a second of the work tree changing
    visitor = site.test_client()
    assert "Layanan Dokumen Keliling" in visitor.get("/inovasi/layanan-dokumen-keliling").get_data(as_text=True)
    assert visitor.get("/api/v1/search?q=dokumen+keliling").get_json()["results"][0]["slug"] == \
        "layanan-dokumen-keliling"
    assert "layanan-dokumen-keliling" in visitor.get("/feed.xml").get_data(as_text=True)
    history = visitor.get("/inovasi/layanan-dokumen-keliling/riwayat").get_data(as_text=True)
    assert "Ani Penulis" in history and "publish new write-up" in history and "<dt>Judul" in history


def test_a_change_proposal_starts_from_the_published_file_and_history_shows_it(site, repo):
    author, reviewer = site.test_client(), site.test_client()
    sign_in(author, AUTHOR)
    sign_in(reviewer, REVIEWER)
    page = author.get("/tulis?slug=klinik-bumdesa").get_data(as_text=True)
    assert 'value="Klinik BUM Desa"' in page and "Usulkan perubahan" in page
    published = parse((repo / "innovations" / "klinik-bumdesa.md").read_bytes(), "klinik-bumdesa")
    data = form_data(author, "/tulis?slug=klinik-bumdesa", slug="klinik-bumdesa", title="Klinik BUM Desa Jatim",
                     agency=published.front_matter["agency"], region=published.front_matter["region"],
                     summary=published.front_matter["summary"], year="2019",
                     sectors=published.front_matter["sectors"], body=published.body.replace(
                         "Layanan terpadu satu atap", "Layanan terpadu dua atap"))
    draft_id = _draft_id(author.post("/tulis", data=data))
    author.post(f"/tulis/{draft_id}", data={**data, "revision": "1", "action": "submit",
                                            "csrf_token": csrf_token(author.get(f"/tulis/{draft_id}").get_data(as_text=True))})
    review = reviewer.get(f"/tinjau/{draft_id}").get_data(as_text=True)
    assert "<del>Klinik BUM Desa</del>" in review and "<ins>Klinik BUM Desa Jatim</ins>" in review
    assert "<del>satu</del><ins>dua</ins>" in review  # a word diff of the body
    reviewer.post(f"/tinjau/{draft_id}", data={"csrf_token": csrf_token(review), "action": "publish"})
    assert git(repo, "log", "-1", "--format=%s").strip() == "klinik-bumdesa: publish change"
    republish(site)
    history = site.test_client().get("/inovasi/klinik-bumdesa/riwayat").get_data(as_text=True)
    assert history.index("Ani Penulis") < history.index("Content from")  # newest first, then the first commit
    assert "<del>satu</del><ins>dua</ins>" in history
    assert site.test_client().get("/inovasi/simpadu/riwayat").status_code == 301  # an alias: the canonical one


def test_history_of_the_bundled_content_comes_from_the_project_repository(tmp_path):
    app = make_app(ROOT / "content", tmp_path)
    page = app.test_client().get("/inovasi/jalin-matra-pfk/riwayat")
    assert page.status_code == 200
    if (ROOT / ".git").exists() and not pygit2.Repository(str(ROOT)).is_shallow:
        assert "<dt>" in page.get_data(as_text=True)  # at least the commit that added it, field by field
    app.extensions["kb.generations"].close()


def test_the_form_follows_the_schema_table(site, monkeypatch):
    monkeypatch.setitem(INNOVATION_SCHEMA, "budget_note", Spec("str", max_len=120, help="catatan anggaran"))
    client = site.test_client()
    sign_in(client, AUTHOR)
    page = client.get("/tulis").get_data(as_text=True)
    assert 'name="budget_note"' in page and "catatan anggaran" in page
    draft_id = _draft_id(client.post("/tulis", data=form_data(client, "/tulis", budget_note="Rp 10 juta per tahun")))
    draft = site.extensions["kb.authoring"].get(draft_id)
    assert draft.writeup.front_matter["budget_note"] == "Rp 10 juta per tahun"


def test_admins_manage_accounts(site):
    admin, author = site.test_client(), site.test_client()
    sign_in(admin, ADMIN)
    sign_in(author, AUTHOR)
    assert author.get("/akun").status_code == 403
    token = csrf_token(admin.get("/akun").get_data(as_text=True))
    added = admin.post("/akun", data={"csrf_token": token, "action": "add", "email": "gita@example.org",
                                      "name": "Gita", "role": "author", "password": PASSWORD})
    assert added.status_code == 200 and "gita@example.org" in added.get_data(as_text=True)
    assert sign_in(site.test_client(), "gita@example.org").status_code == 303
    gita = site.extensions["kb.authoring"].accounts.by_email("gita@example.org")
    admin.post("/akun", data={"csrf_token": token, "action": "update", "user_id": str(gita.id), "role": "author",
                              "active": "0"})
    assert sign_in(site.test_client(), "gita@example.org").status_code == 401


# -- hostile input -------------------------------------------------------------------------------------------------
BAD_SLUGS = ["../x", "a/b", "Upper", "x" * 300, "..", "a--b", "-a", "a.md", "a b", "a\x00b"]


@pytest.mark.parametrize("slug", BAD_SLUGS)
def test_bad_slugs_are_refused_before_any_path_is_made(site, repo, slug):
    accounts = site.extensions["kb.authoring"].accounts
    token = accounts.create_token(accounts.by_email(AUTHOR).id)
    client = site.test_client()
    before = _state(repo, site)
    api = client.post("/api/v1/drafts", json={"slug": slug, "front_matter": {"title": "x"}, "body": "x"},
                      headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 422 and "slug" in api.get_json()["error"]["message"]
    sign_in(client, AUTHOR)
    form = client.post("/tulis", data=form_data(client, "/tulis", slug=slug))
    assert form.status_code == 422 and "slug" in form.get_data(as_text=True)
    existing = client.get("/tulis", query_string={"slug": slug})
    assert existing.status_code == 400
    assert _state(repo, site) == before


XSS_BODY = ("## Latar Belakang\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
            "[klik](javascript:alert(1)) <a href=\"#\" onclick=\"alert(1)\">a</a>\n")


def test_script_in_a_body_is_sanitized_in_preview_review_and_page(site):
    author, reviewer = site.test_client(), site.test_client()
    sign_in(author, AUTHOR)
    sign_in(reviewer, REVIEWER)
    data = form_data(author, "/tulis", body=XSS_BODY + BODY)
    live = author.post("/tulis/periksa", data=data, headers={"X-CSRFToken": data["csrf_token"]}).get_json()
    draft_id = _draft_id(author.post("/tulis", data=data))
    author.post(f"/tulis/{draft_id}", data={**data, "revision": "1", "action": "submit"})
    pages = [live["html"], author.get(f"/tulis/{draft_id}").get_data(as_text=True),
             author.get(f"/tulis/{draft_id}/pratinjau").get_data(as_text=True),
             reviewer.get(f"/tinjau/{draft_id}").get_data(as_text=True)]
    reviewer.post(f"/tinjau/{draft_id}", data={"csrf_token": csrf_token(pages[-1]), "action": "publish"})
    republish(site)
    pages.append(site.test_client().get("/inovasi/layanan-dokumen-keliling").get_data(as_text=True))
    for html in pages:  # the textarea holds the text escaped; no tag may carry it live
        assert "<script>alert" not in html and not re.search(r"<[^<>]*\son[a-z]+\s*=", html)
        assert 'href="javascript:' not in html and "<img" not in html
    assert "Layanan keliling desa." in pages[0]  # the rest of the body is there


INJECTIONS = ["x\n---\nsummary: disuntik", "x\nyear: 1999", "'; drop: [1", "!!python/object/apply:os.system ['id']",
              "{title: y}", "x # komentar", "&anchor x", "- daftar"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_values_are_data_never_yaml(site, repo, value):
    """Whatever a field holds goes into the file as that text, through the YAML emitter (read back to prove it)."""
    accounts = site.extensions["kb.authoring"].accounts
    token = accounts.create_token(accounts.by_email(AUTHOR).id)
    client = site.test_client()
    front = {"title": value, "summary": "Ringkasan.", "agency": value, "region": "Kabupaten Banyuwangi",
             "sectors": ["kesehatan"], "year": 2020}
    created = client.post("/api/v1/drafts", json={"slug": "uji-suntik", "front_matter": front, "body": BODY},
                          headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201
    draft = site.extensions["kb.authoring"].get(created.get_json()["id"])
    assert parse(draft.raw, "uji-suntik").front_matter == front
    sign_in(client, AUTHOR)
    draft_id = _draft_id(client.post("/tulis", data=form_data(client, "/tulis", slug="uji-form", title=value)))
    back = parse(site.extensions["kb.authoring"].get(draft_id).raw, "uji-form")
    assert back.front_matter["title"] == value.strip() and set(back.front_matter) <= set(INNOVATION_SCHEMA)


def test_live_check_needs_a_session_and_a_csrf_token(site):
    client = site.test_client()
    assert client.post("/tulis/periksa", data={"title": "x"}).status_code in (303, 400)
    sign_in(client, AUTHOR)
    assert client.post("/tulis/periksa", data={"title": "x"}).status_code == 400
    token = csrf_token(client.get("/tulis").get_data(as_text=True))
    ok = client.post("/tulis/periksa", data={"title": "x", "year": "abc"}, headers={"X-CSRFToken": token})
    problems = ok.get_json()["problems"]
    assert {"field": "year", "message": "expected a whole number, got text ('abc')", "severity": "error",
            "target": "year"} in problems


def test_drafts_are_private_to_their_author_and_reviewers(site):
    accounts = site.extensions["kb.authoring"].accounts
    other = accounts.add("hana@example.org", "Hana", "author", PASSWORD)
    mine = site.extensions["kb.authoring"].create(accounts.by_email(AUTHOR), "draf-pribadi",
                                                  WriteUp({"title": "Rahasia"}, "isi"))
    client = site.test_client()
    sign_in(client, other.email)
    assert client.get(f"/tulis/{mine.id}").status_code == 403
    assert client.get("/tulis/zzz").status_code == 404
    reviewer = site.test_client()
    sign_in(reviewer, REVIEWER)
    assert reviewer.get(f"/tulis/{mine.id}").status_code == 200


# -- concurrency ------------------------------------------------------------------------------------------------
def test_concurrent_publishes_are_serialised(site, repo):
    authoring: Authoring = site.extensions["kb.authoring"]
    accounts = authoring.accounts
    author, reviewer = accounts.by_email(AUTHOR), accounts.by_email(REVIEWER)
    base = parse((repo / "innovations" / "klinik-bumdesa.md").read_bytes(), "klinik-bumdesa")
    drafts = []
    for n in range(6):  # three new write-ups, three changes to the same published one
        if n < 3:
            front = {**base.front_matter, "title": f"Tulisan {n}"}
            draft = authoring.create(author, f"tulisan-{n}", WriteUp(front, base.body))
        else:
            draft = authoring.create(author, "klinik-bumdesa", WriteUp({**base.front_matter, "title": f"Versi {n}"},
                                                                        base.body))
        drafts.append(authoring.submit(author, draft.id).id)
    start, results = threading.Barrier(len(drafts)), {}

    def publish(draft_id: str) -> None:
        start.wait()
        try:
            results[draft_id] = authoring.publish(reviewer, draft_id)[0].published_commit
        except Conflict as exc:
            results[draft_id] = exc

    threads = [threading.Thread(target=publish, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    commits = [r for r in results.values() if isinstance(r, str)]
    refused = [r for r in results.values() if isinstance(r, Conflict)]
    assert len(commits) == 4 and len(refused) == 2  # every new one; one of the three changes
    assert all(r.status == 409 and r.detail["changes"] for r in refused)
    lines = git(repo, "log", "--format=%H %P", "-5").strip().splitlines()
    chain = [line.split() for line in lines]
    assert all(len(c) == 2 for c in chain[:4]) and all(chain[i][1] == chain[i + 1][0] for i in range(3))
    assert {c[0] for c in chain[:4]} == set(commits)
    assert git(repo, "status", "--porcelain") == ""


def test_an_edit_from_a_stale_revision_or_base_is_a_409_that_shows_what_changed(site, repo):
    author, reviewer = site.test_client(), site.test_client()
    sign_in(author, AUTHOR)
    sign_in(reviewer, REVIEWER)
    authoring: Authoring = site.extensions["kb.authoring"]
    accounts = authoring.accounts
    first = authoring.create(accounts.by_email(REVIEWER), "klinik-bumdesa", None)
    second = authoring.create(accounts.by_email(AUTHOR), "klinik-bumdesa", None)
    authoring.update(accounts.by_email(REVIEWER), first.id, 1,
                     WriteUp({**first.writeup.front_matter, "title": "Klinik BUM Desa Baru"}, first.writeup.body))
    authoring.submit(accounts.by_email(REVIEWER), first.id)
    authoring.publish(accounts.by_email(REVIEWER), first.id)
    page = author.get(f"/tulis/{second.id}").get_data(as_text=True)
    assert "Versi terbit berubah sejak draf ini dimulai" in page and "<ins>Klinik BUM Desa Baru</ins>" in page
    token = csrf_token(page)
    stale = author.post(f"/tulis/{second.id}", data={"csrf_token": token, "revision": "0", "title": "x"},
                        headers={"Accept": "application/json"})
    assert stale.status_code == 409 and stale.get_json()["revision"] == 1
    authoring.submit(accounts.by_email(AUTHOR), second.id)
    rtoken = csrf_token(reviewer.get(f"/tinjau/{second.id}").get_data(as_text=True))
    refused = reviewer.post(f"/tinjau/{second.id}", data={"csrf_token": rtoken, "action": "publish"})
    assert refused.status_code == 409
    assert "Klinik BUM Desa Baru" in refused.get_data(as_text=True)
    rebased = author.post(f"/tulis/{second.id}", data={"csrf_token": token, "action": "rebase"})
    assert rebased.status_code == 303
    assert authoring.get(second.id).writeup.front_matter["title"] == "Klinik BUM Desa Baru"
    assert authoring.changed_meanwhile(authoring.get(second.id)) is None


def test_a_hand_edit_that_was_never_committed_is_not_overwritten(site, repo):
    authoring: Authoring = site.extensions["kb.authoring"]
    reviewer = authoring.accounts.by_email(REVIEWER)
    draft = authoring.create(reviewer, "klinik-bumdesa", None)
    authoring.submit(reviewer, draft.id)
    target = repo / "innovations" / "klinik-bumdesa.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nTambahan tangan.\n", encoding="utf-8")
    with pytest.raises(Conflict, match="not committed"):
        authoring.publish(reviewer, draft.id)
    assert target.read_text(encoding="utf-8").endswith("Tambahan tangan.\n")


def test_init_repo_copies_a_content_folder(tmp_path, content_dir):
    runner = CliRunner()
    made = runner.invoke(cli, ["init-repo", str(tmp_path / "copy"), "--from", str(content_dir)])
    assert made.exit_code == 0, made.output
    assert git(tmp_path / "copy", "ls-files").split() == sorted(
        str(p.relative_to(content_dir)) for p in content_dir.rglob("*.md"))
    assert runner.invoke(cli, ["init-repo", str(tmp_path / "copy")]).exit_code == 1  # not over a non-empty folder
    same = runner.invoke(cli, ["init-repo", str(tmp_path / "self")], env={"KB_CONTENT_DIR": str(tmp_path / "self")})
    assert same.exit_code == 1 and "--from" in same.output
