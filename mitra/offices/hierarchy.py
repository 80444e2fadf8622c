"""Reads of the office hierarchy: national → province → city/regency.

The chain is at most three levels deep, so an office's descendants are its children and
their children: two joins on `parent`, no recursive query. Every function takes the
office and returns a queryset (or, for ancestors, a short list), so a caller filters
other records with `office_id__in=office_descendants(office=...)` as a subquery.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Office, OfficeLevel


def office_children(*, office: Office) -> QuerySet[Office]:
    """The offices directly under this one (a province's cities; the national's provinces)."""
    return Office.objects.filter(parent=office).select_related("region").order_by("name")


def office_descendants(*, office: Office) -> QuerySet[Office, int]:
    """The ids of every office below this one (children and grandchildren)."""
    return (
        Office.objects.filter(Q(parent=office) | Q(parent__parent=office))
        .order_by()
        .values_list("pk", flat=True)
    )


def office_ancestors(*, office: Office) -> list[Office]:
    """The offices above this one, nearest first (a city: its province, then national)."""
    ancestors: list[Office] = []
    current = (
        Office.objects.select_related("parent", "parent__parent").get(pk=office.pk)
        if office.parent_id
        else None
    )
    while current is not None and current.parent_id:
        assert current.parent is not None
        ancestors.append(current.parent)
        current = current.parent
    return ancestors


def office_is_below(*, office: Office, ancestor: Office) -> bool:
    """Whether `office` lies under `ancestor` (not the office itself)."""
    return office_descendants(office=ancestor).filter(pk=office.pk).exists()


def offices_visible_to(*, office: Office) -> QuerySet[Office]:
    """The offices whose records a member of `office` may read: itself and all below it.

    Read only: a member of a higher office never writes into a lower office's records
    (`mitra.accounts` hands it an observer's rights there).
    """
    return Office.objects.filter(
        Q(pk=office.pk) | Q(parent=office) | Q(parent__parent=office)
    ).select_related("region")


def offices_below_by_level(*, office: Office) -> dict[str, list[Office]]:
    """The offices below `office`, grouped by level (provinces, cities), by name."""
    grouped: dict[str, list[Office]] = {OfficeLevel.PROVINCE: [], OfficeLevel.CITY: []}
    for below in (
        Office.objects.filter(Q(parent=office) | Q(parent__parent=office))
        .select_related("region", "parent")
        .order_by("name")
    ):
        grouped.setdefault(below.level, []).append(below)
    return grouped
