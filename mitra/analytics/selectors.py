"""Every figure of the dashboard, its exports, the API and the public summary.

One layer, so the page, the XLSX and the JSON never disagree. Reach comes from
`mitra.activities.selectors` (only verified reports, each activity once); this module adds
the denominators (voters per area), targets and pace, the weekly trend and the gaps.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.activities import selectors as activity_selectors
from mitra.activities.models import Activity, ActivityStatus, OnlinePost
from mitra.activities.selectors import ActivityFilters
from mitra.checkin.models import CheckIn
from mitra.checkin.selectors import RECONCILIATION_THRESHOLD
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.core.numbers import Kind, figure, format_figure, format_number
from mitra.elections.models import Election, Programme, Segment, Stage, Theme
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office, ReachSource
from mitra.partners.models import Deliverable, DeliverableMetric, Partner, PartnerStatus
from mitra.regions.models import Region, RegionLevel

from . import priority, scoring
from .models import ElectionResult, StationResult, Target, TargetMetric, VoterCount

LEVELS = {"kecamatan": RegionLevel.KECAMATAN, "kelurahan": RegionLevel.KELURAHAN}
PER_AREA = 3  # gaps of one area in the ranking before "more"
SEGMENT_VOTER_FIELD = {"pemula": "first_time_voters", "perempuan": "voters_women"}


# --- Access -------------------------------------------------------------------------------


def require_dashboard(membership: Membership | None) -> Membership:
    """Staff, admins and observers see the office dashboard; coordinators do not."""
    if membership is None or not has_right(membership, Right.VIEW_DASHBOARD):
        raise PermissionDeniedError(
            _("Dasbor hanya untuk staf KPU dan pemantau."), code="permission_denied"
        )
    return membership


def small_cell_threshold(*, membership: Membership | None, office: Office) -> int:
    """Cells below this are hidden: 0 for people who may see personal data, else the office's."""
    if membership is not None and has_right(membership, Right.VIEW_PERSONAL_DATA):
        return 0
    return int(office.small_cell_threshold or 0)


def suppress(value: int | None, threshold: int) -> int | str | None:
    """A people count as shown: "<5" when 0 < value < threshold (0 and None stay as they are)."""
    if value is None or threshold <= 0 or value == 0 or value >= threshold:
        return value
    return f"<{threshold}"


# What stands in for a figure hidden to protect a small cell: a rate or share computed
# from a hidden count, or a cell hidden only so that a shown total minus the shown cells
# does not give a hidden one away (complementary suppression).
HIDDEN = "*"


def complementary(values: list[int], threshold: int) -> set[int]:
    """Which cells of a group whose total is shown must be hidden: every small one
    (0 < value < threshold) and, when that is a single cell, also the smallest other
    non-zero cell, so that the total minus the shown cells gives only a sum of two."""
    if threshold <= 0:
        return set()
    hidden = {i for i, v in enumerate(values) if 0 < v < threshold}
    if len(hidden) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if i not in hidden and v > 0)
        if others:
            hidden.add(others[0][1])
    return hidden


def protected(value: int, hidden: bool, threshold: int) -> int | str:
    """A people count of a protected group: "<5" when small, "*" when hidden only to
    protect another cell, else the count."""
    if not hidden:
        return value
    return suppress(value, threshold) if 0 < value < threshold else HIDDEN  # type: ignore[return-value]


# --- Filters ------------------------------------------------------------------------------


@dataclass
class DashboardFilters:
    election_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    segment_id: int | None = None
    theme_id: int | None = None
    level: str = "kecamatan"  # a key of LEVELS; anything else reads as "kecamatan"
    measure: str = "reach"  # "reach" per 1,000 voters | "activities" per 10,000 voters
    approach_id: int | None = None  # an approach of the programme (its methods)
    approach_other: bool = False  # methods in no approach ("other")

    def __post_init__(self) -> None:
        # Clamped once here, so every reader of `level` may index LEVELS with it.
        if self.level not in LEVELS:
            self.level = "kecamatan"

    def activity_filters(self, programme: Programme) -> ActivityFilters:
        return ActivityFilters(
            programme_id=programme.pk,
            election_id=self.election_id,
            segment_id=self.segment_id,
            theme_id=self.theme_id,
            date_from=self.date_from,
            date_to=self.date_to,
            approach_id=self.approach_id,
            approach_other=self.approach_other,
            verified_by=self.date_to,  # a replay counts what was verified by then
        )

    def as_query(self) -> dict[str, str]:
        query = {
            "election": self.election_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "segment": self.segment_id,
            "theme": self.theme_id,
            "level": self.level if self.level != "kecamatan" else None,
            "measure": self.measure if self.measure != "reach" else None,
            "approach": activity_selectors.OTHER_APPROACH
            if self.approach_other
            else self.approach_id,
        }
        return {k: str(v) for k, v in query.items() if v}


def reference_day(
    *, filters: DashboardFilters, today: datetime.date | None = None
) -> datetime.date:
    """The day figures are read "as of": the end of the date filter, else today."""
    today = today or timezone.localdate()
    return min(filters.date_to, today) if filters.date_to else today


# --- Denominators: voters and past turnout per area --------------------------------------


def programme_elections(*, programme: Programme) -> list[tuple[Election, bool]]:
    """The programme's elections (by voting day, name), each with whether it has voter
    counts: one query."""
    elections = (
        Election.objects.filter(programme=programme)
        .order_by("voting_day", "name")
        .annotate(has_counts=Exists(VoterCount.objects.filter(election_id=OuterRef("pk"))))
    )
    return [(e, bool(e.has_counts)) for e in elections]  # type: ignore[attr-defined]


def voter_election(
    *,
    programme: Programme,
    election_id: int | None,
    elections_with_counts: list[tuple[Election, bool]] | None = None,
) -> Election | None:
    """The election whose voter list is the denominator: the chosen one, else the first
    of the programme's elections that has voter counts (else the first at all).

    `elections_with_counts`: `programme_elections(programme)` when already read (see
    `filter_choices`); read here otherwise."""
    ordered = (
        programme_elections(programme=programme)
        if elections_with_counts is None
        else elections_with_counts
    )
    if election_id:
        return next((e for e, _has in ordered if e.pk == election_id), None)
    return next((e for e, has in ordered if has), ordered[0][0] if ordered else None)


@dataclass
class VoterBase:
    voters_total: int
    voters_men: int
    voters_women: int
    first_time_voters: int | None

    def counted(self, code: str | None) -> int | None:
        """Voters of the segment where the voter list tells them apart, else None."""
        field_name = SEGMENT_VOTER_FIELD.get(code or "")
        value = getattr(self, field_name) if field_name else None
        return int(value) if value is not None else None


@dataclass(frozen=True)
class SegmentVoters:
    """A segment's voters in an area: counted by the voter list, or estimated from the
    segment's share of all voters (the office's estimate, else the default)."""

    voters: int
    counted: bool
    share: float | None  # % of all voters, when estimated
    source: str  # where the figure or the share comes from


def segment_share(segment: Segment) -> tuple[float, str]:
    """The share of all voters (%) used for a segment the voter list does not count, and
    where it comes from: the office's own estimate, else the default."""
    if segment.voter_share is not None:
        return float(segment.voter_share), segment.voter_share_source or _("perkiraan kantor")
    share = scoring.DEFAULT_SHARES.get(segment.code, scoring.DEFAULT_SHARE)
    return share, _("perkiraan bawaan, belum disesuaikan kantor")


def segment_voters(*, base: VoterBase, segment: Segment) -> SegmentVoters:
    counted = base.counted(segment.code)
    if counted is not None:
        return SegmentVoters(voters=counted, counted=True, share=None, source=_("rekap DPT"))
    share, source = segment_share(segment)
    return SegmentVoters(
        voters=scoring.segment_voters(area_voters=base.voters_total, share_percent=share),
        counted=False,
        share=share,
        source=source,
    )


def voters_by_area(*, election: Election | None, level: str) -> dict[str, VoterBase]:
    """Voter figures per area code (kelurahan, or summed per kecamatan). Areas without
    imported figures are absent: callers show them as "tidak ada data", never as zero."""
    if election is None:
        return {}
    key = "region_id" if level == "kelurahan" else "region__parent_id"
    rows = (
        VoterCount.objects.filter(election=election)
        .values(key)
        .annotate(
            total=Sum("voters_total"),
            men=Sum("voters_men"),
            women=Sum("voters_women"),
            first=Sum("first_time_voters"),
            first_n=Count("first_time_voters"),
            n=Count("pk"),
        )
    )
    result = {}
    for r in rows:
        result[r[key]] = VoterBase(
            voters_total=r["total"],
            voters_men=r["men"],
            voters_women=r["women"],
            # Only when every kelurahan of the area has the figure; a partial sum would mislead.
            first_time_voters=r["first"] if r["first_n"] == r["n"] else None,
        )
    return result


@dataclass(frozen=True)
class TurnoutBase:
    label: str
    year: int
    by_area: dict[str, float]
    city: float | None


def results_by_area(*, result_id: int, level: str) -> dict[str, tuple[int, int]]:
    """(registered, voted) per area code of one election's results: the sums of its TPS
    rows per kelurahan (or per kecamatan); areas without results are absent."""
    key = "region_id" if level == "kelurahan" else "region__parent_id"
    rows = (
        StationResult.objects.filter(result_id=result_id)
        .order_by()
        .values(key)
        .annotate(registered=Sum("registered"), voted=Sum("voted"))
    )
    return {r[key]: (r["registered"], r["voted"]) for r in rows}


def baseline_result(*, office: Office) -> ElectionResult | None:
    """The past election the recommendations compare with: like with like, the latest
    earlier result of the same kind as one of the current programme's elections, else the
    latest earlier result of any kind (results of the programme's own elections excluded)."""
    own = Election.objects.filter(office_id=office.pk, programme__is_current=True)
    earlier = ElectionResult.objects.filter(office_id=office.pk).exclude(
        election_id__in=own.values("pk")
    )
    same_kind = earlier.filter(kind__in=own.values("kind")).order_by("-year", "name").first()
    return same_kind or earlier.order_by("-year", "name").first()


def programme_turnout(*, programme: Programme) -> float | None:
    """Turnout (percent, 2 decimals) of the first of the programme's elections whose
    official results are imported; None before that."""
    result = (
        ElectionResult.objects.filter(election__programme=programme)
        .order_by("election__voting_day", "election__name")
        .annotate(registered=Sum("stations__registered"), voted=Sum("stations__voted"))
        .values("registered", "voted")
        .first()
    )
    if not result or not result["registered"]:
        return None
    return round(100 * result["voted"] / result["registered"], 2)


def past_turnout(*, office: Office, level: str) -> TurnoutBase | None:
    """The baseline election's turnout per area and for the whole office area."""
    base = baseline_result(office=office)
    if base is None:
        return None
    groups = results_by_area(result_id=base.pk, level=level)
    if not groups:
        return None
    by_area = {code: voted / reg for code, (reg, voted) in groups.items() if reg}
    # The whole area's turnout is the sum over the groups (every row is in one group).
    registered = sum(reg for reg, _voted in groups.values())
    voted = sum(v for _reg, v in groups.values())
    city = voted / registered if registered else None
    return TurnoutBase(label=base.name, year=base.year, by_area=by_area, city=city)


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


# --- Targets and pace ---------------------------------------------------------------------


@dataclass
class TargetRow:
    target: Target
    label: str
    actual: int | float | None  # None: not measurable yet (turnout before the results)
    value: int
    pace: scoring.Pace | None
    unit: str = ""


def office_target(*, membership: Membership, pk: int) -> Target | None:
    """One target of the member's office (None for another office's: 404, nothing revealed)."""
    return (
        Target.objects.select_related("segment", "theme", "approach", "programme")
        .filter(office_id=membership.office_id, pk=pk)
        .first()
    )


def _target_label(target: Target) -> str:
    parts = [target.get_metric_display()]
    if target.segment_id and target.segment:
        parts.append(target.segment.name)
    if target.theme_id and target.theme:
        parts.append(target.theme.name)
    if target.approach_id and target.approach:
        parts.append(target.approach.label)
    return " · ".join(parts)


@dataclass
class ActivityFacts:
    """The counted (verified) activities of a programme as plain facts, read once by the
    dashboard, so many targets and deliverables are measured without one query set each."""

    attendance: dict[int, int]
    kelurahan: dict[int, str | None]
    partner: dict[int, int | None]
    segments: dict[int, set[int]]
    themes: dict[int, set[int]]
    approach: dict[int, int | None] = field(default_factory=dict)  # None: "other"

    def matching(
        self,
        *,
        segment_id: int | None = None,
        theme_id: int | None = None,
        partners: set[int] | None = None,
        approach_id: int | None = None,
    ) -> list[int]:
        return [
            pk
            for pk in self.attendance
            if (segment_id is None or segment_id in self.segments.get(pk, ()))
            and (theme_id is None or theme_id in self.themes.get(pk, ()))
            and (partners is None or self.partner[pk] in partners)
            and (approach_id is None or self.approach.get(pk) == approach_id)
        ]


def target_rows(
    *,
    programme: Programme,
    filters: DashboardFilters,
    facts: ActivityFacts,
    start: datetime.date,
    kelurahan_total: int,
    today: datetime.date | None = None,
) -> list[TargetRow]:
    """Each target with what is done, what should be done by now, and on track or behind.

    `facts`: the counted activities under the targets' filter (see `dashboard`); `start`:
    the programme's start; `kelurahan_total`: the office's kelurahan (see `_dashboard_counts`).
    """
    as_of = reference_day(filters=filters, today=today)
    expected = scoring.expected_share(start=start, end=programme.voting_day, today=as_of)
    days_left = (programme.voting_day - as_of).days
    targets = list(
        Target.objects.filter(programme=programme).select_related("segment", "theme", "approach")
    )
    if not targets:
        return []
    rows = []
    for target in targets:
        ids = facts.matching(
            segment_id=target.segment_id,
            theme_id=target.theme_id,
            approach_id=target.approach_id,
        )
        actual: int | float | None
        value = target.value
        unit = ""
        if target.metric == TargetMetric.TURNOUT:
            # Measured after voting day, from the official results (None until imported).
            actual, unit = programme_turnout(programme=programme), "%"
        elif target.metric == TargetMetric.ACTIVITIES_PER_KELURAHAN:
            # Progress: kelurahan that have at least `value` activities, of all kelurahan.
            per_kel: dict[str, int] = defaultdict(int)
            for pk in ids:
                if facts.kelurahan[pk]:
                    per_kel[str(facts.kelurahan[pk])] += 1
            actual = sum(1 for n in per_kel.values() if n >= target.value)
            value = kelurahan_total
            unit = _("kelurahan")
        elif target.metric == TargetMetric.REACH:
            actual, unit = sum(facts.attendance[pk] for pk in ids), _("orang")
        else:
            actual, unit = len(ids), npgettext("count", "kegiatan", "kegiatan", value)
        pace = (
            scoring.Pace(actual=int(actual), target=value, expected=expected, days_left=days_left)
            if actual is not None and target.metric != TargetMetric.TURNOUT
            else None
        )
        rows.append(
            TargetRow(
                target=target,
                label=_target_label(target),
                actual=actual,
                value=value,
                pace=pace,
                unit=unit,
            )
        )
    return rows


@dataclass
class DeliverableRollup:
    metric: str
    metric_label: str
    theme: str
    segment: str
    partners: int
    target: int
    done: int


def deliverable_rollup(
    *,
    office: Office,
    programme: Programme,
    facts: ActivityFacts,
    start: datetime.date,
    posts: dict[int, int],
) -> list[DeliverableRollup]:
    """Partner deliverables of the agreements in force during the programme, summed per
    metric/theme/segment, with the verified work of those partners towards them.

    `facts` as for `target_rows`; `posts`: online posts per activity of `facts`."""
    deliverables = list(
        Deliverable.objects.filter(
            agreement__office_id=office.pk,
            agreement__valid_until__gte=start,
            agreement__valid_from__lte=programme.voting_day,
        ).values_list(
            "metric",
            "theme_id",
            "theme__name",
            "segment_id",
            "segment__name",
            "agreement__partner_id",
            "target",
        )
    )
    if not deliverables:
        return []
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for metric, theme_id, theme, segment_id, segment, partner_id, target in deliverables:
        group = groups.setdefault(
            (metric, theme_id, segment_id), [theme or "", segment or "", set(), 0]
        )
        group[2].add(partner_id)
        group[3] += target
    labels = dict(DeliverableMetric.choices)
    rows = []
    for (metric, theme_id, segment_id), (theme, segment, partners, target) in sorted(
        groups.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2] or 0)
    ):
        ids = facts.matching(segment_id=segment_id, theme_id=theme_id, partners=partners)
        if metric == DeliverableMetric.REACH:
            done = sum(facts.attendance[pk] for pk in ids)
        elif metric == DeliverableMetric.POSTS:
            done = sum(posts.get(pk, 0) for pk in ids)
        else:
            done = len(ids)
        rows.append(
            DeliverableRollup(
                metric=metric,
                metric_label=str(labels.get(metric, metric)),
                theme=theme,
                segment=segment,
                partners=len(partners),
                target=target,
                done=done,
            )
        )
    return rows


# --- Trend --------------------------------------------------------------------------------


def reach_sum(office: Office, *, through: bool = False) -> Any:
    """The reach of the activities of a query, summed: each activity's verified report,
    or its check-ins where the office counts those (Office.reach_source) and it has some.
    `through`: the query runs over an activity's M2M rows (themes, segments)."""
    prefix, ref = ("activity__", "activity_id") if through else ("", "pk")
    number = IntegerField()
    reported = Coalesce(F(f"{prefix}report__attendance_total"), 0, output_field=number)
    if office.reach_source != ReachSource.MEASURED:
        return Coalesce(Sum(reported), 0, output_field=number)
    checkins = CheckIn.objects.filter(activity_id=OuterRef(ref))
    chosen = Case(
        When(Exists(checkins), then=_count(checkins)), default=reported, output_field=number
    )
    return Coalesce(Sum(chosen), 0, output_field=number)


@dataclass(frozen=True)
class AttendanceCheck:
    """Reported against measured attendance, over the counted activities that have both a
    verified report and check-ins (the others have nothing to compare)."""

    activities: int  # with check-ins
    reported: int | str
    measured: int | str
    differing: int  # activities whose figures differ by more than the threshold
    threshold_percent: int


def differs(reported: int, measured: int) -> bool:
    """More than RECONCILIATION_THRESHOLD (25 %) apart, relative to the reported figure
    (the rule of the activity page's reconciliation)."""
    if not measured:
        return False
    if not reported:
        return True
    return abs(reported - measured) > RECONCILIATION_THRESHOLD * reported


def _attendance_check(rows: list[Any], threshold: int) -> AttendanceCheck:
    both = [r for r in rows if r[_MEASURED]]
    reported = sum(r[9] or 0 for r in both)
    measured = sum(r[_MEASURED] for r in both)
    return AttendanceCheck(
        activities=len(both),
        reported=suppress(reported, threshold) or 0,
        measured=suppress(measured, threshold) or 0,
        differing=sum(1 for r in both if differs(r[9] or 0, r[_MEASURED])),
        threshold_percent=round(RECONCILIATION_THRESHOLD * 100),
    )


@dataclass
class UnplacedRow:
    """Counted activities with no kelurahan (online, or place not given)."""

    activities: int
    reach: int | str  # may be "<5" once suppressed
    reach_raw: int

    @property
    def name(self) -> str:
        return _("Daring / tanpa kelurahan")


def unplaced_row(figures: dict[str, Any] | None, threshold: int) -> UnplacedRow:
    reached = int((figures or {}).get("attendance", 0))
    return UnplacedRow(
        activities=int((figures or {}).get("activities", 0)),
        reach=suppress(reached, threshold) or 0,
        reach_raw=reached,
    )


@dataclass(frozen=True)
class WeekRow:
    week: datetime.date
    activities: int
    reach: int | str  # "<5" or "*" when hidden (see _protect_trend)
    cumulative_reach: int | str


# --- The dashboard ------------------------------------------------------------------------


@dataclass
class Dashboard:
    office: Office
    programme: Programme
    filters: DashboardFilters
    as_of: datetime.date
    days_left: int
    voter_election: Election | None
    voters_total: int | None
    partners_active: int
    status_counts: list[tuple[str, str, int]]
    totals: dict[str, Any]
    checkins: int | None
    by_segment: list[dict[str, Any]]
    by_theme: list[dict[str, Any]]
    by_method: list[dict[str, Any]]
    by_partner: list[dict[str, Any]]
    targets: list[TargetRow]
    deliverables: list[DeliverableRollup]
    trend: list[WeekRow]
    areas: list[AreaRow]
    threshold: int = 0
    by_approach: list[dict[str, Any]] = field(default_factory=list)
    # The counted activities held online or without a kelurahan: the row that makes the
    # area rows add up to the totals above them.
    unplaced: UnplacedRow | None = None
    attendance_check: AttendanceCheck | None = None

    @property
    def reach_per_1000(self) -> float | str | None:
        if not self.voters_total:
            return None
        if isinstance(self.totals["attendance_total"], str):
            return HIDDEN  # derived from a hidden count
        return figure(1000 * self.totals["attendance_raw"] / self.voters_total, Kind.RATE)


def _suppressed(
    rows: list[dict[str, Any]], threshold: int, *, partition: bool = False
) -> list[dict[str, Any]]:
    """Rows with small people counts hidden; `partition`: the rows add up to the shown
    total (each activity in one row), so one more is hidden where a subtraction would
    recover a hidden one."""
    values = [r["attendance"] for r in rows]
    hidden = complementary(values, threshold) if partition else set()
    return [
        {
            **r,
            "attendance_raw": r["attendance"],
            "attendance": protected(r["attendance"], True, threshold)
            if i in hidden
            else suppress(r["attendance"], threshold),
        }
        for i, r in enumerate(rows)
    ]


@dataclass(frozen=True)
class FilterChoices:
    """The filter form's options, read once and shared with the dashboard's labels."""

    elections: list[Election]
    segments: list[Segment]
    themes: list[Theme]
    with_counts: list[tuple[Election, bool]] | None = None
    approaches: list[Any] | None = None  # the programme's approaches, when read


def filter_choices(*, programme: Programme) -> FilterChoices:
    with_counts = programme_elections(programme=programme)
    return FilterChoices(
        elections=[e for e, _has in with_counts],
        with_counts=with_counts,
        segments=list(Segment.objects.filter(office_id=programme.office_id)),
        themes=list(Theme.objects.filter(programme=programme)),
        approaches=list(activity_selectors.programme_approaches(programme=programme)),
    )


_FACT_COLUMNS = (
    "pk",
    "after_start",  # True when on or after the date filter's start (no datetimes to parse)
    "kelurahan_id",
    "kelurahan__parent_id",
    "partner_id",
    "partner__name",
    "method_id",
    "method__name",
    "week",  # the Monday of the activity's (local) start, for the weekly trend
    *(f"report__{name}" for name in activity_selectors.REACH_FIELDS),
    "measured",  # its check-ins (measured attendance)
)
_MEASURED = 9 + len(activity_selectors.REACH_FIELDS)


def _grouped(
    pairs: list[tuple[Any, int]], attendance: dict[int, int], labels: dict[Any, Any]
) -> list[dict[str, Any]]:
    """reach_by's rows from (key, activity) pairs: per key the activities and attendance,
    ordered by key with the empty key last (as PostgreSQL orders NULL)."""
    groups: dict[Any, list[int]] = {}
    for key, pk in pairs:
        group = groups.setdefault(key, [0, 0])
        group[0] += 1
        group[1] += attendance[pk]
    return [
        {"id": key, "label": labels.get(key), "activities": n, "attendance": people}
        for key, (n, people) in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    ]


def _trend(rows: list[Any], attendance: dict[int, int], threshold: int = 0) -> list[WeekRow]:
    """Verified activities and reach per week (Monday of the start), from the fact rows."""
    weeks: dict[datetime.date, list[int]] = {}
    for r in rows:
        week = weeks.setdefault(r[8], [0, 0])
        week[0] += 1
        week[1] += attendance[r[0]]
    ordered = sorted(weeks.items())
    reaches = [reach for _day, (_n, reach) in ordered]
    hidden_weeks, hidden_sums = _protect_trend(reaches, threshold)
    result = []
    running = 0
    for i, (day, (n, reach)) in enumerate(ordered):
        running += reach
        result.append(
            WeekRow(
                week=day,
                activities=n,
                reach=protected(reach, i in hidden_weeks, threshold),
                cumulative_reach=HIDDEN if i in hidden_sums else running,
            )
        )
    return result


def _protect_trend(reaches: list[int], threshold: int) -> tuple[set[int], set[int]]:
    """Which weekly reaches and which running totals to hide. The weeks add up to the
    shown total, and any two shown running totals differ by the weeks between them; so
    between two shown running totals (and the total at the end) lie either no hidden
    week or at least two."""
    hidden = complementary(reaches, threshold)
    if not hidden:
        return set(), set()
    while True:
        sums: set[int] = set()
        pending: list[int] = []  # hidden weeks since the last shown running total
        opened = 0  # first week after the last shown running total
        for i in range(len(reaches)):
            if i in hidden:
                pending.append(i)
            if len(pending) == 1:
                sums.add(i)
            else:
                pending, opened = [], i + 1
        if len(pending) != 1:
            return hidden, sums

        # One hidden week between the last shown running total and the end (the total):
        # hide one more week, there if possible, and look again.
        def shown_weeks(start: int) -> list[tuple[int, int]]:
            return sorted(
                (reaches[i], i)
                for i in range(start, len(reaches))
                if i not in hidden and reaches[i]
            )

        candidates = shown_weeks(opened) or shown_weeks(0)
        if not candidates:  # nothing left to hide with it: show no running total
            return hidden, set(range(len(reaches)))
        hidden.add(candidates[0][1])


def _names(model: Any, known: list[Any], ids: set[int]) -> dict[int, str]:
    names = {obj.pk: obj.name for obj in known}
    missing = [pk for pk in ids if pk not in names]
    if missing:
        names.update(model.objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


def _count(qs: QuerySet[Any]) -> Subquery:
    """A scalar subquery counting the rows of `qs` (no GROUP BY: one value)."""
    return Subquery(
        qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class _Counts:
    start: datetime.date
    partners_active: int
    status_counts: list[tuple[str, str, int]]
    checkins: int
    kelurahan_total: int


def _dashboard_counts(
    *, office: Office, programme: Programme, filters: DashboardFilters
) -> _Counts:
    """The dashboard's small figures in one statement (one round trip instead of five):
    the programme's start (its earliest activity or stage, else 90 days before voting day),
    active partners, the filtered activities per status, the measured check-ins of the
    counted (verified) ones and the office's kelurahan (for activities-per-kelurahan targets)."""
    filtered = activity_selectors.activities_filter(
        Activity.objects.filter(office_id=office.pk), filters.activity_filters(programme)
    )
    annotations: dict[str, Any] = {
        "first_activity": Subquery(
            Activity.objects.filter(programme_id=OuterRef("pk"))
            .order_by()
            .values("programme_id")
            .annotate(m=Min("starts_at"))
            .values("m")
        ),
        "first_stage": Subquery(
            Stage.objects.filter(election__programme_id=OuterRef("pk"))
            .order_by()
            .values("election__programme_id")
            .annotate(m=Min("starts_on"))
            .values("m")
        ),
        "partners_active": _count(
            Partner.objects.filter(office_id=office.pk, status=PartnerStatus.ACTIVE)
        ),
        "kelurahan_total": _count(office_areas(office=office, level="kelurahan")),
    }
    statuses = ActivityStatus.choices
    for i, (value, _label) in enumerate(statuses):
        annotations[f"status_{i}"] = _count(filtered.filter(status=value))
    # Check-ins of the same activities as the reach beside them (verified, filtered), so
    # the headline figures side by side cover one set.
    counted = activity_selectors.counted_activities(
        office=office, filters=filters.activity_filters(programme)
    )
    annotations["checkins"] = _count(CheckIn.objects.filter(activity_id__in=counted.values("pk")))
    row = (
        Programme.objects.filter(pk=programme.pk).annotate(**annotations).values(*annotations).get()
    )
    candidates = [d for d in (row["first_stage"],) if d]
    if row["first_activity"]:
        candidates.append(timezone.localdate(row["first_activity"]))
    start = min(candidates) if candidates else programme.voting_day - datetime.timedelta(days=90)
    return _Counts(
        start=start,
        partners_active=row["partners_active"] or 0,
        status_counts=[
            (value, str(label), row[f"status_{i}"] or 0)
            for i, (value, label) in enumerate(statuses)
        ],
        checkins=int(row["checkins"] or 0),
        kelurahan_total=row["kelurahan_total"] or 0,
    )


@dataclass(frozen=True)
class DashboardScope:
    """Who reads the dashboard's figures, of which programme, filtered how, with which
    small-cell threshold: what the area page, the gaps export and the API's areas need
    without building the whole dashboard."""

    membership: Membership
    programme: Programme
    filters: DashboardFilters
    threshold: int

    @property
    def office(self) -> Office:
        return self.membership.office


def dashboard_scope(
    *,
    membership: Membership | None,
    filters: DashboardFilters | None = None,
    programme: Programme | None = None,
) -> DashboardScope:
    """The checks of the dashboard (right to read it, the office's programme) and its scope."""
    membership = require_dashboard(membership)
    office = membership.office
    programme = programme or current_programme(office=office)
    if programme is None or programme.office_id != office.pk:
        raise NotFoundError(_("Kantor ini belum memiliki program."), code="no_programme")
    return DashboardScope(
        membership=membership,
        programme=programme,
        filters=filters or DashboardFilters(),
        threshold=small_cell_threshold(membership=membership, office=office),
    )


def _links(through: Any, column: str, ids: QuerySet[Any]) -> dict[int, set[int]]:
    """Activity id → the ids of its segments (or themes), from an M2M through model."""
    links: dict[int, set[int]] = defaultdict(set)
    for pk, other in through.objects.filter(activity_id__in=ids).values_list("activity_id", column):
        links[pk].add(other)
    return links


def dashboard(
    *,
    membership: Membership | None,
    filters: DashboardFilters | None = None,
    programme: Programme | None = None,
    today: datetime.date | None = None,
    choices: FilterChoices | None = None,
) -> Dashboard:
    """Every figure of the staff dashboard (also used by its exports and the API).

    The verified activities are read once (with their report, partner, method and area)
    for the targets' filter (programme, election, up to the end date), with their segments
    and themes; the dashboard's own filter (segment, theme, start date) is a subset of them,
    so totals, breakdowns, areas and the weekly trend are summed from these rows instead of
    one aggregate query each. The figures are those of `activity_selectors.reach_totals` and
    `reach_by` (tests/analytics pins them).
    """
    scope = dashboard_scope(membership=membership, filters=filters, programme=programme)
    office, programme, filters = scope.office, scope.programme, scope.filters
    threshold = scope.threshold
    level = filters.level
    as_of = reference_day(filters=filters, today=today)
    election = voter_election(
        programme=programme,
        election_id=filters.election_id,
        elections_with_counts=choices.with_counts if choices else None,
    )
    voters = voters_by_area(election=election, level=level)
    # Every voter count is in exactly one area group: the total is their sum.
    voters_total = sum(v.voters_total for v in voters.values()) if voters else None
    counts = _dashboard_counts(office=office, programme=programme, filters=filters)
    start = counts.start

    # The counted activities under the targets' filter, in one query, and their M2M rows.
    # Targets are cumulative: the date filter's start does not apply to them, its end does.
    counted = activity_selectors.counted_activities(
        office=office,
        filters=ActivityFilters(
            programme_id=programme.pk,
            election_id=filters.election_id,
            date_to=filters.date_to,
            verified_by=filters.date_to,
        ),
    )
    after_start: Any = (
        ExpressionWrapper(
            Q(starts_at__gte=activity_selectors._day_start(filters.date_from)),
            output_field=BooleanField(),
        )
        if filters.date_from
        else Value(True)
    )
    rows = list(
        counted.order_by()
        .annotate(
            after_start=after_start,
            week=TruncWeek("starts_at", output_field=DateField()),
            measured=_count(CheckIn.objects.filter(activity_id=OuterRef("pk"))),
        )
        .values_list(*_FACT_COLUMNS)
    )
    ids = counted.values("pk")
    segments = _links(Activity.segments.through, "segment_id", ids)
    themes = _links(Activity.themes.through, "theme_id", ids)
    online: dict[int, tuple[int, int, int, int]] = {
        r[0]: r[1:]
        for r in OnlinePost.objects.filter(activity_id__in=ids)
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"), reach=Sum("reach"), imp=Sum("impressions"), eng=Sum("engagement"))
        .values_list("activity_id", "n", "reach", "imp", "eng")
    }
    # Reach per activity: the report's attendance, or its check-ins where the office counts
    # those and the activity has some (see `reach_sum`, which sums the same in SQL).
    measured_counts = office.reach_source == ReachSource.MEASURED
    attendance = {
        r[0]: r[_MEASURED] if measured_counts and r[_MEASURED] else r[9] or 0 for r in rows
    }
    approaches = approach_map(
        programme=programme, approaches=choices.approaches if choices else None
    )
    facts = ActivityFacts(
        attendance=attendance,
        kelurahan={r[0]: r[2] for r in rows},
        partner={r[0]: r[4] for r in rows},
        segments=segments,
        themes=themes,
        approach={r[0]: approaches.of_method.get(r[6]) for r in rows},
    )

    # The dashboard's filter: a subset of the rows above.
    shown = [
        r
        for r in rows
        if r[1]
        and (filters.segment_id is None or filters.segment_id in segments.get(r[0], ()))
        and (filters.theme_id is None or filters.theme_id in themes.get(r[0], ()))
        and approaches.matches(method_id=r[6], filters=filters)
    ]
    sums = [0] * len(activity_selectors.REACH_FIELDS)
    posts = [0, 0, 0, 0]
    for r in shown:
        for i, value in enumerate(r[9:_MEASURED]):
            if value:
                sums[i] += value
        for i, value in enumerate(online.get(r[0], ())):
            if value:
                posts[i] += value
    totals: dict[str, Any] = {
        "activities": len(shown),
        **dict(zip(activity_selectors.REACH_FIELDS, sums, strict=True)),
        "online_posts": posts[0],
        "online_reach": posts[1],
        "impressions": posts[2],
        "engagement": posts[3],
    }
    totals["attendance_total"] = sum(attendance[r[0]] for r in shown)
    totals["attendance_raw"] = totals["attendance_total"]
    check = _attendance_check(shown, threshold)
    for name in activity_selectors.REACH_FIELDS:
        totals[name] = suppress(totals[name], threshold)

    choices = choices or FilterChoices(
        elections=[],
        segments=list(Segment.objects.filter(office_id=office.pk)),
        themes=list(Theme.objects.filter(programme=programme)),
    )
    seg_pairs = [(sid, r[0]) for r in shown for sid in segments.get(r[0], ())]
    theme_pairs = [(tid, r[0]) for r in shown for tid in themes.get(r[0], ())]
    seg_names = _names(Segment, choices.segments, {k for k, _pk in seg_pairs})
    theme_names = _names(Theme, choices.themes, {k for k, _pk in theme_pairs})
    area_column = 2 if level == "kelurahan" else 3
    reach_by_area = {
        row["id"]: row for row in _grouped([(r[area_column], r[0]) for r in shown], attendance, {})
    }
    areas = _area_rows(
        office=office,
        level=level,
        voters=voters,
        turnout=past_turnout(office=office, level=level),
        reach=reach_by_area,
        threshold=threshold,
    )
    unplaced = unplaced_row(reach_by_area.get(None), threshold)
    _protect_areas(areas, unplaced, threshold)
    return Dashboard(
        office=office,
        programme=programme,
        filters=filters,
        as_of=as_of,
        days_left=(programme.voting_day - as_of).days,
        voter_election=election,
        voters_total=voters_total,
        partners_active=counts.partners_active,
        status_counts=counts.status_counts,
        totals=totals,
        checkins=counts.checkins,
        by_segment=_suppressed(_grouped(seg_pairs, attendance, seg_names), threshold),
        by_theme=_suppressed(_grouped(theme_pairs, attendance, theme_names), threshold),
        by_method=_suppressed(
            _grouped([(r[6], r[0]) for r in shown], attendance, {r[6]: r[7] for r in shown}),
            threshold,
            partition=True,
        ),
        by_partner=_suppressed(
            _grouped([(r[4], r[0]) for r in shown], attendance, {r[4]: r[5] for r in shown}),
            threshold,
            partition=True,
        ),
        targets=target_rows(
            programme=programme,
            filters=filters,
            today=today,
            facts=facts,
            start=start,
            kelurahan_total=counts.kelurahan_total,
        ),
        deliverables=deliverable_rollup(
            office=office,
            programme=programme,
            facts=facts,
            start=start,
            posts={pk: v[0] for pk, v in online.items()},
        ),
        # Weeks truncated in SQL (a date per row), summed from the rows in Python.
        trend=_trend(shown, attendance, threshold),
        areas=areas,
        threshold=threshold,
        by_approach=_suppressed(
            approaches.rows([(r[6], r[0]) for r in shown], attendance), threshold
        ),
        unplaced=unplaced,
        attendance_check=check,
    )


# --- Approaches: the programme's grouping of methods -----------------------------------


@dataclass(frozen=True)
class ApproachMap:
    """The programme's approaches and which approach each method is in (a method in
    none counts as "other"): read once, applied to the dashboard's fact rows."""

    approaches: list[Any]
    of_method: dict[int, int]

    def matches(self, *, method_id: int, filters: DashboardFilters) -> bool:
        if filters.approach_id:
            return self.of_method.get(method_id) == filters.approach_id
        if filters.approach_other:
            return method_id not in self.of_method
        return True

    def rows(
        self, pairs: list[tuple[int, int]], attendance: dict[int, int]
    ) -> list[dict[str, Any]]:
        """`activity_selectors.reach_by_approach`'s rows from (method id, activity) pairs."""
        counts: dict[int | None, tuple[int, int]] = {}
        for method_id, pk in pairs:
            key = self.of_method.get(method_id)
            n, people = counts.get(key, (0, 0))
            counts[key] = (n + 1, people + attendance[pk])
        return activity_selectors.approach_rows(approaches=self.approaches, counts=counts)


def approach_map(*, programme: Programme, approaches: list[Any] | None = None) -> ApproachMap:
    """`approaches`: the programme's, when already read (see `filter_choices`)."""
    if approaches is None:
        approaches = list(activity_selectors.programme_approaches(programme=programme))
    return ApproachMap(
        approaches=approaches,
        of_method=activity_selectors.method_approaches(programme=programme),
    )


@dataclass(frozen=True)
class AttendanceDifference:
    activity: Activity
    reported: int
    measured: int

    @property
    def difference_percent(self) -> float | None:
        if not self.reported:
            return None
        return figure(100 * (self.measured - self.reported) / self.reported, Kind.PERCENT)


def attendance_differences(*, scope: DashboardScope) -> list[AttendanceDifference]:
    """The counted activities (dashboard filters) whose reported and measured attendance
    differ by more than the threshold, largest gap first: what the dashboard links to."""
    qs = (
        activity_selectors.counted_activities(
            office=scope.office, filters=scope.filters.activity_filters(scope.programme)
        )
        .annotate(measured=_count(CheckIn.objects.filter(activity_id=OuterRef("pk"))))
        .filter(measured__gt=0)
        .select_related("partner", "report", "kelurahan")
    )
    rows = [
        AttendanceDifference(
            activity=a,
            reported=a.report.attendance_total,
            measured=a.measured,  # type: ignore[attr-defined]
        )
        for a in qs
        if hasattr(a, "report") and differs(a.report.attendance_total, a.measured)  # type: ignore[attr-defined]
    ]
    rows.sort(key=lambda r: (-abs(r.measured - r.reported), r.activity.pk))
    return rows


def national_rollup() -> list[dict[str, Any]]:
    """Verified activities and reach per office across all offices (national benchmark).

    One pass over the verified activities with their reports (LEFT JOIN: a verified
    activity without a report counts with no reach); office names are read separately
    (500 rows) so the aggregate groups by the office id alone.
    """
    totals = (
        Activity.objects.verified()
        .values("office_id")
        # Reported attendance for every office (the same measure across offices, whatever
        # each office counts as reach on its own dashboard).
        .annotate(n=Count("pk"), reach=Coalesce(Sum("report__attendance_total"), 0))
        .order_by("office_id")
    )
    rows = list(totals)
    names = dict(
        Office.objects.filter(pk__in=[r["office_id"] for r in rows]).values_list("pk", "name")
    )
    return [
        {
            "office_id": r["office_id"],
            "office": names.get(r["office_id"], ""),
            "activities": r["n"],
            "reach": r["reach"],
        }
        for r in rows
    ]


# --- Gaps and recommendations ------------------------------------------------------------


@dataclass
class PartnerSuggestion:
    partner_id: int
    name: str
    covers_area: bool
    covers_segment: bool
    activities_left: int
    reach_left: int


@dataclass
class Gap:
    area_code: str
    area_name: str
    segment_id: int
    segment_name: str
    voters: int  # the segment's voters in the area, counted or estimated (see `estimate`)
    reached: int
    activities: int
    turnout: float | None
    score: float
    reason: str
    estimate: SegmentVoters | None = None
    days_left: int = 0  # shown beside the score, never part of it
    reached_shown: int | str = 0  # `reached` as the viewer may see it ("<5")
    partners: list[PartnerSuggestion] = field(default_factory=list)
    # The area's further gaps, below the few shown in the ranking ("more").
    more: list[Gap] = field(default_factory=list)


def _reason(
    *,
    area: str,
    segment: Segment,
    estimate: SegmentVoters,
    reached: int | str,
    activities: int,
    turnout: float | None,
    base: TurnoutBase | None,
) -> str:
    """Why a gap ranks where it does, in words: the segment's voters and where that figure
    comes from, what was done, the past turnout. (Days left are shown beside, not here.)"""
    name = segment.name.lower()
    if estimate.counted:
        parts = [
            _("%(area)s: %(n)s %(segment)s (%(source)s)")
            % {
                "area": area,
                "n": format_number(estimate.voters),
                "segment": name,
                "source": estimate.source,
            }
        ]
    else:
        parts = [
            _("%(area)s: ± %(n)s %(segment)s (%(share)s %% pemilih; %(source)s)")
            % {
                "area": area,
                "n": format_number(estimate.voters),
                "segment": name,
                "share": format_figure(estimate.share or 0, Kind.PERCENT),
                "source": estimate.source,
            }
        ]
    if activities == 0:
        parts.append(_("belum ada kegiatan untuk %(segment)s") % {"segment": name})
    else:
        rate = (
            HIDDEN
            if isinstance(reached, str)
            else format_figure(1000 * reached / estimate.voters, Kind.RATE)
            if estimate.voters
            else "–"
        )
        parts.append(
            _("baru %(n)s kegiatan untuk %(segment)s, %(reached)s orang (%(rate)s per 1.000)")
            % {
                "n": format_number(activities),
                "segment": name,
                "reached": reached if isinstance(reached, str) else format_number(reached),
                "rate": rate,
            }
        )
    if turnout is not None and base is not None:
        text = _("partisipasi %(year)s %(pct)s %%") % {
            "year": base.year,
            "pct": format_figure(100 * turnout, Kind.PERCENT),
        }
        if base.city is not None:
            text += " " + _("(kota %(pct)s %%)") % {
                "pct": format_figure(100 * base.city, Kind.PERCENT)
            }
        parts.append(text)
    return ", ".join(parts)


def _covers(region_code: str, area_code: str) -> bool:
    """A partner's region covers an area when one contains the other (codes nest)."""
    return (
        region_code == area_code
        or area_code.startswith(region_code + ".")
        or region_code.startswith(area_code + ".")
    )


def partner_capacity(
    *,
    office: Office,
    programme: Programme,
    as_of: datetime.date,
    verified_by: datetime.date | None = None,
) -> dict[int, tuple[int, int]]:
    """Per active partner with deliverables: (activities left, reach left) of its agreements
    in force on `as_of`, after its verified work in the programme."""
    targets: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for partner_id, metric, total in (
        Deliverable.objects.filter(
            agreement__office_id=office.pk,
            agreement__partner__status=PartnerStatus.ACTIVE,
            agreement__valid_from__lte=programme.voting_day,
            agreement__valid_until__gte=as_of,
        )
        .values_list("agreement__partner_id", "metric")
        .annotate(total=Sum("target"))
    ):
        if metric == DeliverableMetric.REACH:
            targets[partner_id][1] += total
        elif metric == DeliverableMetric.ACTIVITIES:
            targets[partner_id][0] += total
    if not targets:
        return {}
    done = {
        r["partner_id"]: r
        for r in activity_selectors.counted_activities(
            office=office,
            filters=ActivityFilters(programme_id=programme.pk, verified_by=verified_by),
        )
        .filter(partner_id__in=list(targets))
        .values("partner_id")
        .annotate(n=Count("pk"), reach=reach_sum(office))
    }
    result = {}
    for partner_id, (activities_target, reach_target) in targets.items():
        d = done.get(partner_id, {"n": 0, "reach": 0})
        result[partner_id] = (
            max(0, activities_target - d["n"]),
            max(0, reach_target - d["reach"]),
        )
    return result


def _suggestions(
    *,
    office: Office,
    programme: Programme,
    as_of: datetime.date,
    verified_by: datetime.date | None,
) -> tuple[dict[int, str], dict[int, set[str]], dict[int, set[int]], dict[int, tuple[int, int]]]:
    capacity = {
        pid: left
        for pid, left in partner_capacity(
            office=office, programme=programme, as_of=as_of, verified_by=verified_by
        ).items()
        if left[0] > 0 or left[1] > 0
    }
    names = dict(Partner.objects.filter(pk__in=list(capacity)).values_list("pk", "name"))
    areas: dict[int, set[str]] = defaultdict(set)
    for pid, code in Partner.areas.through.objects.filter(
        partner_id__in=list(capacity)
    ).values_list("partner_id", "region_id"):
        areas[pid].add(code)
    segments: dict[int, set[int]] = defaultdict(set)
    for pid, sid in Partner.segments.through.objects.filter(
        partner_id__in=list(capacity)
    ).values_list("partner_id", "segment_id"):
        segments[pid].add(sid)
    return names, areas, segments, capacity


def gaps(
    *,
    office: Office,
    programme: Programme,
    filters: DashboardFilters | None = None,
    today: datetime.date | None = None,
    limit: int | None = 50,
    partners_per_gap: int = 3,
    per_area: int | None = PER_AREA,
    threshold: int = 0,
) -> list[Gap]:
    """Ranked (area × segment) gaps with the best-placed partners; [] after voting day.

    Scoring (docs/analytics.md): segment voters/1000 × 1/(1 + reach per 1,000) × turnout
    weight. Areas without voter figures are left out (nothing to weigh them by).
    `per_area`: at most that many gaps of one area in the ranking; the area's others are
    kept in the last one's `more`. `threshold`: small-cell threshold of the viewer.
    """
    filters = filters or DashboardFilters()
    level = filters.level
    as_of = reference_day(filters=filters, today=today)
    days_left = (programme.voting_day - as_of).days
    if days_left <= 0:
        return []
    election = voter_election(programme=programme, election_id=filters.election_id)
    voters = voters_by_area(election=election, level=level)
    if not voters:
        return []
    turnout = past_turnout(office=office, level=level)
    segments = Segment.objects.filter(office=office).order_by("order", "pk")
    if filters.segment_id:
        segments = segments.filter(pk=filters.segment_id)
    counted = activity_selectors.counted_activities(
        office=office,
        filters=ActivityFilters(
            programme_id=programme.pk,
            election_id=filters.election_id,
            theme_id=filters.theme_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
            verified_by=filters.date_to,
        ),
    )
    area_key = (
        "activity__kelurahan_id" if level == "kelurahan" else "activity__kelurahan__parent_id"
    )
    reach: dict[tuple[str, int], tuple[int, int]] = {}
    for r in (
        Activity.segments.through.objects.filter(activity_id__in=counted.values("pk"))
        .exclude(**{f"{area_key}__isnull": True})
        .values(area_key, "segment_id")
        .annotate(n=Count("activity_id"), reach=reach_sum(office, through=True))
    ):
        reach[(r[area_key], r["segment_id"])] = (r["n"], r["reach"])
    names = {r.code: r.name for r in office_areas(office=office, level=level)}
    # A staggered-priority design keeps its late kelurahan out until its date (priority.py).
    later = priority.held_back(programme_id=programme.pk, day=as_of)
    result = []
    for segment in segments:
        for code, base in voters.items():
            if code not in names or code in later:
                continue
            n, reached = reach.get((code, segment.pk), (0, 0))
            estimate = segment_voters(base=base, segment=segment)
            area_turnout = turnout.by_area.get(code) if turnout else None
            score = scoring.gap_score(
                voters=estimate.voters,
                reached=reached,
                area_turnout=area_turnout,
                city_turnout=turnout.city if turnout else None,
            )
            shown = suppress(reached, threshold) or 0
            result.append(
                Gap(
                    area_code=code,
                    area_name=names[code],
                    segment_id=segment.pk,
                    segment_name=segment.name,
                    voters=estimate.voters,
                    reached=reached,
                    activities=n,
                    turnout=area_turnout,
                    score=score,
                    reason=_reason(
                        area=names[code],
                        segment=segment,
                        estimate=estimate,
                        reached=shown,
                        activities=n,
                        turnout=area_turnout,
                        base=turnout,
                    ),
                    estimate=estimate,
                    days_left=days_left,
                    reached_shown=shown,
                )
            )
    result.sort(key=lambda g: (-g.score, g.area_code, g.segment_id))
    if per_area:
        result = _few_per_area(result, per_area)
    if limit is not None:
        result = result[:limit]
    if result and partners_per_gap:
        partner_names, areas, partner_segments, capacity = _suggestions(
            office=office, programme=programme, as_of=as_of, verified_by=filters.date_to
        )
        for gap in [g for kept in result for g in (kept, *kept.more)]:
            candidates = []
            for pid, (acts_left, reach_left) in capacity.items():
                covers_area = any(_covers(code, gap.area_code) for code in areas.get(pid, ()))
                covers_segment = gap.segment_id in partner_segments.get(pid, set())
                if covers_area or covers_segment:
                    candidates.append(
                        PartnerSuggestion(
                            partner_id=pid,
                            name=partner_names.get(pid, ""),
                            covers_area=covers_area,
                            covers_segment=covers_segment,
                            activities_left=acts_left,
                            reach_left=reach_left,
                        )
                    )
            candidates.sort(
                key=lambda c: (
                    -(int(c.covers_area) + int(c.covers_segment)),
                    -c.activities_left,
                    -c.reach_left,
                    c.name,
                )
            )
            gap.partners = candidates[:partners_per_gap]
    return result


def _few_per_area(ranked: list[Gap], per_area: int) -> list[Gap]:
    """The ranking with at most `per_area` gaps of one area; the area's further gaps go,
    in rank order, to the `more` of its last one shown."""
    kept: list[Gap] = []
    last: dict[str, Gap] = {}
    shown: dict[str, int] = defaultdict(int)
    for gap in ranked:
        if shown[gap.area_code] < per_area:
            shown[gap.area_code] += 1
            kept.append(gap)
            last[gap.area_code] = gap
        else:
            last[gap.area_code].more.append(gap)
    return kept


@dataclass(frozen=True)
class SegmentEstimate:
    segment: Segment
    counted: bool  # the voter list counts it (first-time voters, women)
    share: float | None
    source: str
    is_default: bool


def office_segment(*, office: Office, pk: int) -> Segment:
    segment = Segment.objects.filter(office_id=office.pk, pk=pk).first()
    if segment is None:
        raise NotFoundError(_("Segmen tidak ditemukan."), code="not_found")
    return segment


def segment_estimates(*, office: Office) -> list[SegmentEstimate]:
    """Per segment of the office, the voter figure gap scoring uses: the voter list's own
    count (where every kelurahan of the list has it), else a share of all voters."""
    programme = current_programme(office=office)
    election = voter_election(programme=programme, election_id=None) if programme else None
    counts = VoterCount.objects.filter(election=election) if election else None
    fully_counted = {"perempuan": bool(counts is not None and counts.exists())}
    fully_counted["pemula"] = bool(
        fully_counted["perempuan"]
        and counts is not None
        and not counts.filter(first_time_voters__isnull=True).exists()
    )
    rows = []
    for segment in Segment.objects.filter(office_id=office.pk).order_by("order", "pk"):
        share, source = segment_share(segment)
        counted = fully_counted.get(segment.code, False)
        rows.append(
            SegmentEstimate(
                segment=segment,
                counted=counted,
                share=share,
                source=_("rekap DPT") if counted else source,
                is_default=segment.voter_share is None,
            )
        )
    return rows


def office_gaps(
    *,
    membership: Membership | None,
    filters: DashboardFilters | None = None,
    today: datetime.date | None = None,
    limit: int | None = 50,
) -> list[Gap]:
    membership = require_dashboard(membership)
    programme = current_programme(office=membership.office)
    if programme is None:
        return []
    return gaps(
        office=membership.office,
        programme=programme,
        filters=filters,
        today=today,
        limit=limit,
        threshold=small_cell_threshold(membership=membership, office=membership.office),
    )


def partner_gaps(
    *, membership: Membership | None, today: datetime.date | None = None, limit: int = 5
) -> list[Gap]:
    """A coordinator's view: the office's gaps in the areas or segments their partner serves."""
    if membership is None or not membership.partner_id:
        return []
    partner = membership.partner
    programme = current_programme(office=membership.office)
    if programme is None or partner is None:
        return []
    area_codes = list(
        Partner.areas.through.objects.filter(partner_id=partner.pk).values_list(
            "region_id", flat=True
        )
    )
    segment_ids = set(partner.segments.values_list("pk", flat=True))
    ranked = gaps(
        office=membership.office,
        programme=programme,
        today=today,
        limit=None,
        partners_per_gap=0,
        threshold=small_cell_threshold(membership=membership, office=membership.office),
    )
    matching = [
        g
        for g in ranked
        if g.segment_id in segment_ids or any(_covers(c, g.area_code) for c in area_codes)
    ]
    return matching[:limit]


# --- Public summary -----------------------------------------------------------------------


@dataclass
class SummaryRow:
    code: str
    name: str
    activities: int
    reach: int | str
    by_theme: dict[int, tuple[int, int | str]]
    cells: list[tuple[int, int | str]] = field(default_factory=list)


@dataclass
class PublicSummary:
    programme: Programme
    themes: list[Theme]
    rows: list[SummaryRow]
    total_activities: int
    total_reach: int | str
    threshold: int
    # The whole programme per approach (whatever `approach` narrows the table to).
    by_approach: list[dict[str, Any]] = field(default_factory=list)
    approach: str = ""  # the approach the kecamatan table is narrowed to (a code, "other")
    online: SummaryRow | None = None  # activities online or without a kelurahan

    @property
    def all_rows(self) -> list[SummaryRow]:
        """The kecamatan rows and the online one: together they add up to the totals."""
        return [*self.rows, *([self.online] if self.online else [])]


def public_summary(
    *, office: Office, threshold: int | None = None, approach: str = ""
) -> PublicSummary | None:
    """Verified activities and people reached per kecamatan and theme, small cells hidden;
    per approach of the programme. `approach` (a code, or "other") narrows the table."""
    programme = current_programme(office=office)
    if programme is None:
        return None
    threshold = office.small_cell_threshold if threshold is None else threshold
    af = ActivityFilters(
        programme_id=programme.pk,
        **activity_selectors.approach_filter_fields(programme=programme, code=approach),
    )
    counted = activity_selectors.counted_activities(office=office, filters=af)
    area_groups = [
        {"id": r["kelurahan__parent_id"], "activities": r["activities"], "attendance": r["reach"]}
        for r in counted.values("kelurahan__parent_id")
        .annotate(activities=Count("pk"), reach=reach_sum(office))
        .order_by()
    ]
    per_area = {r["id"]: r for r in area_groups}
    per_theme: dict[str | None, dict[int, tuple[int, int]]] = defaultdict(dict)
    for r in (
        Activity.themes.through.objects.filter(activity_id__in=counted.values("pk"))
        .values("activity__kelurahan__parent_id", "theme_id")
        .annotate(n=Count("activity_id"), reach=reach_sum(office, through=True))
    ):
        per_theme[r["activity__kelurahan__parent_id"]][r["theme_id"]] = (r["n"], r["reach"])
    themes = list(Theme.objects.filter(programme=programme).order_by("order", "pk"))
    # Every counted activity is in exactly one group (a kecamatan, or the group of those
    # without a kelurahan, the online row): the totals are the groups' sums, as
    # `reach_totals` counts them, and the rows add up to them.
    groups: list[tuple[str, str, str | None]] = [
        (region.code, region.name, region.code)
        for region in office_areas(office=office, level="kecamatan")
    ]
    groups.append(("", _("Daring / tanpa kelurahan"), None))
    reach = [int(per_area.get(key, {}).get("attendance", 0)) for _c, _n, key in groups]
    hidden = complementary(reach, threshold)
    rows = []
    for i, (code, name, key) in enumerate(groups):
        by_theme = per_theme.get(key, {})
        cells = [by_theme.get(t.pk, (0, 0)) for t in themes]
        # A row's theme cells may add up to its total (activities with one theme each).
        hidden_cells = complementary([people for _n, people in cells], threshold)
        shown_cells: list[tuple[int, int | str]] = [
            (n, protected(people, j in hidden_cells, threshold) if threshold else people)
            for j, (n, people) in enumerate(cells)
        ]
        rows.append(
            SummaryRow(
                code=code,
                name=name,
                activities=int(per_area.get(key, {}).get("activities", 0)),
                reach=protected(reach[i], i in hidden, threshold) if threshold else reach[i],
                by_theme={t.pk: cell for t, cell in zip(themes, shown_cells, strict=True)},
                cells=shown_cells,
            )
        )
    return PublicSummary(
        programme=programme,
        themes=themes,
        rows=rows[:-1],
        total_activities=sum(r["activities"] for r in area_groups),
        total_reach=suppress(sum(r["attendance"] for r in area_groups), threshold) or 0,
        threshold=threshold,
        by_approach=_suppressed(
            activity_selectors.reach_by_approach(office=office, programme=programme), threshold
        ),
        approach=approach,
        online=rows[-1],
    )


# --- Import batches -----------------------------------------------------------------------


def figures_import_get(*, membership: Membership | None, pk: int) -> Any:
    from .models import FiguresImport

    if membership is None or not has_right(membership, Right.MANAGE_PROGRAMME):
        raise PermissionDeniedError(
            _("Anda tidak memiliki izin untuk tindakan ini."), code="permission_denied"
        )
    batch = (
        FiguresImport.objects.filter(office_id=membership.office_id, pk=pk)
        .select_related("election")
        .first()
    )
    if batch is None:
        raise NotFoundError(_("Impor tidak ditemukan."), code="not_found")
    return batch


def voter_count_summary(*, office: Office) -> list[dict[str, Any]]:
    """Per election of the office: how many kelurahan have figures and the total voters."""
    rows = (
        VoterCount.objects.filter(office=office)
        .values("election_id", "election__name")
        .annotate(kelurahan=Count("pk"), voters=Sum("voters_total"))
        .order_by("election_id")
    )
    return [dict(r) for r in rows]


def results_summary(*, office: Office) -> list[dict[str, Any]]:
    """Per imported election result: TPS rows, kelurahan, registered and voted."""
    rows = (
        ElectionResult.objects.filter(office=office)
        .annotate(
            tps_count=Count("stations"),
            kelurahan=Count("stations__region", distinct=True),
            registered=Sum("stations__registered"),
            voted=Sum("stations__voted"),
        )
        .values("pk", "name", "year", "tps_count", "kelurahan", "registered", "voted")
        .order_by("-year", "name")
    )
    return [dict(r) for r in rows]
