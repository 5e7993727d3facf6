"""Machine-readable pages: Atom feeds (all, per sector, per award), sitemap.xml, robots.txt, healthz."""
from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, jsonify, request, url_for

from kb.content import browse, vocab
from kb.content.model import Innovation
from kb.search import store
from kb.web.pages import catalogue, content, search_index

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 50


def _updated(inn: Innovation) -> dt.date:
    return inn.updated or inn.verified or dt.date(inn.year, 1, 1)


def _atom(title: str, self_url: str, page_url: str, items: list[Innovation]) -> Response:
    ET.register_namespace("", ATOM)
    items = sorted(items, key=lambda i: (_updated(i), i.year, i.slug), reverse=True)[:FEED_ENTRIES]
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url)
    newest = max((_updated(i) for i in items), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest.isoformat()}T00:00:00Z"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Lumbung Inovasi"
    for inn in items:
        url = url_for("pages.innovation", slug=inn.slug, _external=True)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = inn.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{_updated(inn).isoformat()}T00:00:00Z"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = f"{inn.summary} ({inn.region}, {inn.year})"
        for sector in inn.sectors:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=sector, label=vocab.label(vocab.sectors(), sector))
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
    return Response(body, mimetype="application/atom+xml")


@bp.get("/feed.xml")
def feed() -> Response:
    return _atom("Lumbung Inovasi — inovasi terbaru", request.url, url_for("pages.home", _external=True),
                 list(catalogue().innovations.values()))


@bp.get("/sektor/<slug>/feed.xml")
def sector_feed(slug: str) -> Response:
    if slug not in vocab.sectors():
        abort(404)
    return _atom(f"Lumbung Inovasi — {vocab.label(vocab.sectors(), slug)}", request.url,
                 url_for("pages.sector", slug=slug, _external=True), browse.in_sector(catalogue(), slug))


@bp.get("/penghargaan/<award>/feed.xml")
def award_feed(award: str) -> Response:
    cat = catalogue()
    if award not in cat.awards:
        abort(404)
    items = list({inn.slug: inn for inn, _ in cat.with_award(award)}.values())
    return _atom(f"Lumbung Inovasi — {cat.awards[award].name}", request.url,
                 url_for("pages.award", award=award, _external=True), items)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    ET.register_namespace("", SITEMAP)
    cat = catalogue()
    root = ET.Element(f"{{{SITEMAP}}}urlset")

    def add(url: str, lastmod: dt.date | None = None) -> None:
        node = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(node, f"{{{SITEMAP}}}loc").text = url
        if lastmod:
            ET.SubElement(node, f"{{{SITEMAP}}}lastmod").text = lastmod.isoformat()

    add(url_for("pages.home", _external=True))
    for inn in sorted(cat.innovations.values(), key=lambda i: i.slug):
        add(url_for("pages.innovation", slug=inn.slug, _external=True), inn.updated)
    for slug in sorted(cat.awards):
        add(url_for("pages.award", award=slug, _external=True), cat.awards[slug].updated)
        for year, _ in browse.award_years(cat, slug):
            add(url_for("pages.award", award=slug, year=year, _external=True))
    for row in browse.region_counts(cat):
        add(url_for("pages.region", code=row["code"], _external=True))
    for slug, count in browse.sector_counts(cat):
        if count:
            add(url_for("pages.sector", slug=slug, _external=True))
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", "Disallow: /cari", "Disallow: /api/", "Allow: /",
             f"Sitemap: {url_for('feeds.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/healthz")
def healthz() -> Response:
    """For load balancers: 200 when content is loaded and an index generation is live; 503 while the
    first load is still running (without waiting for it) or when there is no index."""
    generation = store.current_generation(search_index().index_dir)
    if not content().ready:
        response = jsonify({"status": "loading", "index_generation": generation.name if generation else None})
        response.status_code = 503
        response.headers["Cache-Control"] = "no-store"
        return response
    cat = catalogue()
    ok = generation is not None
    response = jsonify({"status": "ok" if ok else "no-index", "innovations": len(cat.innovations),
                        "awards": len(cat.awards), "content_errors": len(cat.errors),
                        "index_generation": generation.name if generation else None})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
