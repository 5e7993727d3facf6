"""End-to-end in a real headless browser (Debian's chromium, driven by Playwright; no browser download).

The journey an official takes: home -> search -> facet -> innovation -> alias redirect -> award page ->
language switch, at phone and desktop widths, with no console errors; and the search form by keyboard only.
axe-core (vendored in tests/vendor/axe-core, MPL-2.0) checks the main pages in both languages for
accessibility violations (WCAG 2.x A/AA and best practices).
Skipped when /usr/bin/chromium is missing, except in CI (CI=true), where .ci/run installs it.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from kb.publish import publish
from kb.web import create_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"  # axe-core 4.14.1, see its README.md
AXE_PAGES = ["/", "/cari?q=pekerja+migran", "/inovasi/jalin-matra-pfk", "/sektor/kesehatan",
             "/inovasi/jalin-matra-pfk/embed", "/penghargaan/sinovik", "/wilayah/35", "/inovasi/tidak-ada",
             "/inovasi/jalin-matra-pfk/replikasi",
             "/untuk", "/untuk/35.10", "/replikasi", "/statistik"]
MISSING = "/inovasi/tidak-ada"  # a 404 page: its own status is logged as a console error


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a loopback port in a thread, for the browser; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        app.extensions["kb.generations"].close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("browser") / "index"
    publish(ROOT / "content", index_dir)
    with serving(create_app({"CONTENT_DIR": str(ROOT / "content"), "INDEX_DIR": str(index_dir)})) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@contextmanager
def watched_page(browser, viewport: dict[str, int], javascript: bool = True) -> Iterator[Page]:  # noqa: ANN001
    """A page in a fresh context that collects console errors and page errors in `page.problems`."""
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.problems.append(str(e)))  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(params=list(SIZES))
def page(request, browser):
    with watched_page(browser, SIZES[request.param]) as page:
        yield page


def test_official_journey(page: Page, base_url: str):
    page.goto(base_url + "/")
    expect(page.locator("h1")).to_contain_text("Inovasi pelayanan publik")
    page.fill("#q-home", "pekerja migran")
    page.press("#q-home", "Enter")
    expect(page.locator("h1")).to_contain_text("pekerja migran")
    expect(page.locator(".results .card").first).to_contain_text("SIMPADU-PMI")
    total = page.locator(".results .card").count()
    page.locator(".facets a", has_text="Tenaga Kerja").first.click()  # facet: sector
    expect(page.locator(".facets li.selected")).to_contain_text("Tenaga Kerja")
    assert "sector=tenaga-kerja" in page.url
    assert 0 < page.locator(".results .card").count() <= total
    page.locator(".results .card h2 a", has_text="SIMPADU-PMI").click()
    expect(page.locator("h1")).to_have_text("SIMPADU-PMI")
    expect(page.locator("#cara-replikasi")).to_be_visible()
    page.goto(base_url + "/inovasi/simpadu")  # a former slug: 301 to the permalink
    assert page.url.endswith("/inovasi/simpadu-pmi")
    page.locator(".facts a", has_text="2018").first.click()  # the award, linked to its page
    expect(page.locator("h1")).to_contain_text("2018")
    expect(page.locator("table.holders")).to_contain_text("SIMPADU-PMI")
    page.locator("a.lang").click()  # language switch, remembered on the next page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(base_url + "/sektor/")
    expect(page.locator("h1")).to_have_text("Innovations by sector")
    page.locator("a.lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert page.problems == []  # type: ignore[attr-defined]


def test_search_form_by_keyboard_only(page: Page, base_url: str):
    page.goto(base_url + "/penghargaan/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Langsung ke isi")  # skip link first
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("id", "q")
    page.keyboard.type("BUMDes")
    page.keyboard.press("Enter")
    expect(page.locator(".results .card").first).to_contain_text("Klinik BUM Desa")
    assert page.problems == []  # type: ignore[attr-defined]


def test_pages_render_without_horizontal_scroll(page: Page, base_url: str):
    for path in ["/", "/cari?q=kemiskinan", "/inovasi/jalin-matra-pfk", "/wilayah/35", "/penghargaan/sinovik",
                 "/inovasi/jalin-matra-pfk/replikasi",
                 "/untuk", "/untuk/35.10", "/replikasi", "/statistik"]:
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, (path, overflow)
    assert page.problems == []  # type: ignore[attr-defined]


def axe_violations(page: Page) -> list[dict]:
    """What axe-core finds on the page as loaded: every rule it runs by default, every impact."""
    # evaluate() runs through the DevTools protocol, outside the page's CSP (which refuses inline scripts)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))""")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pages_have_no_accessibility_violations(page: Page, base_url: str, lang: str):
    """axe-core on each main page, every rule it runs by default (no exclusions), every impact level."""
    found = {}
    failed: list[str] = []  # any file a page asks for (icon, CSS, script) that is not there
    page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document" and failed.append(r.url))
    for path in AXE_PAGES:
        page.goto(f"{base_url}{path}{'&' if '?' in path else '?'}lang={lang}")
        if path == MISSING:
            page.problems.clear()  # type: ignore[attr-defined]
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, json.dumps(found, indent=1)
    assert failed == [] and page.problems == []  # type: ignore[attr-defined]
