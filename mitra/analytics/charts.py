"""Server-rendered SVG: bar charts, a line chart and a choropleth map (no JavaScript).

Colours are SVG presentation attributes (no inline styles, so the strict CSP holds). Each
function returns a complete <svg> document fragment usable inline or as image/svg+xml.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mitra.core.numbers import Kind, format_figure, format_number
from mitra.regions.maps import Projection

INK = "#1f2933"
MUTED = "#52606d"
BAR = "#1d4e89"
GRID = "#d9e2ec"
NO_DATA = "#e4e7eb"
# Sequential blues, light to dark (ColorBrewer "Blues", 5 classes).
PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
FONT = 'font-family="system-ui, sans-serif"'


def _svg(
    width: int, height: int, title: str, body: str, ident: str, role: str = "img"
) -> SafeString:
    """role "img" for pictures; "group" for the map, whose areas are links of their own."""
    return mark_safe(  # noqa: S308 — every text part below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="{role}" aria-labelledby="{ident}-t" {FONT} font-size="13">'
        f'<title id="{ident}-t">{escape(title)}</title>{body}</svg>'
    )


def bar_chart(
    rows: Sequence[tuple[str, float | int | str]], *, title: str, ident: str, width: int = 640
) -> SafeString:
    """Horizontal bars, one per (label, value); string values (e.g. "<5") draw no bar."""
    label_w, bar_h, gap = 200, 20, 8
    numeric = [v for _label, v in rows if isinstance(v, int | float)]
    top = max(numeric, default=0) or 1
    height = max(1, len(rows)) * (bar_h + gap) + 10
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        text = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end"'
            f' fill="{INK}">{escape(text)}</text>'
        )
        if isinstance(value, int | float):
            w = (width - label_w - 70) * value / top
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR}"/>'
            )
            shown = format_figure(value, Kind.COUNT if isinstance(value, int) else Kind.RATE)
            parts.append(
                f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" fill="{INK}">{shown}</text>'
            )
        else:
            parts.append(
                f'<text x="{label_w + 6}" y="{y + 15}" fill="{INK}">{escape(value)}</text>'
            )
    if not rows:
        parts.append(f'<text x="10" y="20" fill="{MUTED}">{escape(_("Belum ada data."))}</text>')
        height = 30
    return _svg(width, height, title, "".join(parts), ident)


def line_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    ident: str,
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """A line over (label, value) points with a zero baseline and min/max labels."""
    left, right, top_pad, bottom = 60, 20, 15, 40
    if not points:
        return _svg(
            width,
            30,
            title,
            f'<text x="10" y="20" fill="{MUTED}">{escape(_("Belum ada data."))}</text>',
            ident,
        )
    top = max(v for _l, v in points) or 1
    inner_w, inner_h = width - left - right, height - top_pad - bottom
    step = inner_w / max(1, len(points) - 1)
    coords = [
        (left + i * step, top_pad + inner_h * (1 - v / top)) for i, (_label, v) in enumerate(points)
    ]
    parts = [
        f'<line x1="{left}" y1="{top_pad + inner_h}" x2="{width - right}" y2="{top_pad + inner_h}"'
        f' stroke="{GRID}"/>',
        f'<line x1="{left}" y1="{top_pad}" x2="{width - right}" y2="{top_pad}" stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}"'
        f' text-anchor="end" fill="{MUTED}">{format_number(top)}</text>',
        f'<text x="{left - 6}" y="{top_pad + inner_h + 4}"'
        f' text-anchor="end" fill="{MUTED}">0</text>',
        '<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>'.format(
            BAR, " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        ),
    ]
    for (x, y), (label, value) in zip(coords, points, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{BAR}">'
            f"<title>{escape(label)}: {format_number(value)}</title></circle>"
        )
    every = max(1, math.ceil(len(points) / 8))
    for i, (label, _value) in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{coords[i][0]:.1f}" y="{height - 18}"'
                f' text-anchor="middle" fill="{MUTED}" font-size="11">{escape(label)}</text>'
            )
    return _svg(width, height, title, "".join(parts), ident)


# --- Choropleth ---------------------------------------------------------------------------


@dataclass
class MapArea:
    code: str
    name: str
    geometry: dict[str, Any] | None
    value: float | None
    href: str
    caption: str  # e.g. "Coblong: 12,3 per 1.000 pemilih"


def class_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """Upper bounds of equal-count (quantile) classes over the known values."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return []
    bounds: list[float] = []
    for i in range(1, classes + 1):
        index = min(len(known) - 1, math.ceil(i * len(known) / classes) - 1)
        bound = known[index]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def colour_for(value: float | None, breaks: Sequence[float]) -> str:
    if value is None:
        return NO_DATA
    offset = len(PALETTE) - len(breaks)
    for i, bound in enumerate(breaks):
        if value <= bound:
            return PALETTE[offset + i]
    return PALETTE[-1]


def choropleth(
    areas: Sequence[MapArea],
    *,
    title: str,
    legend_title: str,
    ident: str,
    width: int = 640,
    low: float = 0.0,
) -> SafeString | None:
    """The areas coloured by value with a legend; None when no area has a boundary.

    `low`: where the legend's first class starts (below zero for changes, e.g. of turnout)."""
    shaped = [a for a in areas if a.geometry]
    projection = Projection.fit((a.geometry or {} for a in shaped), width=width, padding=10)
    if projection is None:
        return None
    map_h = projection.height

    breaks = class_breaks([a.value for a in areas if a.value is not None])
    parts = []
    for area in shaped:
        d = projection.path(area.geometry or {})
        parts.append(
            f'<a href="{escape(area.href)}" aria-label="{escape(area.caption)}">'
            f'<path d="{d}" fill="{colour_for(area.value, breaks)}"'
            f' stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(area.caption)}</title></path></a>"
        )
    # Legend under the map.
    y = map_h + 10
    parts.append(
        f'<text x="10" y="{y + 12}" fill="{INK}" font-weight="600">{escape(legend_title)}</text>'
    )
    offset = len(PALETTE) - len(breaks)
    x = 10
    for i, bound in enumerate(breaks):
        parts.append(
            f'<rect x="{x}" y="{y + 22}" width="18" height="14" fill="{PALETTE[offset + i]}"'
            f' stroke="{MUTED}" stroke-width="0.5"/>'
            f'<text x="{x + 24}" y="{y + 33}" fill="{INK}" font-size="12">'
            f"{format_figure(low, Kind.RATE)}–{format_figure(bound, Kind.RATE)}</text>"
        )
        low = bound
        x += 100
    parts.append(
        f'<rect x="{x}" y="{y + 22}" width="18" height="14" fill="{NO_DATA}"'
        f' stroke="{MUTED}" stroke-width="0.5"/>'
        f'<text x="{x + 24}" y="{y + 33}" fill="{INK}" font-size="12">'
        f"{escape(_('tidak ada data'))}</text>"
    )
    return _svg(width, int(y + 45), title, "".join(parts), ident, role="group")
