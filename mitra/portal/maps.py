"""A kecamatan map as inline SVG, drawn on the server from the regions' GeoJSON boundaries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mitra.regions.models import Region

WIDTH = 640.0
PADDING = 8.0
SHADES = ["#f3e4e4", "#e3b5b5", "#cf8080", "#b04a4a", "#8b1a1a"]


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    count: int
    path: str
    fill: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class SvgMap:
    width: float
    height: float
    areas: list[MapArea]


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _shade(count: int, top: int) -> str:
    if count <= 0 or top <= 0:
        return "#ffffff"
    index = min(len(SHADES) - 1, math.ceil(count / top * len(SHADES)) - 1)
    return SHADES[index]


def kecamatan_map(*, regions: Iterable[Region], counts: dict[str, int]) -> SvgMap | None:
    """Project lon/lat with an equirectangular projection (x scaled by cos of the mid latitude)
    onto an SVG box fitted to the regions' bounding box. None when no region has a boundary."""
    shapes = [(r, _polygons(r.boundary)) for r in regions if r.boundary]
    shapes = [(r, polys) for r, polys in shapes if polys]
    if not shapes:
        return None
    points = [pt for _r, polys in shapes for poly in polys for ring in poly for pt in ring]
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (WIDTH - 2 * PADDING) / span_x
    height = span_y * scale + 2 * PADDING

    def project(pt: Sequence[float]) -> tuple[float, float]:
        return (
            PADDING + (pt[0] - min_lon) * kx * scale,
            PADDING + (max_lat - pt[1]) * scale,
        )

    top = max(counts.values(), default=0)
    areas = []
    for region, polys in shapes:
        parts = []
        for poly in polys:
            for ring in poly:
                xy = [project(pt) for pt in ring]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
        if region.label_lat is not None and region.label_lng is not None:
            lx, ly = project((region.label_lng, region.label_lat))
        else:
            xy = [project(pt) for pt in polys[0][0]]
            lx, ly = sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy)
        count = counts.get(region.code, 0)
        areas.append(
            MapArea(
                code=region.code,
                name=region.name,
                count=count,
                path="".join(parts),
                fill=_shade(count, top),
                label_x=round(lx, 1),
                label_y=round(ly, 1),
            )
        )
    return SvgMap(width=WIDTH, height=round(height, 1), areas=areas)
