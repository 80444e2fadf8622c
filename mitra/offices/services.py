"""Writes of offices: where an office sits in the hierarchy follows from its region."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mitra.regions.models import NATIONAL_CODE, Region, RegionLevel

from .models import Office, OfficeLevel


def level_of_region(region: Region) -> OfficeLevel:
    """The office level a region gives: the country, a province, or a city/regency (an
    office placed on a smaller region, as some tests do, counts as a city's)."""
    if region.level == RegionLevel.NATIONAL:
        return OfficeLevel.NATIONAL
    if region.level == RegionLevel.PROVINCE:
        return OfficeLevel.PROVINCE
    return OfficeLevel.CITY


def _upper_office_id(*, level: OfficeLevel, region_code: str) -> int | None:
    pk: int | None = (
        Office.objects.filter(level=level, region_id=region_code)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return pk


def parent_id_for(*, level: str, region_code: str) -> int | None:
    """The nearest office above: a city's province office (else the national office), a
    province's national office; the national office has none."""
    if level == OfficeLevel.NATIONAL:
        return None
    if level == OfficeLevel.CITY:
        province = _upper_office_id(
            level=OfficeLevel.PROVINCE, region_code=region_code.split(".", 1)[0]
        )
        if province is not None:
            return province
    return _upper_office_id(level=OfficeLevel.NATIONAL, region_code=NATIONAL_CODE)


def _relink_below(office: Office) -> None:
    """After a national or province office appears (or moves), the offices it covers get
    their nearest parent again."""
    if office.level == OfficeLevel.CITY:
        return
    below = Office.objects.exclude(pk=office.pk).exclude(level=OfficeLevel.NATIONAL)
    if office.level == OfficeLevel.PROVINCE:
        below = below.filter(
            region__code__startswith=f"{office.region_id}.", level=OfficeLevel.CITY
        )
    for pk, level, region_code, parent_id in below.values_list(
        "pk", "level", "region_id", "parent_id"
    ):
        wanted = parent_id_for(level=level, region_code=region_code)
        if wanted != parent_id:
            Office.objects.filter(pk=pk).update(parent_id=wanted)


@transaction.atomic
def office_place(*, office: Office) -> Office:
    """Set the office's level and parent from its region, and re-link the offices below it.

    Called by every write that creates an office or changes its region; idempotent."""
    region = Region.objects.get(pk=office.region_id)
    level = level_of_region(region)
    parent_id = parent_id_for(level=level, region_code=region.code)
    if (office.level, office.parent_id) != (level, parent_id):
        office.level, office.parent_id = level, parent_id
        Office.objects.filter(pk=office.pk).update(level=level, parent_id=parent_id)
    _relink_below(office)
    return office


@transaction.atomic
def office_create(*, name: str, slug: str, region: Region, **fields: Any) -> Office:
    """A new office for a region, placed in the hierarchy."""
    office = Office.objects.create(
        name=name, slug=slug, region=region, level=level_of_region(region), **fields
    )
    return office_place(office=office)


def offices_place_all() -> int:
    """Place every office (after bulk writes that bypassed `office_place`): levels from
    the regions first, then parents; returns how many rows changed."""
    changed = 0
    for level, region_levels in (
        (OfficeLevel.NATIONAL, [RegionLevel.NATIONAL]),
        (OfficeLevel.PROVINCE, [RegionLevel.PROVINCE]),
    ):
        changed += (
            Office.objects.filter(region__level__in=region_levels).exclude(level=level)
        ).update(level=level)
    changed += (
        Office.objects.filter(region__level__gt=RegionLevel.PROVINCE)
        .exclude(level=OfficeLevel.CITY)
        .update(level=OfficeLevel.CITY)
    )
    for pk, office_level, region_code, parent_id in Office.objects.values_list(
        "pk", "level", "region_id", "parent_id"
    ):
        wanted = parent_id_for(level=office_level, region_code=region_code)
        if wanted != parent_id:
            changed += Office.objects.filter(pk=pk).update(parent_id=wanted)
    return changed
