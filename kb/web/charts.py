"""Server-rendered SVG charts and the replication network picture: no JavaScript, readable at phone width.

Each chart is drawn in a viewBox `WIDTH` units wide that the stylesheet scales to the column (at phone width a
unit is about a pixel, so text stays at least 11 px). Colours come from the stylesheet (classes), line styles
from presentation attributes (the CSP allows no inline styles), so a status is told by its dash pattern too,
not by colour alone. A chart is a picture for sighted readers: it is `aria-hidden`, and the page puts the same
numbers in a table next to it.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from kb.replication.network import LEFT_X, RIGHT_X, Picture

WIDTH = 360
FONT = 12
BAR_ROW = 34
BAR_MAX = 300  # leaves room for the count after the longest bar
LABEL_CHARS = 55
DASHES = {  # replication status -> stroke-dasharray ("" = solid)
    "berjalan": "",
    "uji-coba": "7 3",
    "direncanakan": "2 3",
    "berhenti": "9 2 2 2",
    "tidak-diketahui": "4 4",
}


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(height: float, body: list[str], css: str, width: int = WIDTH) -> Markup:
    return Markup(f'<svg class="chart {css}" viewBox="0 0 {width} {math.ceil(height)}" aria-hidden="true" '
                  f'focusable="false" xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')


def bar_chart(rows: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per row, the label above its bar and the count after it."""
    top = max((n for _, n in rows), default=0) or 1
    body = []
    for i, (label, n) in enumerate(rows):
        y = i * BAR_ROW
        width = max(1.0, BAR_MAX * n / top) if n else 0
        body.append(f'<text x="0" y="{y + 12}" font-size="{FONT}">{escape(_short(label, LABEL_CHARS))}</text>'
                    f'<rect class="bar" x="0" y="{y + 16}" width="{width:.1f}" height="12" rx="2"></rect>'
                    f'<text x="{width + 4:.1f}" y="{y + 26}" font-size="{FONT}" class="n">{n}</text>')
    return _svg(len(rows) * BAR_ROW + 2, body, "bars")


def column_chart(columns: Sequence[tuple[str, Sequence[int]]], classes: Sequence[str] = ("bar",)) -> Markup:
    """Vertical columns over time (oldest left), each stacked from its series (one class per series); every
    label is shown when there is room, else every k-th one."""
    height, base, left = 190, 160, 4
    if not columns:
        return _svg(20, [], "columns")
    top = max(sum(values) for _, values in columns) or 1
    step = (WIDTH - left * 2) / len(columns)
    every = max(1, math.ceil(len(columns) / (WIDTH / 36)))  # a label needs about 36 units
    body = [f'<line class="axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"></line>']
    for i, (label, values) in enumerate(columns):
        x = left + i * step
        y = float(base)
        for value, css in zip(values, classes):
            h = (base - 20) * value / top
            if h:
                y -= h
                body.append(f'<rect class="{css}" x="{x + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                            f'height="{h:.1f}"></rect>')
        total = sum(values)
        if total and step >= 14:
            body.append(f'<text x="{x + step / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle" '
                        f'class="n">{total}</text>')
        if i % every == 0:
            body.append(f'<text x="{x + step / 2:.1f}" y="{base + 16}" font-size="11" text-anchor="middle">'
                        f'{escape(label)}</text>')
    return _svg(height, body, "columns")


def network_picture(picture: Picture, describe) -> Markup:  # noqa: ANN001 - describe(edge) -> tooltip text
    """Originals left, replicating regions right, one curve per replication in its status's line style."""
    body = []
    mid = (LEFT_X + RIGHT_X) / 2
    for edge in picture.edges:
        a, b = edge.source, edge.target
        dash = DASHES.get(edge.status, "4 4")
        body.append(f'<path class="edge st-{edge.status}" d="M{a.x} {a.y:.1f} C{mid} {a.y:.1f} {mid} {b.y:.1f} '
                    f'{b.x} {b.y:.1f}"{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}>'
                    f'<title>{escape(describe(edge))}</title></path>')
    for node in picture.nodes:
        left = node.side == "origin"
        tx, anchor = (node.x - 7, "end") if left else (node.x + 7, "start")
        body.append(f'<circle class="node {node.side}" cx="{node.x}" cy="{node.y:.1f}" r="4"></circle>'
                    f'<text x="{tx}" y="{node.y + 4:.1f}" font-size="11" text-anchor="{anchor}">'
                    f'<title>{escape(node.full)}</title>{escape(node.label)}</text>')
    return _svg(picture.height, body, "network", picture.width)


def legend_line(status: str) -> Markup:
    """A short sample of a status's line style, for the legend."""
    dash = DASHES.get(status, "4 4")
    attr = f' stroke-dasharray="{dash}"' if dash else ""
    return Markup(f'<svg class="swatch" viewBox="0 0 40 10" aria-hidden="true" focusable="false">'
                  f'<path class="edge st-{status}" d="M0 5 H40"{attr}></path></svg>')
