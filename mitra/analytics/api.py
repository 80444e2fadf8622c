"""Analytics API: the same figures as the dashboard, from the same selectors.

Staff, admins and observers read their office's dashboard, areas and gaps; coordinators
get 403 here (their gaps are on their workspace). The public summary needs no login.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from mitra.accounts.api import authenticated
from mitra.accounts.models import Membership
from mitra.activities.selectors import approach_filter_fields
from mitra.core.errors import NotFoundError
from mitra.core.inputs import InputSchema, id_field
from mitra.elections.selectors import current_programme
from mitra.offices.selectors import request_public_office

from . import selectors

router = Router(tags=["analytics"])


class FiltersIn(InputSchema):
    election: int | None = id_field(None)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    segment: int | None = id_field(None)
    theme: int | None = id_field(None)
    approach: str | None = Field(
        None,
        max_length=40,
        description='code of an approach of the current programme, or "other"',
    )
    level: str = Field("kecamatan", max_length=20)

    def filters(self, membership: Membership | None = None) -> selectors.DashboardFilters:
        approach = (
            approach_filter_fields(
                programme=current_programme(office=membership.office), code=self.approach
            )
            if self.approach and membership is not None
            else {}
        )
        return selectors.DashboardFilters(
            **approach,
            election_id=self.election,
            date_from=self.date_from,
            date_to=self.date_to,
            segment_id=self.segment,
            theme_id=self.theme,
            level=self.level,  # an unknown level reads as "kecamatan"
        )


def _membership(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


@router.get("/analytics/dashboard", auth=authenticated)
def dashboard(request: HttpRequest, params: Query[FiltersIn]) -> dict[str, Any]:
    membership = _membership(request)
    d = selectors.dashboard(membership=membership, filters=params.filters(membership))
    totals = {k: v for k, v in d.totals.items() if k != "attendance_raw"}

    def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": r["id"],
                "label": r["label"],
                "activities": r["activities"],
                "attendance": r["attendance"],
            }
            for r in items
        ]

    return {
        "programme": d.programme.name,
        "as_of": d.as_of,
        "days_left": d.days_left,
        "voters_total": d.voters_total,
        "partners_active": d.partners_active,
        "status": {value: n for value, _label, n in d.status_counts},
        "totals": totals,
        "checkins": d.checkins,
        "reach_per_1000": d.reach_per_1000,
        # Reported against measured attendance where an activity has both.
        "attendance_check": {
            "activities": d.attendance_check.activities if d.attendance_check else 0,
            "reported": d.attendance_check.reported if d.attendance_check else 0,
            "measured": d.attendance_check.measured if d.attendance_check else 0,
            "differing": d.attendance_check.differing if d.attendance_check else 0,
        },
        # Counted activities online or without a kelurahan (the areas' rows leave them out).
        "unplaced": {
            "activities": d.unplaced.activities if d.unplaced else 0,
            "reach": d.unplaced.reach if d.unplaced else 0,
        },
        "by_segment": rows(d.by_segment),
        "by_theme": rows(d.by_theme),
        "by_method": rows(d.by_method),
        # id null and code "other": the methods in no approach of the programme.
        "by_approach": [
            {"code": r["code"], **row}
            for r, row in zip(d.by_approach, rows(d.by_approach), strict=True)
        ],
        "by_partner": rows(d.by_partner),
        "targets": [
            {
                "metric": t.target.metric,
                "label": t.label,
                "segment_id": t.target.segment_id,
                "theme_id": t.target.theme_id,
                "approach_id": t.target.approach_id,
                "actual": t.actual,
                "value": t.value,
                "expected": t.pace.expected_value if t.pace else None,
                "on_track": t.pace.on_track if t.pace else None,
            }
            for t in d.targets
        ],
        "trend": [
            {
                "week": w.week,
                "activities": w.activities,
                "reach": w.reach,
                "cumulative_reach": w.cumulative_reach,
            }
            for w in d.trend
        ],
    }


@router.get("/analytics/areas", auth=authenticated)
def areas(request: HttpRequest, params: Query[FiltersIn]) -> list[dict[str, Any]]:
    membership = _membership(request)
    scope = selectors.dashboard_scope(membership=membership, filters=params.filters(membership))
    rows = selectors.area_rows(
        office=scope.office,
        programme=scope.programme,
        filters=scope.filters,
        threshold=scope.threshold,
    )
    return [
        {
            "code": a.code,
            "name": a.name,
            "voters": a.voters,  # null: no voter figures imported ("tidak ada data")
            "activities": a.activities,
            "reach": a.reach,
            "reach_per_1000": a.reach_per_1000,
            "activities_per_10000": a.activities_per_10000,
            "past_turnout": a.turnout,
        }
        for a in rows
    ]


@router.get("/analytics/gaps", auth=authenticated)
def gaps(request: HttpRequest, params: Query[FiltersIn]) -> list[dict[str, Any]]:
    result = selectors.office_gaps(membership=_membership(request), filters=params.filters())

    def gap(g: selectors.Gap) -> dict[str, Any]:
        estimate = g.estimate
        return {
            "area_code": g.area_code,
            "area": g.area_name,
            "segment_id": g.segment_id,
            "segment": g.segment_name,
            "voters": g.voters,  # the segment's voters: counted, or estimated (see below)
            "voters_counted": bool(estimate and estimate.counted),
            "voter_share": estimate.share if estimate else None,  # % of all, when estimated
            "voters_source": estimate.source if estimate else "",
            "reached": g.reached_shown,
            "score": g.score,
            "days_left": g.days_left,  # beside the score, not part of it
            "reason": g.reason,
            "partners": [{"id": p.partner_id, "name": p.name} for p in g.partners],
        }

    # At most a few gaps per area in the ranking; each with the area's others ("more").
    return [{**gap(g), "more": [gap(m) for m in g.more]} for g in result]


@router.get("/analytics/summary")
def summary(
    request: HttpRequest,
    approach: str = Query(
        "", description='narrow the kecamatan table to one approach (its code, or "other")'
    ),
) -> dict[str, Any]:
    office = request_public_office(request)
    s = selectors.public_summary(office=office, approach=approach) if office else None
    if s is None:
        raise NotFoundError(_("Belum ada program."), code="not_found")
    if approach and approach not in {r["code"] for r in s.by_approach} | {"other"}:
        raise NotFoundError(_("Pendekatan tidak ditemukan."), code="not_found")
    return {
        "programme": s.programme.name,
        "activities": s.total_activities,
        "reach": s.total_reach,
        "themes": [{"id": t.pk, "name": t.name} for t in s.themes],
        # The whole programme per approach ("other": methods in no approach).
        "by_approach": [
            {
                "code": r["code"],
                "label": r["label"],
                "activities": r["activities"],
                "reach": r["attendance"],
            }
            for r in s.by_approach
        ],
        "kecamatan": [
            {
                "code": r.code,
                "name": r.name,
                "activities": r.activities,
                "reach": r.reach,
                "by_theme": [{"activities": c[0], "reach": c[1]} for c in r.cells],
            }
            for r in s.rows
        ],
        # Activities online or without a kelurahan: with them the kecamatan add up to the totals.
        "online": {
            "activities": s.online.activities if s.online else 0,
            "reach": s.online.reach if s.online else 0,
            "by_theme": [{"activities": c[0], "reach": c[1]} for c in s.online.cells]
            if s.online
            else [],
        },
    }
