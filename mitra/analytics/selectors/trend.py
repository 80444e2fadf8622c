"""The weekly trend and the reach sums the dashboard, the gaps and the summary share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mitra.activities import selectors as activity_selectors
from mitra.checkin.models import CheckIn
from mitra.checkin.selectors import RECONCILIATION_THRESHOLD
from mitra.offices.models import Office, ReachSource

from .scope import HIDDEN, complementary, protected, suppress

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


def _attendance_check(rows: list[FactRow], threshold: int) -> AttendanceCheck:
    both = [r for r in rows if r.measured]
    reported = sum(r.reported for r in both)
    measured = sum(r.measured for r in both)
    return AttendanceCheck(
        activities=len(both),
        reported=suppress(reported, threshold) or 0,
        measured=suppress(measured, threshold) or 0,
        differing=sum(1 for r in both if differs(r.reported, r.measured)),
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


class FactRow(NamedTuple):
    """One counted activity as the dashboard reads it (a row of `_FACT_COLUMNS`)."""

    pk: int
    after_start: bool
    kelurahan_id: str | None
    kecamatan_id: str | None
    partner_id: int | None
    partner_name: str | None
    method_id: int
    method_name: str
    week: datetime.date
    reach: tuple[int | None, ...]  # the report's figures, in REACH_FIELDS order
    measured: int

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> FactRow:
        return cls(
            pk=values["pk"],
            after_start=values["after_start"],
            kelurahan_id=values["kelurahan_id"],
            kecamatan_id=values["kelurahan__parent_id"],
            partner_id=values["partner_id"],
            partner_name=values["partner__name"],
            method_id=values["method_id"],
            method_name=values["method__name"],
            week=values["week"],
            reach=tuple(values[f"report__{n}"] for n in activity_selectors.REACH_FIELDS),
            measured=values["measured"],
        )

    @property
    def reported(self) -> int:
        """The report's attendance (0 without a report)."""
        return self.reach[0] or 0


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


def _trend(rows: list[FactRow], attendance: dict[int, int], threshold: int = 0) -> list[WeekRow]:
    """Verified activities and reach per week (Monday of the start), from the fact rows."""
    weeks: dict[datetime.date, list[int]] = {}
    for r in rows:
        week = weeks.setdefault(r.week, [0, 0])
        week[0] += 1
        week[1] += attendance[r.pk]
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
