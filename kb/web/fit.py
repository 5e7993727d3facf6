""""Cocok untuk daerah saya": pick a region (`/untuk`, remembered in a cookie) and see every innovation ranked
for it (`/untuk/<code>`, `/api/v1/recommendations?region=<code>`), with the reasons in words.

The ranking is kb/replication/ranking.py; this module reads the request (weights, preferences, page), and
renders. The chosen region is remembered in the `untuk` cookie, which only the picker page reads.
"""
from __future__ import annotations

import math
import re
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from kb.content import population, regions, vocab
from kb.content.regions import normalize_region_name
from kb.replication.ranking import (
    DEFAULT_WEIGHTS,
    DIGITAL_CHOICES,
    FACTORS,
    MAX_WEIGHT,
    Preferences,
    Recommendations,
    recommend,
)
from kb.search.query import MAX_PER_PAGE
from kb.web.data import innovation_url
from kb.web.pages import records
from kb.web.params import DEFAULT_PER_PAGE, MAX_FILTER_VALUES, MAX_PAGE, ParamError
from kb.web.reasons import KINDS, reason_text, status_label, whole
from kb.web.snapshot import snapshot

bp = Blueprint("fit", __name__)

COOKIE = "untuk"
COOKIE_MAX_AGE = 365 * 24 * 3600
CODE_RE = re.compile(r"[0-9]{2}(\.[0-9]{2})?")  # a well-formed code; whether it exists is a 404 question
MAX_REGION_CHARS = 100
MAX_MATCHES = 60  # regions listed for a typed name
FACTOR_LABELS = {
    "size": _l("Ukuran dan jenis daerah serupa"),
    "nearby": _l("Kedekatan (provinsi, pulau)"),
    "proven": _l("Terbukti direplikasi dan masih berjalan"),
    "cost": _l("Biaya dan kompleksitas rendah"),
    "awards": _l("Penghargaan"),
}
WEIGHT_LABELS = (_l("Abaikan"), _l("Sedikit"), _l("Penting"), _l("Sangat penting"))
TONE_LABELS = {1: _l("Mendukung: "), 0: _l("Catatan: "), -1: _l("Perhatikan: ")}  # read before each reason
DIGITAL_LABELS = {"netral": _l("Tidak masalah"), "ya": _l("Utamakan inovasi digital"),
                  "tidak": _l("Utamakan yang tanpa layanan daring")}


def parse_preferences(args: MultiDict) -> Preferences:
    """Weights (0..MAX_WEIGHT each), digital preference and preferred sectors; a bad value is a ParamError."""
    weights = {}
    for name in FACTORS:
        raw = args.get(name)
        if raw is None:
            weights[name] = DEFAULT_WEIGHTS[name]
            continue
        if not raw.isascii() or not raw.isdigit() or not 0 <= int(raw) <= MAX_WEIGHT:
            raise ParamError(name, f"must be a whole number from 0 to {MAX_WEIGHT}, got {raw[:20]!r}")
        weights[name] = int(raw)
    digital = args.get("digital", "netral")
    if digital not in DIGITAL_CHOICES:
        raise ParamError("digital", f"must be one of {', '.join(DIGITAL_CHOICES)}")
    sectors = args.getlist("sector")
    if len(sectors) > MAX_FILTER_VALUES:
        raise ParamError("sector", f"at most {MAX_FILTER_VALUES} values")
    unknown = [s for s in sectors if s not in vocab.sectors()]
    if unknown:
        raise ParamError("sector", f"{unknown[0][:40]!r} is not a sector")
    return Preferences(weights, digital, tuple(dict.fromkeys(sectors)))


def page_number(args: MultiDict, name: str, default: int, hi: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= hi:
        raise ParamError(name, f"must be a whole number from 1 to {hi}, got {raw[:20]!r}")
    return int(raw)


def region_or_404(code: str) -> population.RegionFacts:
    found = population.facts(code)
    if found is None:
        abort(404, description=f"no province or regency/city with code {code[:20]!r}")
    return found


def ranked(code: str, args: MultiDict, per_page: int) -> tuple[Recommendations, Preferences, int]:
    """The ranking for `code` under the request's preferences, with reasons for the asked-for page; and
    the page's first position."""
    region = region_or_404(code)
    prefs = parse_preferences(args)
    start = (page_number(args, "page", 1, MAX_PAGE) - 1) * per_page
    result = recommend(snapshot(), region, prefs, population.facts, explain=range(start, start + per_page))
    return result, prefs, start


def region_data(region: population.RegionFacts) -> dict[str, Any]:
    province = population.facts(region.province_code)
    return {"code": region.code, "name": region.name, "kind": region.kind,
            "province": {"code": region.province_code, "name": province.name if province else region.province_code},
            "population": region.population, "area_km2": region.area_km2, "density": round(region.density, 1),
            "figures": {"source": population.SOURCE, "year": population.VINTAGE}}


def _remember(response: Response, code: str) -> Response:
    if request.cookies.get(COOKIE) != code:
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


@bp.get("/untuk")
def pick():  # noqa: ANN201
    """The region picker: a form (with the names as a datalist) that finds regions by name or code, and the
    full list grouped by province. One exact match goes straight to its page."""
    typed = request.args.get("wilayah", "")[:MAX_REGION_CHARS].strip()
    matches = find(typed) if typed else []
    if typed and len(matches) == 1:
        return redirect(url_for("fit.region", code=matches[0].code), code=303)
    remembered = population.facts(request.cookies.get(COOKIE, ""))
    everything = list(population.all_facts().values())
    groups = [(p, [r for r in everything if r.province_code == p.code and r.kind != "provinsi"])
              for p in everything if p.kind == "provinsi"]
    return render_template("fit_pick.html", typed=typed, matches=matches[:MAX_MATCHES], more=len(matches) > MAX_MATCHES,
                           remembered=remembered, groups=groups, everything=everything, kinds=KINDS,
                           facts_source=population.SOURCE, facts_year=population.VINTAGE)


def find(typed: str) -> list[population.RegionFacts]:
    """Regions for what a reader typed: a code, a datalist choice ("Kota Malang (35.73)"), an exact name, or
    words found in names ("malang": the regency and the city)."""
    every = population.all_facts()
    code = re.search(r"\(?([0-9]{2}(?:\.[0-9]{2})?)\)?\s*$", typed)
    if code and code.group(1) in every:
        return [every[code.group(1)]]
    exact = regions.find_regions(typed)
    if exact:
        return [every[r.code] for r in exact if r.code in every]
    words = normalize_region_name(typed).split()
    return [r for r in every.values() if all(w in normalize_region_name(r.name) for w in words)] if words else []


@bp.get("/untuk/<code>")
def region(code: str):  # noqa: ANN201
    per_page = DEFAULT_PER_PAGE
    result, prefs, start = ranked(code, request.args, per_page)
    page = start // per_page + 1
    shown = result.ranked[start: start + per_page]
    awards = records().awards
    custom = [k for k in request.args if k not in ("page", "lang")]
    response = Response(render_template(
        "fit_region.html", region=result.region, here=result.here, shown=shown, start=start, total=len(result.ranked),
        page=page, pages=min(MAX_PAGE, max(1, math.ceil(len(result.ranked) / per_page))), prefs=prefs,
        reason_text=lambda r: reason_text(r, awards), factor_labels=FACTOR_LABELS, weight_labels=WEIGHT_LABELS,
        digital_labels=DIGITAL_LABELS, kinds=KINDS, custom=custom, whole=whole, status_label=status_label,
        tone_labels=TONE_LABELS, sector_slugs=list(vocab.sectors()), page_url=_page_url,
        facts_source=population.SOURCE, facts_year=population.VINTAGE,
        province=population.facts(result.region.province_code)))
    return _remember(response, result.region.code)


def _page_url(page: int) -> str:
    """This page's address with another page number (weights and preferences kept)."""
    args = {k: request.args.getlist(k) for k in request.args if k not in ("page", "lang")}
    return url_for("fit.region", code=request.view_args["code"], **args, page=page)  # type: ignore[index]


@bp.get("/api/v1/recommendations")
def api() -> Response:
    code = request.args.get("region")
    if code is None or not code:
        raise ParamError("region", "is required: a Kemendagri code like 35 or 35.10")
    if len(code) > 5 or not CODE_RE.fullmatch(code):
        raise ParamError("region", f"must be a code like 35 or 35.10, got {code[:20]!r}")
    per_page = page_number(request.args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    result, prefs, start = ranked(code, request.args, per_page)
    page = start // per_page + 1
    awards = records().awards
    return jsonify({
        "region": region_data(result.region),
        "weights": {name: prefs.weight(name) for name in FACTORS},
        "digital": prefs.digital, "sectors": list(prefs.sectors),
        "total": len(result.ranked), "page": page, "per_page": per_page,
        "results": [{"slug": r.entry.slug, "title": r.entry.title, "region": r.entry.region, "year": r.entry.year,
                     "url": innovation_url(r.entry.slug), "score": r.score,
                     "reasons": [reason_text(x, awards) for x in r.reasons]}
                    for r in result.ranked[start: start + per_page]],
        "here": [{"slug": h.entry.slug, "title": h.entry.title, "url": innovation_url(h.entry.slug),
                  "relation": h.relation, "status": h.link.shown_status if h.link else None}
                 for h in result.here],
    })
