"""Drawing regions on a page: GeoJSON boundaries projected onto an SVG box.

Kecamatan and kelurahan are small, so an equirectangular projection with the longitude
shrunk by the cosine of the middle latitude is faithful enough and needs no GIS library.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


def outer_and_inner_rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """Every ring of a Polygon or MultiPolygon (holes included), as lists of [lon, lat]."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


@dataclass(frozen=True)
class Projection:
    """Maps lon/lat to SVG x/y inside a box `width` wide fitted to the given shapes."""

    min_lon: float
    max_lat: float
    shrink: float
    scale: float
    padding: float
    width: float
    height: float

    @classmethod
    def fit(
        cls, geometries: Iterable[dict[str, Any]], *, width: float, padding: float = 10.0
    ) -> Projection | None:
        points = [p for g in geometries for ring in outer_and_inner_rings(g) for p in ring]
        if not points:
            return None
        min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
        min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
        shrink = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lon - min_lon) * shrink, 1e-9)
        span_y = max(max_lat - min_lat, 1e-9)
        scale = (width - 2 * padding) / span_x
        return cls(
            min_lon=min_lon,
            max_lat=max_lat,
            shrink=shrink,
            scale=scale,
            padding=padding,
            width=width,
            height=round(span_y * scale + 2 * padding, 1),
        )

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(self.padding + (lon - self.min_lon) * self.shrink * self.scale, 1),
            round(self.padding + (self.max_lat - lat) * self.scale, 1),
        )

    def path(self, geometry: dict[str, Any]) -> str:
        """The SVG path data (`d`) of a Polygon or MultiPolygon."""
        return "".join(
            "M" + "L".join("{:.1f},{:.1f}".format(*self.point(p[0], p[1])) for p in ring) + "Z"
            for ring in outer_and_inner_rings(geometry)
        )

    def centre(self, ring: Sequence[Sequence[float]]) -> tuple[float, float]:
        """The average of a ring's points: a fallback label position."""
        xy = [self.point(p[0], p[1]) for p in ring]
        return (
            round(sum(x for x, _ in xy) / len(xy), 1),
            round(sum(y for _, y in xy) / len(xy), 1),
        )
