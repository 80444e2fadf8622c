"""/api/v1/activities: list with the page's filters, detail, proposal, life-cycle actions.

Same permissions as the pages: the services and selectors decide; another partner's or
office's activity answers 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from mitra.accounts.api import authenticated
from mitra.accounts.models import Membership
from mitra.accounts.selectors import request_membership
from mitra.core.errors import NotFoundError
from mitra.core.inputs import InputSchema, db_field, id_field
from mitra.elections.models import Election, Segment, Theme
from mitra.elections.selectors import current_programme
from mitra.partners.models import Partner
from mitra.regions.models import Region

from . import selectors, services
from .models import Activity, Method, OnlinePost, Report

router = Router(tags=["activities"])


class Problem(Schema):
    detail: str
    code: str


class ActivityOut(Schema):
    id: int
    title: str
    status: str
    partner_id: int | None
    partner_name: str | None = None
    method: str
    method_mode: str
    approach: str = Field(description='code of the programme\'s approach, or "other"')
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kelurahan: str | None = None
    kecamatan: str | None = None
    venue: str
    is_online: bool
    online_url: str
    expected_attendance: int
    is_public: bool
    themes: list[str]
    segments: list[str]

    @staticmethod
    def of(a: Activity) -> dict[str, Any]:
        kel = a.kelurahan
        return {
            "id": a.pk,
            "title": a.title,
            "status": a.status,
            "partner_id": a.partner_id,
            "partner_name": a.partner.name if a.partner else None,
            "method": a.method.code,
            "method_mode": a.method.mode,
            "approach": getattr(a, "approach_code", None) or selectors.OTHER_APPROACH,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "kelurahan": kel.code if kel else None,
            "kecamatan": kel.parent_id if kel else None,
            "venue": a.venue,
            "is_online": a.is_online,
            "online_url": a.online_url,
            "expected_attendance": a.expected_attendance,
            "is_public": a.is_public,
            "themes": [t.code for t in a.themes.all()],
            "segments": [s.code for s in a.segments.all()],
        }


class ReportOut(Schema):
    attendance_total: int
    women: int
    men: int
    first_time_voters: int
    young_voters: int
    disabilities: int
    notes: str
    verified_at: datetime.datetime | None


class TransitionOut(Schema):
    from_status: str
    to_status: str
    at: datetime.datetime
    comment: str


class ActivityDetailOut(ActivityOut):
    elections: list[int]
    report: ReportOut | None = None
    transitions: list[TransitionOut]


class ActivityPage(Schema):
    count: int
    items: list[ActivityOut]


class FilterIn(InputSchema):
    partner: int | None = id_field(None)
    method: str | None = Field(None, max_length=40, description="method code")
    approach: str | None = Field(
        None,
        max_length=40,
        description='code of an approach of the current programme, or "other"',
    )
    theme: str | None = Field(None, max_length=40, description="theme code")
    segment: str | None = Field(None, max_length=40, description="segment code")
    kecamatan: str | None = Field(None, max_length=20, description="Kemendagri code of a kecamatan")
    status: list[str] = Field(default_factory=list)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    election: int | None = id_field(None)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class ActivityIn(InputSchema):
    title: str = db_field(Activity, "title", min_length=1)
    method: str = Field(..., max_length=40)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    partner: int | None = id_field(None)
    description: str = ""
    elections: list[int] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    kelurahan: str | None = Field(None, max_length=20)
    venue: str = db_field(Activity, "venue", "")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    is_online: bool = False
    online_url: str = db_field(Activity, "online_url", "")
    expected_attendance: int = db_field(Activity, "expected_attendance", 0)
    is_public: bool = True


class CommentIn(InputSchema):
    comment: str = ""


class PostIn(InputSchema):
    url: str = db_field(OnlinePost, "url")
    platform: str = db_field(OnlinePost, "platform", "other")
    reach: int = db_field(OnlinePost, "reach", 0)
    impressions: int = db_field(OnlinePost, "impressions", 0)
    engagement: int = db_field(OnlinePost, "engagement", 0)


class ReportIn(InputSchema):
    attendance_total: int = db_field(Report, "attendance_total", 0)
    women: int = db_field(Report, "women", 0)
    men: int = db_field(Report, "men", 0)
    first_time_voters: int = db_field(Report, "first_time_voters", 0)
    young_voters: int = db_field(Report, "young_voters", 0)
    disabilities: int = db_field(Report, "disabilities", 0)
    notes: str = ""
    posts: list[PostIn] = Field(default_factory=list, max_length=50)


def _filters(membership: Membership, f: FilterIn) -> selectors.ActivityFilters:
    office_id = membership.office_id

    def lookup(model: Any, code: str | None, **extra: Any) -> int | None:
        if not code:
            return None
        obj = model.objects.filter(code=code, **extra).values_list("pk", flat=True).first()
        return obj if obj is not None else -1

    approach = (
        selectors.approach_filter_fields(
            programme=current_programme(office=membership.office), code=f.approach
        )
        if f.approach
        else {}
    )
    return selectors.ActivityFilters(
        partner_id=f.partner,
        method_id=lookup(Method, f.method, office_id=office_id),
        **approach,
        theme_id=lookup(Theme, f.theme, programme__office_id=office_id),
        segment_id=lookup(Segment, f.segment, office_id=office_id),
        kecamatan=f.kecamatan or "",
        status=list(f.status),
        date_from=f.date_from,
        date_to=f.date_to,
        election_id=f.election,
    )


def _detail(membership: Membership, activity_id: int) -> dict[str, Any]:
    a = selectors.activity_detail(membership=membership, activity_id=activity_id)
    if a is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    data = ActivityOut.of(a)
    data["elections"] = [e.pk for e in a.elections.all()]
    data["report"] = getattr(a, "report", None)  # None when missing: see views.activity_detail
    data["transitions"] = list(selectors.activity_transitions(activity=a))
    return data


@router.get("/activities", response=ActivityPage, auth=authenticated)
def list_activities(request: HttpRequest, filters: Query[FilterIn]) -> dict[str, Any]:
    """Activities the caller may see (staff: the office's; coordinator: own partner's)."""
    membership = request_membership(request)
    qs = selectors.activity_list(membership=membership, filters=_filters(membership, filters))
    qs = qs.order_by("-starts_at", "-pk")
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [ActivityOut.of(a) for a in items]}


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityDetailOut, 404: Problem},
    auth=authenticated,
)
def get_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return _detail(request_membership(request), activity_id)


@router.post(
    "/activities",
    response={201: ActivityDetailOut, 400: Problem, 403: Problem, 404: Problem},
    auth=authenticated,
)
def create_activity(request: HttpRequest, payload: ActivityIn) -> tuple[int, dict[str, Any]]:
    """Propose an activity (draft). Coordinators always propose for their own partner."""
    membership = request_membership(request)
    office = membership.office
    programme = current_programme(office=office)
    if programme is None:
        raise services.ActivityError(_("Belum ada program berjalan."), code="no_programme")
    method = Method.objects.filter(office=office, code=payload.method).first()
    if method is None:
        raise services.ActivityError(_("Metode tidak dikenal."), code="method")
    partner = None
    if payload.partner is not None:
        partner = Partner.objects.filter(office=office, pk=payload.partner).first()
        if partner is None:
            raise NotFoundError(_("Mitra tidak ditemukan."), code="not_found")
    kelurahan = Region.objects.filter(code=payload.kelurahan).first() if payload.kelurahan else None
    data = services.ActivityInput(
        programme=programme,
        partner=partner,
        title=payload.title,
        description=payload.description,
        method=method,
        elections=list(Election.objects.filter(programme=programme, pk__in=payload.elections)),
        themes=list(Theme.objects.filter(programme=programme, code__in=payload.themes)),
        segments=list(Segment.objects.filter(office=office, code__in=payload.segments)),
        kelurahan=kelurahan,
        venue=payload.venue,
        lat=payload.lat,
        lng=payload.lng,
        is_online=payload.is_online,
        online_url=payload.online_url,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        expected_attendance=payload.expected_attendance,
        is_public=payload.is_public,
    )
    activity = services.activity_create(membership=membership, data=data)
    return Status(201, _detail(membership, activity.pk))  # type: ignore[return-value]


ACTION_RESPONSES = {200: ActivityDetailOut, 400: Problem, 403: Problem, 404: Problem}


def _act(request: HttpRequest, activity_id: int, name: str, comment: str = "") -> dict[str, Any]:
    membership = request_membership(request)
    services.activity_act(
        membership=membership, activity_id=activity_id, action=name, comment=comment
    )
    return _detail(membership, activity_id)


@router.post("/activities/{activity_id}/submit", response=ACTION_RESPONSES, auth=authenticated)
def submit(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return _act(request, activity_id, "submit")


@router.post("/activities/{activity_id}/approve", response=ACTION_RESPONSES, auth=authenticated)
def approve(request: HttpRequest, activity_id: int, payload: CommentIn) -> dict[str, Any]:
    return _act(request, activity_id, "approve", payload.comment)


@router.post("/activities/{activity_id}/return", response=ACTION_RESPONSES, auth=authenticated)
def return_(request: HttpRequest, activity_id: int, payload: CommentIn) -> dict[str, Any]:
    return _act(request, activity_id, "return", payload.comment)


@router.post("/activities/{activity_id}/held", response=ACTION_RESPONSES, auth=authenticated)
def mark_held(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return _act(request, activity_id, "held")


@router.post("/activities/{activity_id}/cancel", response=ACTION_RESPONSES, auth=authenticated)
def cancel(request: HttpRequest, activity_id: int, payload: CommentIn) -> dict[str, Any]:
    return _act(request, activity_id, "cancel", payload.comment)


@router.post("/activities/{activity_id}/report", response=ACTION_RESPONSES, auth=authenticated)
def submit_report(request: HttpRequest, activity_id: int, payload: ReportIn) -> dict[str, Any]:
    """Submit the report's figures and online posts (photos: upload on the report page)."""
    membership = request_membership(request)
    services.report_submit(
        membership=membership,
        activity_id=activity_id,
        attendance_total=payload.attendance_total,
        women=payload.women,
        men=payload.men,
        first_time_voters=payload.first_time_voters,
        young_voters=payload.young_voters,
        disabilities=payload.disabilities,
        notes=payload.notes,
        posts=services.post_inputs(p.dict() for p in payload.posts),
    )
    return _detail(membership, activity_id)


@router.post("/activities/{activity_id}/verify", response=ACTION_RESPONSES, auth=authenticated)
def verify_report(request: HttpRequest, activity_id: int, payload: CommentIn) -> dict[str, Any]:
    return _act(request, activity_id, "verify", payload.comment)


@router.post(
    "/activities/{activity_id}/report-return", response=ACTION_RESPONSES, auth=authenticated
)
def return_report(request: HttpRequest, activity_id: int, payload: CommentIn) -> dict[str, Any]:
    return _act(request, activity_id, "report_return", payload.comment)
