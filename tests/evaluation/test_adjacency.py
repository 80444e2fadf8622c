"""Neighbours from boundaries, and the spillover check in the estimate."""

from __future__ import annotations

from dataclasses import replace

from mitra.evaluation.adjacency import neighbours
from mitra.evaluation.estimate import estimate
from tests.evaluation.simulation import city


def _square(x: float, y: float) -> dict:
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {"type": "Polygon", "coordinates": [[[a / 1000, b / 1000] for a, b in ring]]}


def test_areas_that_share_an_edge_or_corner_are_neighbours():
    shapes = {"a": _square(0, 0), "b": _square(1, 0), "c": _square(5, 5), "d": None}
    assert neighbours(shapes) == {"a": {"b"}, "b": {"a"}, "c": set(), "d": set()}


def test_the_spillover_check_is_made_when_neighbour_exposure_is_known():
    units = city(effect=0.0, seed=1)
    assert estimate(units).spillover is None  # type: ignore[union-attr]
    around = [replace(u, neighbour_exposure=units[i - 1].exposure) for i, u in enumerate(units)]
    checked = estimate(around)
    assert checked is not None and checked.spillover is not None
    assert checked.spillover.low < checked.spillover.high
