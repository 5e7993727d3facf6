"""`/replikasi`: every documented replication (origin -> replica, year, status, source), the network as a
server-rendered picture, and counts by status, province and sector. Computed in kb/replication/network.py."""
from __future__ import annotations

import math

from flask import Blueprint, abort, render_template, request, url_for

from kb.content import vocab
from kb.content.regions import get_region
from kb.replication import network
from kb.replication.snapshot import Link
from kb.web.charts import legend_line, network_picture
from kb.web.fit import page_number
from kb.web.i18n import current_language
from kb.web.reasons import province_name, status_label
from kb.web.snapshot import snapshot

bp = Blueprint("replications", __name__)
TABLE_PAGE = 200  # rows of the table per page; the counts and the picture cover every replication


def region_names(links: list[Link]) -> dict[str, str]:
    return {code: region.display_name for code in {l.region_code for l in links if l.region_code}
            if (region := get_region(code)) is not None}


@bp.get("/replikasi")
def network_page() -> str:
    snap = snapshot()
    page = page_number(request.args, "page", 1, 10_000)
    pages = max(1, math.ceil(len(snap.links) / TABLE_PAGE))
    if page > pages:
        abort(404)
    names = region_names(snap.links)
    picture = network.layout(snap, names)
    lang = current_language()

    def describe(edge: network.Edge) -> str:
        link = edge.link
        origin = snap.entries[link.origin]
        when = f", {link.year}" if link.year else ""
        return f"{origin.title} ({origin.region}) → {names.get(link.region_code or '', link.region)}{when}: " \
               f"{status_label(link.shown_status)}"

    counts = network.counts(snap)
    return render_template(
        "replications.html", snap=snap, links=snap.links[(page - 1) * TABLE_PAGE: page * TABLE_PAGE],
        total=len(snap.links), counts=counts, page=page, pages=pages,
        page_url=lambda n: url_for("replications.network_page", page=n) + "#list-h",
        picture=network_picture(picture, describe) if picture.edges else None, shown_edges=len(picture.edges),
        statuses=network.STATUS_ORDER, legend_line=legend_line, status_label=status_label, names=names,
        province_name=province_name, mechanism_label=lambda m: vocab.label(vocab.MECHANISMS, m, lang),
        origins=len({l.origin for l in snap.links}), regions=len({network.replica_key(l) for l in snap.links}))
