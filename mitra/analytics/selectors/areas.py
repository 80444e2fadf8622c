"""Areas: the map's and the ranked table's rows per kecamatan or kelurahan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    QuerySet,
)
from django.utils.translation import gettext as _

from mitra.activities import selectors as activity_selectors
from mitra.activities.models import Activity
from mitra.core.errors import NotFoundError
from mitra.core.numbers import Kind, figure
from mitra.elections.models import Programme
from mitra.offices.models import Office
from mitra.regions.models import Region, RegionLevel

from .denominators import TurnoutBase, VoterBase, past_turnout, voter_election, voters_by_area
from .scope import HIDDEN, LEVELS, DashboardFilters, complementary, protected, suppress
from .trend import UnplacedRow, reach_sum, unplaced_row

# --- Areas (map and ranked table) --------------------------------------------------------


@dataclass
class AreaRow:
    code: str
    name: str
    parent_name: str
    voters: int | None
    activities: int
    reach: int | str  # may be "<5" once suppressed
    reach_raw: int
    turnout: float | None

    @property
    def reach_per_1000(self) -> float | str | None:
        if not self.voters:
            return None
        if isinstance(self.reach, str):
            return HIDDEN  # derived from a hidden count: it would give the count away
        return figure(1000 * self.reach_raw / self.voters, Kind.RATE)

    @property
    def activities_per_10000(self) -> float | None:
        return figure(10000 * self.activities / self.voters, Kind.RATE) if self.voters else None

    def measure(self, name: str) -> float | None:
        """The map's number (None when there is none to show: no data, or hidden)."""
        value = self.activities_per_10000 if name == "activities" else self.reach_per_1000
        return None if isinstance(value, str) else value


def office_areas(*, office: Office, level: str, with_boundary: bool = False) -> QuerySet[Region]:
    qs = (
        Region.objects.within(office.region_id)
        .filter(level=LEVELS.get(level, RegionLevel.KECAMATAN))
        .select_related("parent")
        .order_by("code")
    )
    return qs if with_boundary else qs.defer("boundary", "parent__boundary")


def area_rows(
    *,
    office: Office,
    programme: Programme,
    filters: DashboardFilters,
    threshold: int = 0,
) -> list[AreaRow]:
    """One row per kecamatan (or kelurahan) of the office's area, ordered by code."""
    level = filters.level
    election = voter_election(programme=programme, election_id=filters.election_id)
    voters = voters_by_area(election=election, level=level)
    turnout = past_turnout(office=office, level=level)
    key = "kelurahan_id" if level == "kelurahan" else "kelurahan__parent_id"
    reach = {
        r[key]: r
        for r in activity_selectors.counted_activities(
            office=office, filters=filters.activity_filters(programme)
        )
        .values(key)
        .annotate(activities=Count("pk"), attendance=reach_sum(office))
        .order_by()
    }
    rows = _area_rows(
        office=office,
        level=level,
        voters=voters,
        turnout=turnout,
        reach=reach,
        threshold=threshold,
    )
    _protect_areas(rows, unplaced_row(reach.get(None), threshold), threshold)
    return rows


def _protect_areas(rows: list[AreaRow], unplaced: UnplacedRow, threshold: int) -> None:
    """The area rows and the online row add up to the shown total: hide what would let a
    subtraction recover a small cell (in place)."""
    values = [r.reach_raw for r in rows] + [unplaced.reach_raw]
    for i in complementary(values, threshold):
        if i < len(rows):
            rows[i].reach = protected(rows[i].reach_raw, True, threshold)
        else:
            unplaced.reach = protected(unplaced.reach_raw, True, threshold)


def _area_rows(
    *,
    office: Office,
    level: str,
    voters: dict[str, VoterBase],
    turnout: TurnoutBase | None,
    reach: dict[Any, dict[str, Any]],
    threshold: int,
) -> list[AreaRow]:
    rows = []
    for region in office_areas(office=office, level=level):
        figures = reach.get(region.code, {})
        base = voters.get(region.code)
        reached = int(figures.get("attendance", 0))
        rows.append(
            AreaRow(
                code=region.code,
                name=region.name,
                parent_name=region.parent.name if region.parent_id and region.parent else "",
                voters=base.voters_total if base else None,
                activities=int(figures.get("activities", 0)),
                reach=suppress(reached, threshold) or 0,
                reach_raw=reached,
                turnout=turnout.by_area.get(region.code) if turnout else None,
            )
        )
    return rows


def area_get(*, office: Office, code: str) -> Region:
    region = (
        Region.objects.within(office.region_id)
        .filter(code=code, level__in=[RegionLevel.KECAMATAN, RegionLevel.KELURAHAN])
        .select_related("parent")
        .first()
    )
    if region is None:
        raise NotFoundError(_("Wilayah tidak ditemukan."), code="not_found")
    return region


def area_activities(
    *, office: Office, programme: Programme, region: Region, filters: DashboardFilters
) -> QuerySet[Activity]:
    """The counted (verified) activities held in one kecamatan or kelurahan."""
    qs = activity_selectors.counted_activities(
        office=office, filters=filters.activity_filters(programme)
    )
    if region.level == RegionLevel.KECAMATAN:
        qs = qs.filter(kelurahan__parent_id=region.code)
    else:
        qs = qs.filter(kelurahan_id=region.code)
    return qs.select_related("partner", "method", "kelurahan", "report").order_by("-starts_at")


def area_attendance(
    *, office: Office, activities: QuerySet[Activity], threshold: int
) -> dict[int, int | str]:
    """Each activity's reach as an area page shows it: counted by the office's rule
    (`reach_sum`), small counts hidden and, since the activities add up to the area's
    shown total, one more hidden where a subtraction would recover a hidden one."""
    rows = list(
        activities.order_by("pk")
        .values("pk")
        .annotate(reach=reach_sum(office))
        .values_list("pk", "reach")
    )
    hidden = complementary([reach for _pk, reach in rows], threshold)
    return {
        pk: protected(reach, i in hidden, threshold) if threshold else reach
        for i, (pk, reach) in enumerate(rows)
    }
