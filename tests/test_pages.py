"""Browse pages, award/region/sector pages, embed, feeds, sitemap, language switch, caching, page weight."""
from __future__ import annotations

import gzip
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kb.content import load_catalogue
from kb.publish import publish
from kb.web import create_app
from tests.conftest import republish, write_innovation

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_home_has_counts_and_browse_links(client):
    html = client.get("/").get_data(as_text=True)
    assert "3 inovasi terdokumentasi" in html
    assert 'href="/sektor/tenaga-kerja"' in html and 'href="/wilayah/35"' in html
    assert 'href="/penghargaan/sinovik"' in html
    assert "Paling banyak direplikasi" in html and "SIMPADU-PMI" in html


def test_language_switch_persists(client):
    english = client.get("/?lang=en")
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Browse" in english.get_data(as_text=True)
    assert "lang=en" in english.headers.get("Set-Cookie", "")
    again = client.get("/sektor/tenaga-kerja").get_data(as_text=True)  # the cookie keeps English
    assert 'lang="en"' in again and "Labour" in again
    assert 'href="/sektor/tenaga-kerja?lang=id"' in again  # a visible switch back
    back = client.get("/?lang=id").get_data(as_text=True)
    assert 'lang="id"' in back and "Jelajahi" in back


def test_award_pages(client):
    html = client.get("/penghargaan/sinovik").get_data(as_text=True)
    assert "Kompetisi Inovasi Pelayanan Publik (KIPP)" in html
    assert re.search(r"<td>2018</td><td>Top 99</td><td><a href=\"/inovasi/simpadu-pmi\">", html)
    assert "Program penghargaan inovasi." in html  # the programme's description
    assert client.get("/penghargaan/sinovik/2018").status_code == 200
    assert client.get("/penghargaan/sinovik/1999").status_code == 404
    moved = client.get("/penghargaan/SINOVIK")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/penghargaan/sinovik")
    assert client.get("/penghargaan/adipura").status_code == 404
    assert "United Nations Public Service Awards" in client.get("/penghargaan/").get_data(as_text=True)


def test_region_pages(client):
    province = client.get("/wilayah/35").get_data(as_text=True)
    assert "Provinsi Jawa Timur" in province and "/inovasi/klinik-bumdesa" in province
    assert 'href="/wilayah/35.10"' in province  # its regencies
    regency = client.get("/wilayah/35.10").get_data(as_text=True)
    originated, replicated = regency.split("Inovasi yang direplikasi di sini")
    assert "/inovasi/simpadu-banyuwangi" in originated
    assert "/inovasi/simpadu-pmi" in replicated
    assert client.get("/wilayah/99").status_code == 404
    assert client.get("/wilayah/").status_code == 200


def test_sector_pages(client):
    html = client.get("/sektor/tenaga-kerja").get_data(as_text=True)
    assert "/inovasi/simpadu-pmi" in html and "/inovasi/klinik-bumdesa" not in html
    assert client.get("/sektor/tidak-ada").status_code == 404
    assert "Kesehatan" in client.get("/sektor/").get_data(as_text=True)


def test_embed_card_is_small_and_links_out(client):
    resp = client.get("/inovasi/simpadu-pmi/embed")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and len(html) < 3000
    assert 'target="_top"' in html and "SIMPADU-PMI" in html and "Kabupaten" not in html
    assert "Kompetisi Inovasi Pelayanan Publik (KIPP) 2018 (Top 99)" in html
    assert client.get("/inovasi/simpadu/embed").status_code == 301
    assert client.get("/inovasi/tidak-ada/embed").status_code == 404


@pytest.mark.parametrize("path", ["/feed.xml", "/sektor/tenaga-kerja/feed.xml", "/penghargaan/sinovik/feed.xml"])
def test_feeds_are_atom(client, path):
    resp = client.get(path)
    assert resp.mimetype == "application/atom+xml"
    feed = ET.fromstring(resp.get_data())
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert entries and all(e.find(f"{ATOM}link").get("href").startswith("http://localhost/inovasi/") for e in entries)


def test_sitemap_robots_healthz(client):
    urls = {u.find(f"{SITEMAP}loc").text for u in ET.fromstring(client.get("/sitemap.xml").get_data())}
    assert {"http://localhost/inovasi/simpadu-pmi", "http://localhost/penghargaan/sinovik/2018",
            "http://localhost/wilayah/35.10", "http://localhost/sektor/tenaga-kerja", "http://localhost/",
            "http://localhost/penghargaan/", "http://localhost/sektor/", "http://localhost/wilayah/"} <= urls
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in robots
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["innovations"] == 3


@pytest.mark.parametrize("path", ["/", "/cari?q=migran", "/inovasi/simpadu-pmi", "/penghargaan/sinovik",
                                  "/wilayah/35", "/sektor/tenaga-kerja"])
def test_every_page_has_canonical_og_and_landmarks(client, path):
    html = client.get(path).get_data(as_text=True)
    assert '<link rel="canonical" href="http://localhost/' in html
    assert '<meta property="og:title"' in html and '<meta property="og:description"' in html
    assert "<main" in html and 'role="search"' in html and '<label for="q"' in html
    assert html.count("<h1") == 1


def test_etag_304_and_gzip(client):
    first = client.get("/inovasi/simpadu-pmi")
    etag = first.headers["ETag"]
    assert client.get("/inovasi/simpadu-pmi", headers={"If-None-Match": etag}).status_code == 304
    zipped = client.get("/inovasi/simpadu-pmi", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()).decode() == first.get_data(as_text=True)
    assert "Accept-Encoding" in zipped.headers["Vary"]
    again = client.get("/inovasi/simpadu-pmi", headers={"Accept-Encoding": "gzip",
                                                        "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304  # a browser revalidating its gzipped copy
    refused = client.get("/inovasi/simpadu-pmi", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_page_weight_under_100kb(client):
    html = client.get("/inovasi/simpadu-pmi").get_data()
    assets = 0
    for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode()):
        with client.get(path) as resp:
            assets += len(resp.get_data())
    assert assets > 0 and len(html) + assets < 100_000


def test_every_bundled_page_serves(tmp_path):
    """The routes against the real bundled content: every innovation, award, region and sector page."""
    publish(ROOT / "content", tmp_path / "idx")
    app = create_app({"CONTENT_DIR": str(ROOT / "content"), "INDEX_DIR": str(tmp_path / "idx"), "TESTING": True})
    client = app.test_client()
    cat = load_catalogue(ROOT / "content")
    paths = ["/", "/cari", "/penghargaan/", "/wilayah/", "/sektor/", "/feed.xml", "/sitemap.xml"]
    paths += [f"/inovasi/{slug}" for slug in cat.innovations] + [f"/inovasi/{s}/embed" for s in cat.innovations]
    paths += [f"/penghargaan/{slug}" for slug in cat.awards]
    sitemap = ET.fromstring(client.get("/sitemap.xml").get_data())
    paths += [u.find(f"{SITEMAP}loc").text.replace("http://localhost", "") for u in sitemap]
    for path in paths:
        assert client.get(path).status_code == 200, path
    for alias, slug in cat.aliases.items():
        assert client.get(f"/inovasi/{alias}").headers["Location"].endswith(f"/inovasi/{slug}")
    app.extensions["kb.generations"].close()


def test_long_browse_lists_link_to_search_for_the_rest(client, monkeypatch):
    from kb.web import pages

    monkeypatch.setattr(pages, "BROWSE_LIMIT", 1)
    html = client.get("/sektor/tenaga-kerja").get_data(as_text=True)
    assert html.count('class="card"') == 1
    assert "2 inovasi" in html and "Menampilkan 1 dari 2." in html
    assert 'href="/cari?sector=tenaga-kerja">Lihat semuanya di pencarian' in html
    region = client.get("/wilayah/35").get_data(as_text=True)
    assert "Menampilkan 1 dari 3." in region and 'href="/cari?province=35"' in region
    monkeypatch.setattr(pages, "BROWSE_LIMIT", 200)
    assert "Menampilkan" not in client.get("/sektor/tenaga-kerja").get_data(as_text=True)


def test_large_catalogue_gets_a_sitemap_index(client, monkeypatch):
    from kb.web import feeds

    monkeypatch.setattr(feeds, "SITEMAP_URLS", 2)  # the protocol allows 50 000 URLs per file
    index = ET.fromstring(client.get("/sitemap.xml").get_data())
    assert index.tag == f"{SITEMAP}sitemapindex"
    files = [s.find(f"{SITEMAP}loc").text.replace("http://localhost", "") for s in index]
    assert files == ["/sitemap-pages.xml", "/sitemap-1.xml", "/sitemap-2.xml"]
    innovations = []
    for path in files:
        urlset = ET.fromstring(client.get(path).get_data())
        innovations += [u.find(f"{SITEMAP}loc").text for u in urlset if "/inovasi/" in u.find(f"{SITEMAP}loc").text]
    assert sorted(innovations) == [f"http://localhost/inovasi/{s}" for s in
                                   ("klinik-bumdesa", "simpadu-banyuwangi", "simpadu-pmi")]
    assert client.get("/sitemap-3.xml").status_code == 404


def test_search_card_names_an_award_year_once(app, client, content_dir):
    write_innovation(content_dir, "dua-peringkat", title="Dua Peringkat Zamrud",
                     awards=[{"name": "sinovik", "year": 2019, "rank": "Top 99"},
                             {"name": "sinovik", "year": 2019, "rank": "Top 45"}])
    republish(app)
    html = client.get("/cari?q=zamrud").get_data(as_text=True)
    card = html.split('href="/inovasi/dua-peringkat"')[1].split("</article>")[0]
    assert card.count("Kompetisi Inovasi Pelayanan Publik (KIPP) 2019") == 1


def test_unsupported_lang_on_a_page_keeps_the_language(client):
    """Pages are forgiving where the API is strict: `?lang=xx` shows the remembered or default language."""
    resp = client.get("/sektor/tenaga-kerja?lang=xx")
    assert resp.status_code == 200 and '<html lang="id">' in resp.get_data(as_text=True)
    assert "Set-Cookie" not in resp.headers
    search = client.get("/cari?q=migran&lang=xx").get_data(as_text=True)
    links = re.findall(r'href="(/api/v1/[^"]+)"', search)
    assert len(links) == 3 and all(client.get(link.replace("&amp;", "&")).status_code == 200 for link in links)
    client.get("/?lang=en")
    assert '<html lang="en">' in client.get("/sektor/?lang=xx").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/sektor/tenaga-kerja", "/inovasi/klinik-desa-lama", "/",
                                  "/inovasi/simpadu-pmi", "/wilayah/35", "/penghargaan/sinovik", "/cari?q=migran"])
def test_headings_never_skip_a_level(client, path):
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", client.get(path).get_data(as_text=True))]
    assert levels[0] == 1 and len(levels) > 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_two_search_forms_on_home_are_labelled_distinctly(client):
    html = client.get("/").get_data(as_text=True)
    forms = re.findall(r'<form [^>]*role="search"[^>]*>', html)
    assert len(forms) == 2
    header = re.search(r'aria-label="([^"]+)"', forms[0]).group(1)
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', forms[1]).group(1)
    label = re.search(rf'<label id="{labelled_by}"[^>]*>([^<]+)</label>', html).group(1)
    assert header and label and header != label


def test_embed_has_main_and_an_icon_that_exists(client):
    html = client.get("/inovasi/simpadu-pmi/embed").get_data(as_text=True)
    assert "<main>" in html and "</main>" in html
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    with client.get(icon) as resp:
        assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"


def test_english_pages_mark_the_write_ups_own_language(app, client, content_dir):
    write_innovation(content_dir, "english-one", title="Migrant Desk", summary="An English write-up on migran.",
                     language="en")
    republish(app)
    page = client.get("/inovasi/simpadu-pmi?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<h1 lang="id">SIMPADU-PMI</h1>' in page and '<div class="body" lang="id">' in page
    assert '<p class="lead" lang="id">' in page and "<dt>Agency</dt><dd lang=\"id\">" in page
    assert '<h2 id="facts-h">' in page  # the interface around it stays English
    results = client.get("/cari?q=migran&lang=en").get_data(as_text=True)
    assert '<h2 lang="id"><a href="/inovasi/simpadu-pmi">' in results
    assert '<h2><a href="/inovasi/english-one">' in results  # an English write-up on an English page
    indonesian = client.get("/cari?q=migran&lang=id").get_data(as_text=True)
    assert '<h2 lang="en"><a href="/inovasi/english-one">' in indonesian
    assert '<h2><a href="/inovasi/simpadu-pmi">' in indonesian  # nothing redundant
    sector = client.get("/sektor/tenaga-kerja?lang=en").get_data(as_text=True)
    assert re.search(r'<article class="card" lang="id">\s*<h2><a href="/inovasi/simpadu-pmi">', sector)
    award = client.get("/penghargaan/sinovik?lang=en").get_data(as_text=True)
    assert '<div lang="id"><p>Program penghargaan inovasi.</p>' in award
    assert '<td lang="id"><a href="/inovasi/simpadu-pmi">' in award
    embed = client.get("/inovasi/simpadu-pmi/embed?lang=en").get_data(as_text=True)
    assert '<h1 lang="id">' in embed
