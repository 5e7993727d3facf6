"""The replication kit in a real browser at phone width, with JavaScript switched off: from an innovation page
to its kit, a region picked, the Word file downloaded and opened; and the page on paper (print media).
Uses the server and browser of tests/test_browser.py (same chromium setup, skipped the same way)."""
from __future__ import annotations

from docx import Document
from playwright.sync_api import expect

from tests.test_browser import SIZES, base_url, browser  # noqa: F401 - fixtures

PHONE = SIZES["phone"]


def test_kit_without_javascript_at_phone_width(browser, base_url, tmp_path):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(base_url + "/inovasi/sigap-rtlh")
    page.locator("a", has_text="Kit replikasi").first.click()
    expect(page.locator("h1")).to_contain_text("SIGAP-RTLH")
    assert page.url.endswith("/inovasi/sigap-rtlh/replikasi")
    expect(page.locator(".notice.warn")).to_contain_text("belum pernah diverifikasi")
    expect(page.locator("#kit-periksa h3")).to_have_text(["Tahap 1: Persiapan", "Tahap 2: Perencanaan dan "
                                                          "Pengembangan", "Tahap 3: Replikasi", "Tahap 4: Evaluasi"])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    page.select_option("#untuk", "35.10")
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh DOCX").click()
    download = info.value
    assert download.suggested_filename == "kit-replikasi-sigap-rtlh-untuk-35-10.docx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    letter = Document(str(target))
    assert letter.paragraphs[0].text == "PEMERINTAH KABUPATEN BANYUWANGI"
    assert any("Dinas Perumahan dan Kawasan Permukiman Kabupaten Gresik" in p.text for p in letter.paragraphs)
    assert problems == []
    context.close()


def test_kit_on_paper(browser, base_url):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(base_url + "/inovasi/jalin-matra/replikasi")
    for hidden in ("header.site", "footer.site", ".kit-actions", "nav.toc"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#kit-periksa .checklist li").first).to_be_visible()
    expect(page.locator(".notice.warn")).to_be_visible()
    context.close()
