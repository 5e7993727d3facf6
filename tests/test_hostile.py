"""Hostile content and hostile requests: clear messages, nothing lost, nothing executed, never a 500."""
from __future__ import annotations

import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.content import load_catalogue
from kb.publish import publish
from kb.web import create_app
from tests.conftest import BODY, innovation_data, write_file, write_innovation

XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
       "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "<svg onload=alert(1)>",
       "<a href='javascript:alert(1)'>x</a>", "{{ 7*7 }}"]
EXOTIC = ["مبادرة الخدمة العامة", "שירות ציבורי", "🙂🚀 inovasi 💡", "\u202eRTL override", "x" * 150]

BAD_FILES: list[tuple[str, bytes, str]] = [
    # (file name, bytes, fragment of the expected message)
    ("invalid-yaml.md", b"---\ntitle: [a\n---\n", "invalid YAML"),
    ("wrong-types.md", b"---\ntitle: 5\nsummary: [a]\nagency: {}\nregion: true\nsectors: x\nyear: abc\n---\n",
     "expected text"),
    ("binary.md", bytes(range(256)) * 4, "is not UTF-8 text"),
    ("nul.md", b"---\ntitle: a\x00b\n---\n", "NUL bytes"),
    ("latin1.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1"), "is not UTF-8 text"),
    ("empty.md", b"", "the file is empty"),
    ("no-front-matter.md", b"# Judul\n\nTeks.\n", "missing"),
    ("huge.md", b"---\ntitle: a\n---\n" + b"kata " * (2 * 1024 * 1024), "the limit is 1 MB"),
    ("long-title.md", ("---\n" + "title: " + "x" * 5000 + "\n---\n").encode(), "the limit is 200"),
    ("bad-url.md", b"---\ntitle: a\nsources:\n  - {title: s, url: 'javascript:alert(1)'}\n---\n",
     "is not a web address"),
    ("data-url.md", b"---\ntitle: a\ncontact: {url: 'data:text/html,x'}\n---\n", "is not a web address"),
    ("quote-url.md", b"---\ntitle: a\nawards:\n  - {name: x, year: 2020, url: 'https://a.b/\"onmouseover=x'}\n---\n",
     "contains characters a web address cannot have"),
]


def _catalogue_with(tmp_path: Path, name: str, raw: bytes):
    root = tmp_path / "content"
    write_innovation(root, "baik")
    (root / "innovations" / name).write_bytes(raw)
    return root, load_catalogue(root)


@pytest.mark.parametrize(("name", "raw", "fragment"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_reported_and_skipped(tmp_path, name, raw, fragment):
    root, cat = _catalogue_with(tmp_path, name, raw)
    messages = [str(i) for i in cat.errors if i.path.endswith(name)]
    assert any(fragment in m for m in messages), messages
    assert all(m.startswith(f"{root}/innovations/{name}:") for m in messages)
    assert list(cat.innovations) == ["baik"]


def test_front_matter_only_loads_with_warnings(tmp_path):
    root = tmp_path / "content"
    write_file(root / "innovations" / "tanpa-isi.md", innovation_data(), body="")
    cat = load_catalogue(root)
    assert "tanpa-isi" in cat.innovations
    assert any("missing recommended section" in str(w) for w in cat.warnings)


def test_symlink_outside_the_content_folder_is_not_followed(tmp_path):
    secret = tmp_path / "secret.md"
    write_file(secret, innovation_data(title="Rahasia"))
    root = tmp_path / "content"
    write_innovation(root, "baik")
    (root / "innovations" / "tautan.md").symlink_to(secret)
    cat = load_catalogue(root)
    assert "tautan" not in cat.innovations
    assert any("symbolic link to a file outside the content folder" in str(i) for i in cat.errors)


def test_duplicates_alias_collisions_and_missing_links(tmp_path):
    root = tmp_path / "content"
    write_innovation(root, "satu", aliases=["lama"])
    write_innovation(root, "dua", aliases=["lama"])  # duplicate alias
    write_innovation(root, "tiga", aliases=["satu"])  # alias equal to another slug
    write_innovation(root / "innovations" / "sub", "satu")  # duplicate slug (in a subfolder)
    write_innovation(root, "empat", replicated_from="tidak-ada")
    cat = load_catalogue(root)
    # Files are read in path order: dua.md keeps the contested alias; every other file has an error.
    assert set(cat.innovations) == {"dua"}
    text = "\n".join(map(str, cat.errors))
    for fragment in ("duplicate alias 'lama'", "alias 'satu' is the slug of another innovation", "duplicate slug 'satu'",
                     "'tidak-ada' is not the slug of any innovation"):
        assert fragment in text


class _Scanner(HTMLParser):
    """Collects everything in a page that a browser could execute or load from an injected value."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attrs_d = dict(attrs)
        if tag == "script" and not (attrs_d.get("src", "") or "").startswith("/static/") \
                and attrs_d.get("type") != "application/ld+json":
            self.found.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "svg", "img", "base", "form") and tag != "form":
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag}[{name}={value[:30]}]")


def executable_parts(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    return scanner.found


def hostile_app(tmp_path: Path):
    """An app over a folder where every text field and the body carry script injections."""
    root = tmp_path / "content"
    write_innovation(root, "baik")
    payload = " ".join(XSS + EXOTIC[:3])
    data = innovation_data(title=("Judul " + XSS[0] + EXOTIC[0])[:200], full_name=XSS[1], summary=XSS[4][:500],
                           agency=XSS[5], tags=XSS[:4], year_note=payload[:1000], legal_basis=[XSS[6]],
                           contact={"office": XSS[0], "phone": XSS[1]}, steps=XSS, team=[XSS[1]],
                           prerequisites=[XSS[2]], partners=[XSS[5]],
                           replications=[{"region": "Kabupaten Banyuwangi", "changes": XSS[0], "results": XSS[1],
                                          "source": {"title": XSS[4], "url": "https://example.org/?x=%3C"}}],
                           sources=[{"title": XSS[0], "url": "https://example.org/?q=%3Cscript%3E"}])
    body = BODY + "\n\n<script>alert(1)</script>\n\n<div onclick=\"alert(1)\">raw html</div>\n\n" \
        "[j](javascript:alert(1)) [d](data:text/html,x) <iframe src=//evil></iframe>\n\n" \
        "![img](x \"onerror=alert(1)\"){: onerror=alert(1) }\n\n" + " ".join(EXOTIC) + "\n"
    write_file(root / "innovations" / "jahat.md", data, body)
    publish(root, tmp_path / "idx")
    app = create_app({"CONTENT_DIR": str(root), "INDEX_DIR": str(tmp_path / "idx"), "TESTING": True})
    return app


def test_script_injection_in_every_field_never_reaches_the_page(tmp_path):
    app = hostile_app(tmp_path)
    client = app.test_client()
    assert "jahat" in load_catalogue(app.config["CONTENT_DIR"]).innovations
    for path in ["/inovasi/jahat", "/inovasi/jahat/embed", "/inovasi/jahat/replikasi", "/cari?q=judul", "/",
                 "/sektor/tenaga-kerja"]:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert not executable_parts(resp.get_data(as_text=True)), path
    for path in ["/api/v1/innovations/jahat", "/feed.xml"]:
        resp = client.get(path)
        assert resp.status_code == 200 and resp.mimetype != "text/html", path
    html = client.get("/api/v1/innovations/jahat").get_json()["html"]
    assert not executable_parts(html)
    page = client.get("/inovasi/jahat").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not run
    assert "{{ 7*7 }}" in page  # no template injection either
    assert "🙂🚀 inovasi 💡" in page and "مبادرة الخدمة العامة" in page
    kit = client.get("/inovasi/jahat/replikasi").get_data(as_text=True)
    assert kit.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # steps, changes, office, body: all as text
    docx = client.get("/inovasi/jahat/replikasi.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    app.extensions["kb.generations"].close()


markdown_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
field_text = st.one_of(markdown_text, st.sampled_from(XSS + EXOTIC), st.integers(), st.booleans(), st.none(),
                       st.lists(st.sampled_from(XSS + ["kesehatan", "tenaga-kerja"]), max_size=3))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(["title", "summary", "agency", "region", "sectors", "year", "tags",
                                               "full_name", "aliases", "awards", "sources", "sektor", "stage"]),
                              field_text, max_size=8),
       body=markdown_text)
def test_any_front_matter_is_loaded_or_reported_never_crashes(tmp_path_factory, fields, body):
    root = tmp_path_factory.mktemp("fuzz") / "content"
    write_innovation(root, "baik")
    write_file(root / "innovations" / "acak.md", innovation_data(**{k: v for k, v in fields.items() if v is not None}),
               body)
    cat = load_catalogue(root)
    assert "baik" in cat.innovations
    if "acak" not in cat.innovations:
        assert any(i.path.endswith("acak.md") for i in cat.errors)
    for issue in cat.issues:
        assert str(issue).split(":")[1].isdigit()  # path:line: field: message


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    from tests.conftest import write_award

    root = tmp_path_factory.mktemp("q") / "content"
    write_award(root, "sinovik", "KIPP")
    write_innovation(root, "satu", awards=[{"name": "sinovik", "year": 2020}])
    write_innovation(root, "dua", title="Dua", sectors=["kesehatan"])
    publish(root, root.parent / "idx")
    app = create_app({"CONTENT_DIR": str(root), "INDEX_DIR": str(root.parent / "idx"), "TESTING": True})
    yield app.test_client()
    app.extensions["kb.generations"].close()


query_text = st.text(alphabet=st.sampled_from(list(string.printable) + ["\x00", "🙂", "ع", "é", "*", "~", "^"]),
                     max_size=80)


@settings(max_examples=150, deadline=None)
@given(q=query_text, page=st.one_of(st.none(), st.integers(-5, 10**6).map(str), st.text(max_size=5)),
       sector=st.lists(st.text(max_size=20), max_size=3), sort=st.one_of(st.none(), st.text(max_size=8)),
       path=st.sampled_from(["/cari", "/api/v1/search", "/api/v1/innovations", "/api/v1/export.json"]))
def test_any_query_string_is_200_or_clean_400(fuzz_client, q, page, sector, sort, path):
    params: list[tuple[str, str]] = [("q", q)] + [("sector", s) for s in sector]
    if page is not None:
        params.append(("page", page))
    if sort is not None:
        params.append(("sort", sort))
    resp = fuzz_client.get(path, query_string=params)
    assert resp.status_code in (200, 400), (params, resp.status_code)
    if resp.status_code == 400 and path.startswith("/api/"):
        assert resp.get_json()["error"]["message"]


@pytest.mark.parametrize("raw", ["q=%ff%fe%fd", "q=%00%00", "q=" + "x" * 10_000, "q=a&q=b&q=c",
                                 "q=%22unbalanced", "q=AND(", "q=*", "page=-1", "page=99999999999999999999",
                                 "sector=tidak-ada&sector=tidak-ada", "per_page=0", "sort=a&sort=b",
                                 "q=" + "%22" * 500, "year=abc", "region=35.10&region=35.10"])
def test_known_nasty_requests(fuzz_client, raw):
    for path in ("/cari", "/api/v1/search"):
        assert fuzz_client.get(f"{path}?{raw}").status_code in (200, 400), (path, raw)


def test_security_headers(client):
    page = client.get("/inovasi/simpadu-pmi")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    embed = client.get("/inovasi/simpadu-pmi/embed")
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    assert client.get("/api/v1/search").headers["X-Content-Type-Options"] == "nosniff"


def test_server_error_leaks_no_traceback(tmp_path, content_dir):
    app = create_app({"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(tmp_path / "idx")})
    assert app.debug is False

    @app.get("/boom")
    def boom():  # noqa: ANN202
        raise RuntimeError("secret internals")

    @app.get("/api/v1/boom")
    def api_boom():  # noqa: ANN202
        raise RuntimeError("secret internals")

    client = app.test_client()
    for path in ("/boom", "/api/v1/boom"):
        resp = client.get(path)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 500
        assert "secret internals" not in body and "Traceback" not in body
    assert client.get("/api/v1/boom").get_json()["error"]["status"] == 500
