"""`/statistik` and `/api/v1/stats`: innovations by sector, province, start year and award, and replications
over time, as SVG charts with tables and as JSON. Computed in kb/replication/stats.py, from the same facet
values the search index counts, so the figures equal the search page's facets."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from kb.replication import network
from kb.replication.stats import Stats, catalogue_stats
from kb.web.charts import DASHES, bar_chart, column_chart, legend_line
from kb.web.i18n import current_language
from kb.web.labels import facet_label, facet_value_label
from kb.web.pages import records
from kb.web.reasons import status_label
from kb.web.snapshot import snapshot

bp = Blueprint("statistics", __name__)
API_KEYS = {"sector": "by_sector", "province": "by_province", "year": "by_year", "award": "by_award"}


def _stats() -> Stats:
    return catalogue_stats(snapshot())


def facet_rows(stats: Stats, name: str) -> list[dict[str, Any]]:
    lang, awards = current_language(), records().awards
    return [{"value": value, "label": facet_value_label(name, value, lang, awards), "count": count}
            for value, count in stats.by_facet[name]]


def replication_data(counts: network.Counts) -> dict[str, Any]:
    return {"total": counts.total,
            "by_status": [{"value": s, "label": status_label(s), "count": n} for s, n in counts.by_status],
            "by_year": [{"year": year, "count": sum(per.values()), "by_status": per} for year, per in counts.by_year]}


@bp.get("/statistik")
def page() -> str:
    stats = _stats()
    sections = []
    for name in API_KEYS:
        rows = facet_rows(stats, name)
        chart = column_chart([(r["label"], [r["count"]]) for r in rows]) if name == "year" else \
            bar_chart([(r["label"], r["count"]) for r in rows])
        sections.append({"name": name, "title": facet_label(name), "rows": rows, "chart": chart if rows else None})
    reps = stats.replications
    dated = [(str(year), [per[s] for s in network.STATUS_ORDER]) for year, per in reps.by_year if year is not None]
    return render_template(
        "statistics.html", stats=stats, sections=sections, reps=reps, statuses=network.STATUS_ORDER,
        rep_chart=column_chart(dated, [f"st-{s}" for s in network.STATUS_ORDER]) if dated else None,
        status_label=status_label, legend_line=legend_line, dashes=DASHES)


@bp.get("/api/v1/stats")
def api() -> Response:
    stats = _stats()
    return jsonify({"total": stats.total, **{key: facet_rows(stats, name) for name, key in API_KEYS.items()},
                    "replications": replication_data(stats.replications)})
