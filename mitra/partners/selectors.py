"""Reads of partners and agreements, filtered by what the membership may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right, require
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.elections.models import Segment
from mitra.regions.models import Region

from .models import (
    EXPIRING_DAYS,
    Agreement,
    AgreementStatus,
    Deliverable,
    ImportBatch,
    Partner,
    PartnerCategory,
    PartnerInvitation,
    PartnerStatus,
)


def _not_found() -> NotFoundError:
    from django.utils.translation import gettext as _

    return NotFoundError(_("Mitra tidak ditemukan."), code="not_found")


# --- Agreement status, derived from dates ------------------------------------------------

_PRECEDENCE = [
    AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRING,
    AgreementStatus.DRAFT,
    AgreementStatus.EXPIRED,
]


def partner_agreement_status(
    agreements: Iterable[Agreement], today: datetime.date | None = None
) -> AgreementStatus:
    """A partner's standing: the best status among its agreements (active first)."""
    today = today or timezone.localdate()
    statuses = {a.status_on(today) for a in agreements}
    for status in _PRECEDENCE:
        if status in statuses:
            return status
    return AgreementStatus.NONE


def _agreement_exists(today: datetime.date, condition: Q) -> Exists:
    return Exists(Agreement.objects.filter(condition, partner_id=OuterRef("pk")))


def _status_flags(today: datetime.date) -> dict[str, Exists]:
    in_force = Q(signed_on__isnull=False, valid_from__lte=today, valid_until__gte=today)
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    return {
        "_ag_active": _agreement_exists(today, in_force & Q(valid_until__gt=soon)),
        "_ag_in_force": _agreement_exists(today, in_force),
        "_ag_live": _agreement_exists(today, Q(valid_until__gte=today)),
        "_ag_any": _agreement_exists(today, Q()),
    }


def _status_q(status: str) -> Q:
    """Conditions on the flags of `_status_flags` matching `partner_agreement_status`."""
    return {
        AgreementStatus.ACTIVE: Q(_ag_active=True),
        AgreementStatus.EXPIRING: Q(_ag_in_force=True, _ag_active=False),
        AgreementStatus.DRAFT: Q(_ag_live=True, _ag_in_force=False),
        AgreementStatus.EXPIRED: Q(_ag_any=True, _ag_live=False),
        AgreementStatus.NONE: Q(_ag_any=False),
    }[AgreementStatus(status)]


# --- Who sees which partners ------------------------------------------------------------


def partner_visible(*, membership: Membership | None) -> QuerySet[Partner]:
    """Every partner the membership may read: the office's for KPU roles, one for coordinators."""
    if membership is None:
        return Partner.objects.none()
    qs = Partner.objects.filter(office_id=membership.office_id)
    if has_right(membership, Right.VIEW_ALL_PARTNERS):
        return qs
    if membership.is_coordinator and membership.partner_id:
        return qs.filter(pk=membership.partner_id)
    return qs.none()


def partner_editable(*, membership: Membership | None) -> QuerySet[Partner]:
    if membership is None:
        return Partner.objects.none()
    if has_right(membership, Right.MANAGE_PARTNERS):
        return Partner.objects.filter(office_id=membership.office_id)
    if membership.is_coordinator and membership.partner_id:
        return Partner.objects.filter(office_id=membership.office_id, pk=membership.partner_id)
    return Partner.objects.none()


@dataclass
class PartnerFilters:
    q: str = ""
    category: int | None = None
    segment: int | None = None
    kecamatan: str = ""
    status: str = ""
    agreement_status: str = ""
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.category
            or self.segment
            or self.kecamatan
            or self.status
            or self.agreement_status
        )


def partner_filter(qs: QuerySet[Partner], filters: PartnerFilters) -> QuerySet[Partner]:
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__iexact=filters.q))
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.segment:
        qs = qs.filter(
            Exists(
                Partner.segments.through.objects.filter(
                    partner_id=OuterRef("pk"), segment_id=filters.segment
                )
            )
        )
    if filters.kecamatan:
        code = filters.kecamatan
        qs = qs.filter(
            Exists(
                Partner.areas.through.objects.filter(
                    Q(region_id=code) | Q(region__code__startswith=f"{code}."),
                    partner_id=OuterRef("pk"),
                )
            )
        )
    if filters.agreement_status in AgreementStatus.values:
        qs = qs.annotate(**_status_flags(filters.today)).filter(_status_q(filters.agreement_status))
    return qs


def partner_list(
    *, membership: Membership | None, filters: PartnerFilters | None = None
) -> QuerySet[Partner]:
    """The filtered registry in name order (index office, name, id), ready for a page."""
    qs = partner_filter(partner_visible(membership=membership), filters or PartnerFilters())
    return qs.order_by("name", "id")


def partner_page_rows(partners: Iterable[Partner]) -> list[Partner]:
    """Load what one page of the list shows, in a fixed number of queries."""
    ids = [p.pk for p in partners]
    rows = list(
        Partner.objects.filter(pk__in=ids)
        .select_related("category")
        .prefetch_related(
            "segments",
            Prefetch("areas", queryset=Region.objects.defer("boundary").order_by("code")),
            Prefetch("agreements", queryset=Agreement.objects.order_by("-valid_from")),
        )
        .order_by("name", "id")
    )
    today = timezone.localdate()
    for partner in rows:
        partner.agreement_status = partner_agreement_status(  # type: ignore[attr-defined]
            partner.agreements.all(), today
        )
    return rows


def partner_counts(*, membership: Membership | None, filters: PartnerFilters) -> dict[str, Any]:
    """Counts beside the filters: total, by category and by agreement status (2 queries)."""
    qs = partner_filter(partner_visible(membership=membership), filters)
    by_category = dict(
        qs.order_by()
        .values_list("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    flags = _status_flags(filters.today)
    aggregates = (
        qs.order_by()
        .annotate(**flags)
        .aggregate(
            total=Count("pk"),
            **{str(s): Count("pk", filter=_status_q(s)) for s in AgreementStatus.values},
        )
    )
    total = aggregates.pop("total")
    return {"total": total, "by_category": by_category, "by_agreement_status": aggregates}


def partner_get(*, membership: Membership | None, pk: int) -> Partner:
    """One partner with what its page shows; 404 for records outside the membership's reach."""
    partner = (
        partner_visible(membership=membership)
        .select_related("category")
        .prefetch_related(
            "segments",
            Prefetch("areas", queryset=Region.objects.defer("boundary").order_by("code")),
            Prefetch(
                "agreements",
                queryset=Agreement.objects.order_by("-valid_from", "-pk").prefetch_related(
                    Prefetch(
                        "deliverables",
                        queryset=Deliverable.objects.select_related("theme", "segment"),
                    )
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if partner is None:
        raise _not_found()
    partner.agreement_status = partner_agreement_status(  # type: ignore[attr-defined]
        partner.agreements.all()
    )
    return partner


def partner_get_editable(*, membership: Membership | None, pk: int) -> Partner:
    """A partner the membership may change: 403 for read-only roles, 404 outside their reach."""
    if not has_right(membership, Right.MANAGE_PARTNERS) and not (
        membership is not None and membership.is_coordinator
    ):
        from django.utils.translation import gettext as _

        raise PermissionDeniedError(
            _("Anda tidak memiliki izin untuk tindakan ini."), code="permission_denied"
        )
    partner = partner_editable(membership=membership).filter(pk=pk).first()
    if partner is None:
        raise _not_found()
    return partner


def agreement_get(*, membership: Membership | None, pk: int) -> Agreement:
    """An agreement whose partner the membership may read (coordinators: their own)."""
    agreement = (
        Agreement.objects.select_related("partner")
        .filter(partner__in=partner_visible(membership=membership), pk=pk)
        .first()
    )
    if agreement is None:
        raise _not_found()
    return agreement


def category_list(*, office_id: int) -> QuerySet[PartnerCategory]:
    return PartnerCategory.objects.filter(office_id=office_id).order_by("order", "name")


def segment_list(*, office_id: int) -> QuerySet[Segment]:
    return Segment.objects.filter(office_id=office_id).order_by("order", "name")


def kecamatan_list(*, region_code: str) -> QuerySet[Region]:
    return Region.objects.children_of(region_code).kecamatan().order_by("name")


def invitation_list(*, membership: Membership, partner: Partner) -> QuerySet[PartnerInvitation]:
    if not has_right(membership, Right.MANAGE_PARTNERS):
        return PartnerInvitation.objects.none()
    return PartnerInvitation.objects.filter(office_id=membership.office_id, partner=partner)


def import_batch_get(*, membership: Membership | None, pk: int) -> ImportBatch:
    """A batch is seen only by the person who uploaded it, in their office."""
    batch = None
    if membership is not None and has_right(membership, Right.MANAGE_PARTNERS):
        batch = ImportBatch.objects.filter(
            pk=pk, office_id=membership.office_id, created_by_id=membership.user_id
        ).first()
    if batch is None:
        raise _not_found()
    return batch


# --- Audit trail --------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str  # "+", "~", "-"
    subject: str
    reason: str
    changes: list[tuple[str, str, str]]


def _describe_changes(record: Any, previous: Any) -> list[tuple[str, str, str]]:
    if previous is None:
        return []
    delta = record.diff_against(previous, foreign_keys_are_objs=False)
    model = record.instance_type
    changes = []
    for change in delta.changes:
        try:
            label = str(model._meta.get_field(change.field).verbose_name)
        except FieldDoesNotExist:
            label = change.field
        old, new = change.old, change.new
        if isinstance(old, list) or isinstance(new, list):
            old = len(old or [])
            new = len(new or [])
        changes.append((label, "" if old is None else str(old), "" if new is None else str(new)))
    return changes


def partner_history(
    *, membership: Membership | None, pk: int, limit: int = 200
) -> list[HistoryEntry]:
    """Who changed what and when, for the partner, its agreements and their deliverables."""
    require(membership, Right.MANAGE_PARTNERS)
    partner = partner_get(membership=membership, pk=pk)
    records: list[Any] = list(
        Partner.history.filter(id=partner.pk).select_related("history_user")[:limit]
    )
    records += list(
        Agreement.history.filter(partner_id=partner.pk).select_related("history_user")[:limit]
    )
    agreement_ids = set(
        Agreement.history.filter(partner_id=partner.pk).values_list("id", flat=True)
    )
    records += list(
        Deliverable.history.filter(agreement_id__in=agreement_ids).select_related("history_user")[
            :limit
        ]
    )
    records.sort(key=lambda r: (r.history_date, r.history_id))
    previous_of: dict[int, Any] = {}
    last: dict[tuple[type, int], Any] = {}
    for record in records:
        key = (type(record), record.id)
        previous_of[id(record)] = last.get(key)
        last[key] = record
    records.reverse()
    entries = []
    for record in records[:limit]:
        if isinstance(record, Partner.history.model):
            subject = str(Partner._meta.verbose_name)
        elif isinstance(record, Agreement.history.model):
            subject = f"{Agreement._meta.verbose_name} {record.number}"
        else:
            subject = f"{Deliverable._meta.verbose_name}: {record.get_metric_display()}"
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(user) if user else "",
                action=record.history_type,
                subject=subject,
                reason=record.history_change_reason or "",
                changes=(
                    _describe_changes(record, previous_of[id(record)])
                    if record.history_type == "~"
                    else []
                ),
            )
        )
    return entries


STATUS_CHOICES = PartnerStatus.choices
