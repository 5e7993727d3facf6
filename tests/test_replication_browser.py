"""The replication pages in a real browser (Debian's chromium through Playwright) at phone width: an official
picks a region with the form, tunes the ranking without JavaScript, and reads the network and the statistics;
no horizontal scrolling, no console errors, and axe-core finds no accessibility violation in either language.
Runs on the fixture catalogue of tests/test_replication.py (it has replications of every status).
Skipped when /usr/bin/chromium is missing, except in CI (CI=true), where .ci/run installs it.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import published_app
from tests.test_browser import SIZES, axe_violations, browser, serving, watched_page  # noqa: F401 - browser: a fixture (skips without chromium)
from tests.test_replication import write_catalogue

from playwright.sync_api import Page, expect  # noqa: E402 - after the skip in tests.test_browser

PAGES = ["/untuk", "/untuk?wilayah=malang", "/untuk/35.10", "/untuk/35.23?cost=3&sector=kesehatan", "/replikasi",
         "/statistik"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    base = tmp_path_factory.mktemp("replication-browser")
    with serving(published_app(write_catalogue(base / "content"), base / "index")) as url:
        yield url


@pytest.fixture
def page(browser):
    with watched_page(browser, SIZES["phone"]) as page:
        yield page


@pytest.fixture
def no_js_page(browser):
    with watched_page(browser, SIZES["phone"], javascript=False) as page:
        yield page


def test_official_picks_a_region_and_tunes_the_ranking_without_javascript(no_js_page: Page, base_url: str):
    page = no_js_page
    page.goto(base_url + "/")
    page.locator(".site-nav a", has_text="Untuk daerah Anda").click()
    expect(page.locator("h1")).to_have_text("Inovasi yang cocok untuk daerah Anda")
    page.fill("#wilayah", "banyuwangi")
    page.press("#wilayah", "Enter")
    expect(page.locator("h1")).to_contain_text("Kabupaten Banyuwangi")
    expect(page.locator(".here")).to_contain_text("Klinik Desa Gresik")
    first = page.locator("ol.ranked > li h3").first.inner_text()
    page.locator("details.tune summary").click()
    for name in ("size", "nearby", "proven", "awards"):
        page.select_option(f"#w-{name}", "0")
    page.select_option("#w-cost", "3")
    page.get_by_role("button", name="Urutkan ulang").click()
    expect(page.locator("ol.ranked > li h3").first).to_have_text("Surabaya Daring")
    assert first != "Surabaya Daring" and "cost=3" in page.url
    expect(page.locator("ol.ranked > li")).to_have_count(6)  # reordered, nothing hidden
    page.goto(base_url + "/untuk")  # the region is remembered
    expect(page.locator(".note")).to_contain_text("Kabupaten Banyuwangi")
    page.locator("details.province-list summary", has_text="Jawa Timur").click()
    page.locator("ul.regions a", has_text="Kabupaten Tuban").click()
    expect(page.locator("h1")).to_contain_text("Kabupaten Tuban")
    page.goto(base_url + "/untuk")
    expect(page.locator(".note")).to_contain_text("Kabupaten Tuban")


def test_network_and_statistics_read_on_a_phone(page: Page, base_url: str):
    page.goto(base_url + "/replikasi")
    expect(page.locator("svg.network path.edge")).to_have_count(5)
    row = page.locator("table.replications tr", has_text="Kabupaten Tuban")
    expect(row.locator("td.status")).to_have_text("Direncanakan")
    assert page.locator("svg.network").bounding_box()["width"] <= SIZES["phone"]["width"]
    page.locator("footer a", has_text="Statistik").click()
    expect(page.locator("h1")).to_have_text("Statistik")
    expect(page.locator("svg.chart")).to_have_count(5)
    label = page.locator("svg.bars text").first.bounding_box()
    assert label["height"] >= 11  # chart text stays readable at phone width
    assert page.problems == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_accessibility_violations_or_sideways_scrolling(page: Page, base_url: str, lang: str):
    found, wide = {}, {}
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    for path in PAGES:
        page.goto(f"{base_url}{path}{'&' if '?' in path else '?'}lang={lang}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            wide[path] = overflow
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, json.dumps(found, indent=1)
    assert wide == {} and failed == [] and page.problems == []  # type: ignore[attr-defined]
