"""The dashboard: every figure of the analytics page in one pass (`dashboard()`),
its scope, and the approaches' grouping of methods."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.activities import selectors as activity_selectors
from mitra.activities.models import Activity, ActivityStatus, OnlinePost
from mitra.activities.selectors import ActivityFilters
from mitra.checkin.models import CheckIn
from mitra.core.errors import NotFoundError
from mitra.core.numbers import Kind, figure
from mitra.elections.models import Election, Programme, Segment, Stage, Theme
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office, ReachSource
from mitra.partners.models import Partner, PartnerStatus

from .areas import AreaRow, _area_rows, _protect_areas, office_areas
from .denominators import past_turnout, programme_elections, voter_election, voters_by_area
from .scope import (
    HIDDEN,
    DashboardFilters,
    complementary,
    protected,
    reference_day,
    require_dashboard,
    small_cell_threshold,
    suppress,
)
from .targets import ActivityFacts, DeliverableRollup, TargetRow, deliverable_rollup, target_rows
from .trend import (
    _FACT_COLUMNS,
    AttendanceCheck,
    FactRow,
    UnplacedRow,
    WeekRow,
    _attendance_check,
    _count,
    _grouped,
    _names,
    _trend,
    differs,
    unplaced_row,
)

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
            Q(starts_at__gte=activity_selectors.day_start(filters.date_from)),
            output_field=BooleanField(),
        )
        if filters.date_from
        else Value(True)
    )
    rows = [
        FactRow.from_values(values)
        for values in counted.order_by()
        .annotate(
            after_start=after_start,
            week=TruncWeek("starts_at", output_field=DateField()),
            measured=_count(CheckIn.objects.filter(activity_id=OuterRef("pk"))),
        )
        .values(*_FACT_COLUMNS)
    ]
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
    attendance = {r.pk: r.measured if measured_counts and r.measured else r.reported for r in rows}
    approaches = approach_map(
        programme=programme, approaches=choices.approaches if choices else None
    )
    facts = ActivityFacts(
        attendance=attendance,
        kelurahan={r.pk: r.kelurahan_id for r in rows},
        partner={r.pk: r.partner_id for r in rows},
        segments=segments,
        themes=themes,
        approach={r.pk: approaches.of_method.get(r.method_id) for r in rows},
    )

    # The dashboard's filter: a subset of the rows above.
    shown = [
        r
        for r in rows
        if r.after_start
        and (filters.segment_id is None or filters.segment_id in segments.get(r.pk, ()))
        and (filters.theme_id is None or filters.theme_id in themes.get(r.pk, ()))
        and approaches.matches(method_id=r.method_id, filters=filters)
    ]
    sums = [0] * len(activity_selectors.REACH_FIELDS)
    posts = [0, 0, 0, 0]
    for r in shown:
        for i, value in enumerate(r.reach):
            if value:
                sums[i] += value
        for i, value in enumerate(online.get(r.pk, ())):
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
    totals["attendance_total"] = sum(attendance[r.pk] for r in shown)
    totals["attendance_raw"] = totals["attendance_total"]
    check = _attendance_check(shown, threshold)
    for name in activity_selectors.REACH_FIELDS:
        totals[name] = suppress(totals[name], threshold)

    choices = choices or FilterChoices(
        elections=[],
        segments=list(Segment.objects.filter(office_id=office.pk)),
        themes=list(Theme.objects.filter(programme=programme)),
    )
    seg_pairs = [(sid, r.pk) for r in shown for sid in segments.get(r.pk, ())]
    theme_pairs = [(tid, r.pk) for r in shown for tid in themes.get(r.pk, ())]
    seg_names = _names(Segment, choices.segments, {k for k, _pk in seg_pairs})
    theme_names = _names(Theme, choices.themes, {k for k, _pk in theme_pairs})
    area_pairs = [(r.kelurahan_id if level == "kelurahan" else r.kecamatan_id, r.pk) for r in shown]
    reach_by_area = {row["id"]: row for row in _grouped(area_pairs, attendance, {})}
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
            _grouped(
                [(r.method_id, r.pk) for r in shown],
                attendance,
                {r.method_id: r.method_name for r in shown},
            ),
            threshold,
            partition=True,
        ),
        by_partner=_suppressed(
            _grouped(
                [(r.partner_id, r.pk) for r in shown],
                attendance,
                {r.partner_id: r.partner_name for r in shown},
            ),
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
            approaches.rows([(r.method_id, r.pk) for r in shown], attendance), threshold
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
