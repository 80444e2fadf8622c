"""Partner registry API: list (same filters as the page), detail, create and update.

Commission roles read their office's partners; staff and admins write; a coordinator reads
and updates only their own organisation (other ids answer 404, as if they did not exist).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from mitra.accounts.api import authenticated
from mitra.accounts.models import Membership
from mitra.accounts.selectors import request_membership
from mitra.core.inputs import InputSchema, db_field, patch_field

from . import selectors, services
from .models import Agreement, AgreementStatus, Partner, PartnerStatus

router = Router(tags=["partners"])


class DeliverableOut(Schema):
    metric: str
    theme_id: int | None
    segment_id: int | None
    target: int


class AgreementOut(Schema):
    id: int
    number: str
    signed_on: datetime.date | None
    valid_from: datetime.date
    valid_until: datetime.date
    signatories: str
    status: AgreementStatus
    has_document: bool
    deliverables: list[DeliverableOut]


class PartnerOut(Schema):
    id: int
    code: str
    name: str
    category: str = Field(..., description="category code")
    status: PartnerStatus
    agreement_status: AgreementStatus
    segments: list[str] = Field(..., description="segment codes")
    areas: list[str] = Field(..., description="Kemendagri region codes")
    member_count: int | None
    instagram: str
    facebook: str
    tiktok: str
    website: str
    contact_name: str | None = None
    whatsapp: str | None = Field(None, description="E.164, e.g. +6281234567890")
    email: str | None = None


class PartnerDetailOut(PartnerOut):
    description: str
    agreements: list[AgreementOut]


class PartnerPage(Schema):
    count: int
    items: list[PartnerOut]


class PartnerIn(InputSchema):
    code: str = db_field(Partner, "code", "")
    name: str = db_field(Partner, "name", min_length=1)
    category: str = Field(..., max_length=40, description="category code")
    status: PartnerStatus = PartnerStatus.PROSPECT
    segments: list[str] = []
    areas: list[str] = []
    description: str = ""
    contact_name: str = db_field(Partner, "contact_name", "")
    whatsapp: str = Field("", max_length=30)
    email: str = db_field(Partner, "email", "")
    instagram: str = db_field(Partner, "instagram", "")
    facebook: str = db_field(Partner, "facebook", "")
    tiktok: str = db_field(Partner, "tiktok", "")
    website: str = db_field(Partner, "website", "")
    member_count: int | None = db_field(Partner, "member_count", None)


class PartnerPatch(InputSchema):
    """Only the fields sent change; a field sent as null is refused (none can be null but
    `member_count`)."""

    code: str = db_field(Partner, "code", None)
    name: str = db_field(Partner, "name", None, min_length=1)
    category: str = patch_field(max_length=40)
    status: PartnerStatus = patch_field()
    segments: list[str] = patch_field()
    areas: list[str] = patch_field()
    description: str = patch_field()
    contact_name: str = db_field(Partner, "contact_name", None)
    whatsapp: str = patch_field(max_length=30)
    email: str = db_field(Partner, "email", None)
    instagram: str = db_field(Partner, "instagram", None)
    facebook: str = db_field(Partner, "facebook", None)
    tiktok: str = db_field(Partner, "tiktok", None)
    website: str = db_field(Partner, "website", None)
    member_count: int | None = db_field(Partner, "member_count", None)


class PartnerQuery(InputSchema):
    q: str = ""
    category: str = Field("", description="category code")
    segment: str = Field("", description="segment code")
    kecamatan: str = Field("", description="Kemendagri code of a kecamatan, e.g. 32.73.01")
    status: PartnerStatus | None = None
    agreement_status: AgreementStatus | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


def _agreement_out(agreement: Agreement, today: datetime.date) -> AgreementOut:
    return AgreementOut(
        id=agreement.pk,
        number=agreement.number,
        signed_on=agreement.signed_on,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        signatories=agreement.signatories,
        status=agreement.status_on(today),
        has_document=bool(agreement.document),
        deliverables=[
            DeliverableOut(
                metric=d.metric, theme_id=d.theme_id, segment_id=d.segment_id, target=d.target
            )
            for d in agreement.deliverables.all()
        ],
    )


def _partner_out(partner: Partner, membership: Membership, *, detail: bool = False) -> Any:
    from mitra.accounts.permissions import Right, has_right

    personal = has_right(membership, Right.VIEW_PERSONAL_DATA) or (
        membership.partner_id == partner.pk
    )
    data: dict[str, Any] = {
        "id": partner.pk,
        "code": partner.code,
        "name": partner.name,
        "category": partner.category.code,
        "status": partner.status,
        "agreement_status": partner.agreement_status,  # type: ignore[attr-defined]
        "segments": [s.code for s in partner.segments.all()],
        "areas": [r.code for r in partner.areas.all()],
        "member_count": partner.member_count,
        "instagram": partner.instagram,
        "facebook": partner.facebook,
        "tiktok": partner.tiktok,
        "website": partner.website,
    }
    if personal:
        data.update(
            contact_name=partner.contact_name, whatsapp=partner.whatsapp, email=partner.email
        )
    if detail:
        today = timezone.localdate()
        data.update(
            description=partner.description,
            agreements=[_agreement_out(a, today) for a in partner.agreements.all()],
        )
        return PartnerDetailOut(**data)
    return PartnerOut(**data)


def _codes_to_ids(membership: Membership, data: dict[str, Any]) -> dict[str, Any]:
    """The API speaks codes; services take ids."""
    from django.utils.translation import gettext as _

    from mitra.elections.models import Segment

    from .models import PartnerCategory

    if data.get("category") is not None:
        category = PartnerCategory.objects.filter(
            office_id=membership.office_id, code=data["category"]
        ).first()
        if category is None:
            raise services.PartnerError(_("Kategori tidak dikenal."), code="unknown_category")
        data["category"] = category.pk
    if data.get("segments") is not None:
        codes = set(data["segments"])
        found = dict(
            Segment.objects.filter(office_id=membership.office_id, code__in=codes).values_list(
                "code", "pk"
            )
        )
        if set(found) != codes:
            raise services.PartnerError(_("Segmen tidak dikenal."), code="unknown_segment")
        data["segments"] = list(found.values())
    return data


@router.get("/partners", response=PartnerPage, auth=authenticated)
def list_partners(request: HttpRequest, query: Query[PartnerQuery]) -> dict[str, Any]:
    """Partners the caller may see, in name order, with the registry page's filters."""
    membership = request_membership(request)
    data = _codes_to_ids(
        membership,
        {
            "category": query.category or None,
            "segments": [query.segment] if query.segment else None,
        },
    )
    filters = selectors.PartnerFilters(
        q=query.q.strip(),
        category=data["category"],
        segment=data["segments"][0] if data["segments"] else None,
        kecamatan=query.kecamatan.strip(),
        status=query.status or "",
        agreement_status=query.agreement_status or "",
    )
    qs = selectors.partner_list(membership=membership, filters=filters)
    ids = list(qs.values_list("pk", flat=True)[query.offset : query.offset + query.limit])
    rows = selectors.partner_page_rows(ids)
    return {"count": qs.count(), "items": [_partner_out(p, membership) for p in rows]}


@router.get("/partners/{partner_id}", response=PartnerDetailOut, auth=authenticated)
def get_partner(request: HttpRequest, partner_id: int) -> Any:
    membership = request_membership(request)
    partner = selectors.partner_get(membership=membership, pk=partner_id)
    return _partner_out(partner, membership, detail=True)


@router.post("/partners", response={201: PartnerDetailOut}, auth=authenticated)
def create_partner(request: HttpRequest, payload: PartnerIn) -> Status[Any]:
    """Staff and admins only."""
    membership = request_membership(request)
    data = _codes_to_ids(membership, payload.dict())
    partner = services.partner_create(membership=membership, data=data)
    return Status(
        201,
        _partner_out(
            selectors.partner_get(membership=membership, pk=partner.pk), membership, detail=True
        ),
    )


@router.patch("/partners/{partner_id}", response=PartnerDetailOut, auth=authenticated)
def update_partner(request: HttpRequest, partner_id: int, payload: PartnerPatch) -> Any:
    """Staff change any field; a coordinator only their own organisation's contact fields."""
    membership = request_membership(request)
    data = _codes_to_ids(membership, payload.dict(exclude_unset=True))
    services.partner_update(membership=membership, pk=partner_id, data=data)
    partner = selectors.partner_get(membership=membership, pk=partner_id)
    return _partner_out(partner, membership, detail=True)
