"""Machine-readable pages: Atom feeds (all, per sector, per award), sitemap.xml, robots.txt, healthz."""
from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for

from kb.content import vocab
from kb.content.model import Innovation
from kb.publish.generation import Unavailable
from kb.publish.records import RecordsFile, feed_date
from kb.web.pages import records, search_index

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 50


def _atom(title: str, self_url: str, page_url: str, items: list[Innovation]) -> Response:
    """An Atom feed of `items` (already newest first and at most FEED_ENTRIES)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url)
    newest = max((feed_date(i) for i in items), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest.isoformat()}T00:00:00Z"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Lumbung Inovasi"
    for inn in items:
        url = url_for("pages.innovation", slug=inn.slug, _external=True)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = inn.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{feed_date(inn).isoformat()}T00:00:00Z"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = f"{inn.summary} ({inn.region}, {inn.year})"
        for sector in inn.sectors:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=sector, label=vocab.label(vocab.sectors(), sector))
    return _xml(feed, "application/atom+xml")


@bp.get("/feed.xml")
def feed() -> Response:
    return _atom("Lumbung Inovasi — inovasi terbaru", request.url, url_for("pages.home", _external=True),
                 records().recently_updated(FEED_ENTRIES))


@bp.get("/sektor/<slug>/feed.xml")
def sector_feed(slug: str) -> Response:
    if slug not in vocab.sectors():
        abort(404)
    return _atom(f"Lumbung Inovasi — {vocab.label(vocab.sectors(), slug)}", request.url,
                 url_for("pages.sector", slug=slug, _external=True),
                 records().recently_updated(FEED_ENTRIES, sector=slug))


@bp.get("/penghargaan/<award>/feed.xml")
def award_feed(award: str) -> Response:
    rec = records()
    if award not in rec.awards:
        abort(404)
    return _atom(f"Lumbung Inovasi — {rec.awards[award].name}", request.url,
                 url_for("pages.award", award=award, _external=True),
                 rec.recently_updated(FEED_ENTRIES, award=award))


SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file; beyond it, /sitemap.xml becomes an index


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page in one file; for a catalogue too large for one, an index of part files."""
    rec = records()
    total = len(rec)
    parts = -(-total // SITEMAP_URLS)
    if total + 1000 <= SITEMAP_URLS:  # room for the browse pages too (514 regencies, 37 sectors, awards)
        return _urlset(_browse_urls(rec) + _innovation_urls(rec))
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    files = [url_for("feeds.sitemap_pages", _external=True)]
    files += [url_for("feeds.sitemap_part", part=n, _external=True) for n in range(1, parts + 1)]
    for loc in files:
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc").text = loc
    return _xml(root)


@bp.get("/sitemap-pages.xml")
def sitemap_pages() -> Response:
    return _urlset(_browse_urls(records()))


@bp.get("/sitemap-<int:part>.xml")
def sitemap_part(part: int) -> Response:
    rec = records()
    if part < 1 or (part - 1) * SITEMAP_URLS >= max(len(rec), 1):
        abort(404)
    return _urlset(_innovation_urls(rec, part))


def _browse_urls(rec: RecordsFile) -> list[tuple[str, dt.date | None]]:
    awards = rec.awards
    urls = [(url_for(endpoint, _external=True), None)
            for endpoint in ("pages.home", "pages.awards", "pages.sectors", "pages.regions_page", "fit.pick",
                             "replications.network_page", "statistics.page")]
    for slug in sorted(awards):
        urls.append((url_for("pages.award", award=slug, _external=True), awards[slug].updated))
        urls += [(url_for("pages.award", award=slug, year=year, _external=True), None)
                 for year, _ in rec.award_years(slug)]
    urls += [(url_for("pages.region", code=row["code"], _external=True), None) for row in rec.region_counts()]
    urls += [(url_for("pages.sector", slug=slug, _external=True), None) for slug, count in rec.sector_counts()
             if count]
    return urls


def _innovation_urls(rec: RecordsFile, part: int | None = None) -> list[tuple[str, dt.date | None]]:
    rows = rec.slugs_updated() if part is None else rec.slugs_updated(SITEMAP_URLS, (part - 1) * SITEMAP_URLS)
    return [(url_for("pages.innovation", slug=slug, _external=True), updated) for slug, updated in rows]


def _urlset(urls: list[tuple[str, dt.date | None]]) -> Response:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for loc, lastmod in urls:
        node = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(node, f"{{{SITEMAP}}}loc").text = loc
        if lastmod:
            ET.SubElement(node, f"{{{SITEMAP}}}lastmod").text = lastmod.isoformat()
    return _xml(root)


def _xml(root: ET.Element, mimetype: str = "application/xml") -> Response:
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return Response(body, mimetype=mimetype)


@bp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", "Disallow: /cari", "Disallow: /api/", "Allow: /",
             f"Sitemap: {url_for('feeds.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/healthz")
def healthz() -> Response:
    """For load balancers: 200 when an index generation and its records are live, with the counts and time
    of the last content check that updated them; 503 otherwise."""
    try:
        generation = current_app.extensions["kb.generations"].current()
    except Unavailable as exc:
        body, ok = {"status": "building" if exc.building else "unavailable", "reason": str(exc)}, False
    else:
        rec = generation.records
        summary = rec.summary()
        live = current_app.extensions["kb.generations"]
        body = {"status": "ok", "innovations": len(rec), "awards": len(rec.awards),
                "content_errors": summary.get("errors", 0), "published_at": summary.get("checked_at"),
                "content_checked_at": live.checked_at() or summary.get("checked_at"),
                "index_generation": generation.folder.name}
        ok = True
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
