"""The roll-up of a province's cities, or of the national office's provinces and cities.

Figures add up without counting anything twice:

- an activity counts for the office that owns it (its `office`), in that office's running
  programme (`elections.selectors.current_programme`'s rule), as verified activities and
  their reported attendance (the one measure every office shares, as the national
  benchmark always used);
- voters come from each office's own area, in the election its dashboard divides by
  (the first election of its running programme that has voter counts). An upper office's
  own area is its region less the cities that have an office below it, so a province
  that imported the whole province's voter list adds only the cities without an office.

Each figure is one aggregate query over all offices of the subtree (grouped by office),
so the cost does not grow with the number of offices beyond the rows themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.activities.models import Activity, ActivityStatus
from mitra.analytics.models import VoterCount
from mitra.core.errors import PermissionDeniedError
from mitra.core.numbers import Kind, figure
from mitra.elections.models import Election, Programme
from mitra.offices.hierarchy import offices_visible_to
from mitra.offices.models import Office, OfficeLevel
from mitra.partners.models import Partner, PartnerStatus

# The activities that are on the way (neither drafts nor cancelled nor sent back).
PLANNED = [
    ActivityStatus.SUBMITTED,
    ActivityStatus.APPROVED,
    ActivityStatus.HELD,
    ActivityStatus.REPORTED,
    ActivityStatus.VERIFIED,
]


@dataclass
class RollupFigures:
    partners: int = 0
    activities: int = 0  # planned or later (see PLANNED)
    verified: int = 0
    reach: int = 0
    voters: int = 0
    areas: int = 0  # kelurahan with voter counts (gaps only)
    areas_unreached: int = 0
    voters_unreached: int = 0

    def add(self, other: RollupFigures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def reach_per_1000(self) -> float | None:
        return figure(1000 * self.reach / self.voters, Kind.RATE) if self.voters else None

    @property
    def unreached_percent(self) -> float | None:
        if not self.voters:
            return None
        return figure(100 * self.voters_unreached / self.voters, Kind.PERCENT)


@dataclass
class RollupRow:
    office: Office
    figures: RollupFigures
    # How many offices the row sums (a province row at the national level: itself and
    # its cities); 1 for an office's own row.
    offices: int = 1
    own: bool = False  # the viewing office's own records


@dataclass
class Rollup:
    office: Office
    rows: list[RollupRow]  # the office's own row, then each child with its subtree
    offices: list[RollupRow]  # every office of the subtree with its own figures
    totals: RollupFigures = field(default_factory=RollupFigures)
    with_gaps: bool = False


def require_rollup(membership: Membership | None) -> Membership:
    """Dashboard readers of a province or the national office (or of a province the
    national office is looking at); a city has no roll-up."""
    if membership is None or not has_right(membership, Right.VIEW_DASHBOARD):
        raise PermissionDeniedError(
            _("Dasbor hanya untuk staf KPU dan pemantau."), code="permission_denied"
        )
    if membership.office.level == OfficeLevel.CITY:
        raise PermissionDeniedError(
            _("Kantor ini tidak membawahi kantor lain, jadi tidak punya rekap."),
            code="no_rollup",
        )
    return membership


def _current_programmes(office_ids: list[int]) -> dict[int, int]:
    """office id → its running programme's id (latest voting day among the current)."""
    current: dict[int, int] = {}
    for office_id, pk in (
        Programme.objects.filter(office_id__in=office_ids, is_current=True)
        .order_by("office_id", "-voting_day", "pk")
        .values_list("office_id", "pk")
    ):
        current.setdefault(office_id, pk)
    return current


def _voter_elections(programme_ids: list[int]) -> dict[int, int]:
    """office id → the election its dashboard divides by: the first of its programme's
    elections (voting day, name) that has voter counts."""
    chosen: dict[int, int] = {}
    for office_id, pk in (
        Election.objects.filter(programme_id__in=programme_ids)
        .filter(Exists(VoterCount.objects.filter(election_id=OuterRef("pk"))))
        .order_by("office_id", "voting_day", "name")
        .values_list("office_id", "pk")
    ):
        chosen.setdefault(office_id, pk)
    return chosen


def _covered_cities(offices: list[Office]) -> dict[int, set[str]]:
    """For each upper office: the region codes of the city offices below it, whose
    kelurahan are theirs (not the upper office's own area)."""
    by_pk = {o.pk: o for o in offices}
    covered: dict[int, set[str]] = defaultdict(set)
    for office in offices:
        if office.level != OfficeLevel.CITY:
            continue
        parent = by_pk.get(office.parent_id or 0)
        while parent is not None:
            covered[parent.pk].add(office.region_id[:5])
            parent = by_pk.get(parent.parent_id or 0)
    return covered


def _voters(
    offices: list[Office], elections: dict[int, int], *, with_gaps: bool, current: dict[int, int]
) -> dict[int, RollupFigures]:
    """Voters of each office's own area (and, `with_gaps`, those in kelurahan without a
    verified activity of that office's running programme)."""
    figures: dict[int, RollupFigures] = defaultdict(RollupFigures)
    if not elections:
        return figures
    counts = VoterCount.objects.filter(election_id__in=elections.values())
    if with_gaps:
        counts = counts.annotate(
            reached=Exists(
                Activity.objects.filter(
                    office_id=OuterRef("office_id"),
                    kelurahan_id=OuterRef("region_id"),
                    status=ActivityStatus.VERIFIED,
                    programme_id__in=list(current.values()),
                )
            )
        )
    aggregates: dict[str, Any] = {"voters": Coalesce(Sum("voters_total"), 0)}
    if with_gaps:
        aggregates.update(
            areas=Count("pk"),
            areas_unreached=Count("pk", filter=Q(reached=False)),
            voters_unreached=Coalesce(Sum("voters_total", filter=Q(reached=False)), 0),
        )
    covered = _covered_cities(offices)
    # Cities' offices: grouped by office. Upper offices: also by city, to leave out the
    # cities whose own office counts them.
    upper_ids = [o.pk for o in offices if o.level != OfficeLevel.CITY]
    city_rows = (
        counts.exclude(office_id__in=upper_ids)
        .values("office_id")
        .annotate(**aggregates)
        .order_by()
    )
    upper_rows = (
        counts.filter(office_id__in=upper_ids)
        .annotate(city=Substr("region_id", 1, 5))
        .values("office_id", "city")
        .annotate(**aggregates)
        .order_by()
    )
    grouped: list[Mapping[str, Any]] = [*city_rows, *upper_rows]
    for row in grouped:
        if row.get("city") in covered.get(row["office_id"], ()):
            continue
        target = figures[row["office_id"]]
        target.voters += row["voters"]
        if with_gaps:
            target.areas += row["areas"]
            target.areas_unreached += row["areas_unreached"]
            target.voters_unreached += row["voters_unreached"]
    return figures


def office_rollup(*, office: Office, with_gaps: bool = False) -> Rollup:
    """The office's own figures, each child's (summed over its subtree), every office of
    the subtree, and the totals. `with_gaps`: also voters in unreached kelurahan."""
    offices = list(offices_visible_to(office=office).order_by("name"))
    ids = [o.pk for o in offices]
    current = _current_programmes(ids)
    elections = _voter_elections(list(current.values()))
    voters = _voters(offices, elections, with_gaps=with_gaps, current=current)
    own: dict[int, RollupFigures] = {pk: voters.get(pk, RollupFigures()) for pk in ids}
    programmes = list(current.values())
    # Two passes over the activities: their states (no join), then the verified ones'
    # reported attendance (the only rows that need their report), as the national list
    # always read it. One pass joining every row to its report took twice as long.
    for office_id, status, n in (
        Activity.objects.filter(programme_id__in=programmes, status__in=PLANNED)
        .values("office_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("office_id", "status", "n")
    ):
        own[office_id].activities += n
        if status == ActivityStatus.VERIFIED:
            own[office_id].verified += n
    for office_id, reach in (
        Activity.objects.filter(programme_id__in=programmes, status=ActivityStatus.VERIFIED)
        .values("office_id")
        .annotate(reach=Sum("report__attendance_total"))
        .order_by()
        .values_list("office_id", "reach")
    ):
        own[office_id].reach = reach or 0
    for office_id, n in (
        Partner.objects.filter(office_id__in=ids, status=PartnerStatus.ACTIVE)
        .values("office_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("office_id", "n")
    ):
        own[office_id].partners = n

    by_pk = {o.pk: o for o in offices}
    rows: dict[int, RollupRow] = {
        office.pk: RollupRow(office=office, figures=RollupFigures(), own=True),
    }
    totals = RollupFigures()
    for o in offices:
        top = o.pk if o.pk == office.pk or o.parent_id == office.pk else o.parent_id
        if top not in by_pk:  # not reachable: offices_visible_to holds only the subtree
            continue
        assert top is not None
        row = rows.setdefault(top, RollupRow(office=by_pk[top], figures=RollupFigures(), offices=0))
        row.figures.add(own[o.pk])
        row.offices += 1 if top != office.pk else 0
        totals.add(own[o.pk])
    ordered = [rows.pop(office.pk), *sorted(rows.values(), key=lambda r: r.office.name)]
    return Rollup(
        office=office,
        rows=ordered,
        offices=[RollupRow(office=by_pk[pk], figures=own[pk], own=pk == office.pk) for pk in ids],
        totals=totals,
        with_gaps=with_gaps,
    )
