"""Which kelurahan touch: from the imported boundaries, two areas are neighbours when their
rings share a vertex (coordinates rounded to about a metre). No GIS library needed for
boundaries cut from one map, where neighbours share their common edge's vertices."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mitra.regions.maps import outer_and_inner_rings

DIGITS = 5  # 1e-5 degree ≈ 1.1 m


def neighbours(geometries: dict[str, dict[str, Any] | None]) -> dict[str, set[str]]:
    """Each area's neighbours among the given ones (areas without a boundary are absent)."""
    owners: dict[tuple[float, float], set[str]] = defaultdict(set)
    for code, geometry in geometries.items():
        for ring in outer_and_inner_rings(geometry or {}):
            for lon, lat, *_rest in ring:
                owners[(round(lon, DIGITS), round(lat, DIGITS))].add(code)
    result: dict[str, set[str]] = {code: set() for code in geometries}
    for codes in owners.values():
        if len(codes) > 1:
            for code in codes:
                result[code] |= codes - {code}
    return result
