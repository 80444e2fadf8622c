"""A kecamatan map as inline SVG, drawn on the server from the regions' GeoJSON boundaries."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from mitra.regions.maps import Projection, outer_and_inner_rings
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


def _shade(count: int, top: int) -> str:
    if count <= 0 or top <= 0:
        return "#ffffff"
    index = min(len(SHADES) - 1, math.ceil(count / top * len(SHADES)) - 1)
    return SHADES[index]


def kecamatan_map(*, regions: Iterable[Region], counts: dict[str, int]) -> SvgMap | None:
    """Each region's boundary shaded by its count; None when no region has a boundary."""
    shapes = [(r, r.boundary) for r in regions if r.boundary and outer_and_inner_rings(r.boundary)]
    projection = Projection.fit((boundary for _r, boundary in shapes), width=WIDTH, padding=PADDING)
    if projection is None:
        return None
    top = max(counts.values(), default=0)
    areas = []
    for region, boundary in shapes:
        if region.label_lat is not None and region.label_lng is not None:
            label_x, label_y = projection.point(region.label_lng, region.label_lat)
        else:
            label_x, label_y = projection.centre(outer_and_inner_rings(boundary)[0])
        count = counts.get(region.code, 0)
        areas.append(
            MapArea(
                code=region.code,
                name=region.name,
                count=count,
                path=projection.path(boundary),
                fill=_shade(count, top),
                label_x=label_x,
                label_y=label_y,
            )
        )
    return SvgMap(width=WIDTH, height=projection.height, areas=areas)
