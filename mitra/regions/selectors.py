"""Reads of the reference regions."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Region, RegionLevel


def region_children(*, parent: str | None) -> QuerySet[Region]:
    """Direct children of a region; the provinces when no parent is given."""
    regions = Region.objects.only("code", "name", "level", "parent_id")
    if parent:
        return regions.children_of(parent)
    return regions.filter(parent__isnull=True, level=RegionLevel.PROVINCE)


def kecamatan_of(*, city_code: str) -> QuerySet[Region]:
    """The kecamatan of a city or regency, by name."""
    return Region.objects.children_of(city_code).kecamatan().order_by("name")
