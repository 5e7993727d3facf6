"""Authoring in a real browser (Debian's chromium through Playwright), at phone and desktop widths: an
author signs in, writes with the live preview and the validator's messages next to the fields, loses
nothing when the tab closes, submits; a reviewer reads the field diff, comments and publishes; the page,
search, the feed and the history show it, and `git log` names the author. The sync owner runs as in
`python3 run.py`, watching the content repository, so nothing is republished by hand here.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kb.publish import Syncer
from tests.authoring_support import AUTHOR, PASSWORD, REVIEWER, add_users, git, make_app, make_repo
from tests.test_browser import AXE, CHROMIUM, SIZES  # skips the module without chromium, as there

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WAIT_MS = 60_000  # generous: the machine is shared; expect() polls for the condition


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The site on a content repository of its own, with its sync owner watching it."""
    root = tmp_path_factory.mktemp("authoring-browser")
    repo = make_repo(root, ROOT / "content")
    app = make_app(repo, root)
    app.config["TESTING"] = False
    add_users(app)
    syncer = Syncer(repo, root / "index", interval=0.2)
    syncer.start(wait=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", repo
    server.shutdown()
    syncer.stop()
    app.extensions["kb.generations"].close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


def _context(browser, size: str):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport=SIZES[size])
    context.set_default_timeout(WAIT_MS)
    return context


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/masuk")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.sign-in button")


def _axe(page: Page) -> list:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
        .violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(" "))}))""")


@pytest.mark.parametrize("size", list(SIZES))
def test_write_review_publish_in_the_browser(browser, live, size):
    base, repo = live
    slug, title, word = f"layanan-sampah-{size}", f"Bank Sampah Keliling {size.title()}", f"sampahkeliling{size}"
    writer = _context(browser, size)
    page = writer.new_page()
    problems = _watch(page)
    _sign_in(page, base, AUTHOR)
    expect(page.locator("h1")).to_have_text("Tulisan baru")
    page.fill("#f-slug", slug)
    page.fill("#f-title", title)
    page.fill("#f-summary", f"Pengangkutan sampah terpilah dari rumah warga ({word}).")
    page.fill("#f-agency", "Dinas Lingkungan Hidup Kabupaten Banyuwangi")
    page.fill("#f-region", "Kabupaten Banyuwangi")
    page.check("input[name=sectors][value=lingkungan-hidup]")
    page.fill("#f-year", "tahun lalu")
    page.fill("#f-body", "## Latar Belakang\n\nSampah **menumpuk** di desa.<script>alert(1)</script>\n\n"
                         "## Inovasi\n\nMobil bank sampah keliling.\n\n## Hasil dan Dampak\n\nSampah terpilah.\n\n"
                         "## Cara Replikasi\n\nSiapkan armada dan jadwal.\n")
    # the validator's message next to its field, and the preview rendered as the page will be
    expect(page.locator('ul.problems[data-for="year"] li')).to_have_text("expected a whole number, got text ('tahun lalu')")
    expect(page.locator("#preview-body h2").first).to_have_text("Latar Belakang")
    expect(page.locator("#preview-body strong")).to_have_text("menumpuk")
    assert page.locator("#preview-body script").count() == 0
    page.fill("#f-year", "2021")
    expect(page.locator('ul.problems[data-for="year"] li')).to_have_count(0)
    page.fill("#f-sources-1-title", "Berita resmi dinas")
    # autosave: the draft exists on the server and the address is its own
    expect(page).to_have_url(re.compile(r"/tulis/[0-9a-f]{12}$"))
    expect(page.locator("#autosave")).to_have_text("Tersimpan otomatis.")
    draft_url = page.url
    # a change typed just before the tab closes survives it (localStorage, then saved on the next visit)
    page.fill("#f-full-name", "Bank Sampah Keliling Desa")
    page.close()
    page = writer.new_page()
    problems += _watch(page)
    page.goto(draft_url)
    expect(page.locator("#f-full-name")).to_have_value("Bank Sampah Keliling Desa")
    expect(page.locator("#autosave")).to_have_text("Tersimpan otomatis.")
    assert _axe(page) == []
    page.click("button[value=submit]")
    expect(page.locator("p.ok")).to_contain_text("Draf diajukan")
    # the reviewer
    reviewing = _context(browser, size)
    review = reviewing.new_page()
    problems += _watch(review)
    _sign_in(review, base, REVIEWER)
    review.goto(base + "/tinjau")
    review.locator("table.queue a", has_text=title).click()
    expect(review.locator("dl.diff dt").first).to_contain_text("Judul")
    expect(review.locator("dl.diff ins").first).to_have_text(title)
    expect(review.locator("dl.diff")).to_contain_text("Bank Sampah Keliling Desa")  # the restored change
    assert _axe(review) == []
    review.fill("#comment", "Sudah baik, terima kasih.")
    review.click("button[value=comment]")
    expect(review.locator("ol.events")).to_contain_text("Sudah baik, terima kasih.")
    review.click("button[value=publish]")
    expect(review.locator("p.ok")).to_contain_text("Terbit.")
    # the page, search, feed and history follow (the sync owner publishes the new file)
    reader = review
    reader.goto(f"{base}/inovasi/{slug}")
    for _ in range(600):
        if reader.locator("h1").first.text_content() == title:
            break
        reader.wait_for_timeout(100)
        reader.goto(f"{base}/inovasi/{slug}")
    expect(reader.locator("h1")).to_have_text(title)
    assert reader.locator("article script").count() == 0
    reader.goto(f"{base}/cari?q={word}")
    expect(reader.locator(".results .card").first).to_contain_text(title)
    feed = reader.request.get(f"{base}/feed.xml").text()
    assert f"/inovasi/{slug}" in feed
    reader.goto(f"{base}/inovasi/{slug}/riwayat")
    expect(reader.locator("ol.history")).to_contain_text("Ani Penulis")
    expect(reader.locator("ol.history")).to_contain_text(f"{slug}: publish new write-up")
    assert _axe(reader) == []
    log = git(repo, "log", "--format=%an <%ae>|%s", "-5")
    assert f"Ani Penulis <{AUTHOR}>|{slug}: publish new write-up" in log
    assert problems == []
    writer.close()
    reviewing.close()


def test_the_form_works_without_javascript(browser, live):
    base, _ = live
    context = browser.new_context(viewport=SIZES["phone"], java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, base, AUTHOR)
    page.fill("#f-title", "Tanpa Skrip")
    page.fill("#f-year", "abc")
    page.fill("#f-body", "## Latar Belakang\n\nTeks *miring*.")
    page.click("button[value=save]")
    expect(page).to_have_url(re.compile(r"/tulis/[0-9a-f]{12}$"))
    expect(page.locator('ul.problems[data-for="year"] li')).to_contain_text("expected a whole number")
    expect(page.locator("#preview-body em")).to_have_text("miring")
    page.fill("#f-year", "2020")
    page.click("button[value=save]")
    expect(page.locator("p.ok")).to_contain_text("Draf tersimpan")
    expect(page.locator("#f-year")).to_have_value("2020")
    context.close()
