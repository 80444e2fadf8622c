"""The dashboard's charts and choropleth as SVG, from a `Dashboard`: the page, its SVG
downloads and the programme report (mitra.reports) draw the same pictures."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from mitra.core.numbers import Kind, format_figure

from . import charts, selectors


def _pairs(rows: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return [(str(r["label"] or _("KPU (penyelenggara)")), r["attendance"]) for r in rows]


def dashboard_chart(d: selectors.Dashboard, name: str, query: str) -> Any:
    if name == "segment":
        return charts.bar_chart(
            _pairs(d.by_segment), title=_("Jangkauan per segmen"), ident="c-segment"
        )
    if name == "theme":
        return charts.bar_chart(_pairs(d.by_theme), title=_("Jangkauan per tema"), ident="c-theme")
    if name == "approach":
        return charts.bar_chart(
            _pairs(d.by_approach), title=_("Jangkauan per pendekatan"), ident="c-approach"
        )
    if name == "method":
        return charts.bar_chart(
            _pairs(d.by_method), title=_("Jangkauan per metode"), ident="c-method"
        )
    if name == "partner":
        top = sorted(d.by_partner, key=lambda r: -(r["attendance_raw"]))[:15]
        return charts.bar_chart(
            _pairs(top), title=_("Jangkauan per mitra (15 teratas)"), ident="c-partner"
        )
    if name == "status":
        return charts.bar_chart(
            [(label, n) for _v, label, n in d.status_counts],
            title=_("Kegiatan per status"),
            ident="c-status",
        )
    if name == "trend":
        return charts.line_chart(
            # Running totals hidden to protect a small week are left out of the line.
            [
                (w.week.strftime("%d/%m"), w.cumulative_reach)
                for w in d.trend
                if not isinstance(w.cumulative_reach, str)
            ],
            title=_("Jangkauan kumulatif per minggu"),
            ident="c-trend",
        )
    if name == "map":
        return dashboard_map(d, query)
    raise Http404


def dashboard_map(d: selectors.Dashboard, query: str) -> Any:
    geometries = dict(
        selectors.office_areas(office=d.office, level=d.filters.level, with_boundary=True)
        .exclude(boundary__isnull=True)
        .values_list("code", "boundary")
    )
    if not geometries:
        return None
    measure = d.filters.measure
    unit = _("per 10.000 pemilih") if measure == "activities" else _("per 1.000 pemilih")
    areas = []
    for a in d.areas:
        value = a.measure(measure)
        if measure != "activities" and a.reach_per_1000 == selectors.HIDDEN:
            shown = _("disembunyikan (jumlah orang kecil)")
        elif value is None:
            shown = _("tidak ada data")
        else:
            shown = f"{format_figure(value, Kind.RATE)} {unit}"
        areas.append(
            charts.MapArea(
                code=a.code,
                name=a.name,
                geometry=geometries.get(a.code),
                value=value,
                href=reverse("analytics:area", args=[a.code]) + (f"?{query}" if query else ""),
                caption=f"{a.name}: {shown}",
            )
        )
    legend = (
        _("Kegiatan per 10.000 pemilih")
        if measure == "activities"
        else _("Jangkauan per 1.000 pemilih")
    )
    return charts.choropleth(
        areas,
        title=_("Peta %(what)s") % {"what": legend.lower()},
        legend_title=legend,
        ident="c-map",
    )
