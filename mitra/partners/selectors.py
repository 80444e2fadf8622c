"""Reads of partners and agreements, filtered by what the membership may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, F, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right, require
from mitra.accounts.selectors import readable_office_ids
from mitra.core import office_cache
from mitra.core.errors import NotFoundError
from mitra.elections.models import Segment
from mitra.offices.models import Office
from mitra.regions.models import Region, RegionLevel

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

_M = TypeVar("_M", bound=Model)


def not_found() -> NotFoundError:
    """The one refusal for a partner, agreement or batch outside the membership's reach."""
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


def _agreement_exists(condition: Q) -> Exists:
    return Exists(Agreement.objects.filter(condition, partner_id=OuterRef("pk")))


def _status_flags(today: datetime.date) -> dict[str, Exists]:
    in_force = Q(signed_on__isnull=False, valid_from__lte=today, valid_until__gte=today)
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    return {
        "_ag_active": _agreement_exists(in_force & Q(valid_until__gt=soon)),
        "_ag_in_force": _agreement_exists(in_force),
        "_ag_live": _agreement_exists(Q(valid_until__gte=today)),
        "_ag_any": _agreement_exists(Q()),
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


def partners_within_reach(*, membership: Membership | None, right: Right) -> QuerySet[Partner]:
    """The office's partners for holders of `right`, a coordinator's own one, else none."""
    if membership is None:
        return Partner.objects.none()
    qs = Partner.objects.filter(office_id=membership.office_id)
    if has_right(membership, right):
        return qs
    if membership.is_coordinator and membership.partner_id:
        return qs.filter(pk=membership.partner_id)
    return qs.none()


def partner_visible(*, membership: Membership | None) -> QuerySet[Partner]:
    """Every partner the membership may read: the office's for KPU roles, one for coordinators."""
    return partners_within_reach(membership=membership, right=Right.VIEW_ALL_PARTNERS)


@dataclass
class PartnerFilters:
    q: str = ""
    category: int | None = None
    segment: int | None = None
    kecamatan: str = ""
    status: str = ""
    agreement_status: str = ""
    today: datetime.date = field(default_factory=timezone.localdate)


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


def partners_across_offices(
    *, membership: Membership | None, office_id: int | None = None
) -> QuerySet[Partner]:
    """The partners of the offices the member reads (their own and, for a province or the
    national office, every office below), optionally of one of them; by office, name."""
    office_ids = readable_office_ids(
        membership=membership, right=Right.VIEW_ALL_PARTNERS, office_id=office_id
    )
    qs = Partner.objects.filter(office_id__in=office_ids)
    return qs.select_related("office", "category").order_by("office__name", "name", "pk")


def partner_page_rows(partner_ids: Iterable[int]) -> list[Partner]:
    """Load what one page of the list shows, in a fixed number of queries."""
    rows = list(
        Partner.objects.filter(pk__in=list(partner_ids))
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


def partner_list_rows(partner_ids: Iterable[int]) -> list[dict[str, Any]]:
    """What one page of the staff list shows, as plain rows in three queries whatever the
    page size: name, code, category, status and agreement status (from the same flags as
    the filter), then the areas and the segments. No model objects, no query per row."""
    ids = list(partner_ids)
    today = timezone.localdate()
    rows = list(
        Partner.objects.filter(pk__in=ids)
        .annotate(**_status_flags(today))
        .order_by("name", "id")
        .values(
            "pk",
            "name",
            "code",
            "status",
            *_status_flags(today),
            category_name=F("category__name"),
        )
    )
    areas = _names_by_partner(
        Partner.areas.through.objects.filter(partner_id__in=ids)
        .order_by("region_id")
        .values_list("partner_id", "region__name")
    )
    segments = _names_by_partner(
        Partner.segments.through.objects.filter(partner_id__in=ids)
        .order_by("segment__order", "segment_id")
        .values_list("partner_id", "segment__name")
    )
    statuses = dict(PartnerStatus.choices)
    for row in rows:
        row["status_label"] = statuses.get(row["status"], row["status"])
        row["agreement_status"] = _status_of_flags(row)
        row["areas"] = areas.get(row["pk"], [])
        row["segments"] = segments.get(row["pk"], [])
    return rows


def _status_of_flags(flags: dict[str, Any]) -> AgreementStatus:
    """`partner_agreement_status` from the flags of `_status_flags` (same precedence)."""
    if flags["_ag_active"]:
        return AgreementStatus.ACTIVE
    if flags["_ag_in_force"]:
        return AgreementStatus.EXPIRING
    if flags["_ag_live"]:
        return AgreementStatus.DRAFT
    if flags["_ag_any"]:
        return AgreementStatus.EXPIRED
    return AgreementStatus.NONE


def _names_by_partner(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for partner_id, name in pairs:
        found.setdefault(partner_id, []).append(name)
    return found


def partner_filter_options(*, office: Office) -> dict[str, list[tuple[Any, str]]]:
    """The registry filter's drop-down options as (value, label) rows: the office's
    categories, segments and kecamatan, kept in the figure cache until a write to the
    office's records (or the regions): no query for them on a page served after that."""

    def compute() -> dict[str, list[tuple[Any, str]]]:
        return {
            "category": list(
                PartnerCategory.objects.filter(office=office).values_list("pk", "name")
            ),
            "segment": list(
                Segment.objects.filter(office=office).order_by("order").values_list("pk", "name")
            ),
            "kecamatan": list(
                Region.objects.children_of(office.region_id)
                .kecamatan()
                .order_by("name")
                .values_list("code", "name")
            ),
        }

    return office_cache.cached_value(office.pk, ("partner-filter-options",), compute)


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


def _first_or_not_found(qs: QuerySet[_M], pk: int) -> _M:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def partner_get(*, membership: Membership | None, pk: int) -> Partner:
    """One partner with what its page shows; 404 for records outside the membership's reach."""
    partner = _first_or_not_found(
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
        ),
        pk,
    )
    partner.agreement_status = partner_agreement_status(  # type: ignore[attr-defined]
        partner.agreements.all()
    )
    return partner


def partner_get_plain(*, membership: Membership | None, pk: int) -> Partner:
    """One partner without its related rows (for pages that show its name and contacts)."""
    return _first_or_not_found(partner_visible(membership=membership), pk)


def partner_get_editable(*, membership: Membership | None, pk: int) -> Partner:
    """A partner the membership may change: 403 for read-only roles, 404 outside their reach."""
    if membership is None or not membership.is_coordinator:
        require(membership, Right.MANAGE_PARTNERS)
    return _first_or_not_found(
        partners_within_reach(membership=membership, right=Right.MANAGE_PARTNERS), pk
    )


def agreement_get(*, membership: Membership | None, pk: int) -> Agreement:
    """An agreement whose partner the membership may read (coordinators: their own)."""
    return _first_or_not_found(
        Agreement.objects.select_related("partner").filter(
            partner__in=partner_visible(membership=membership)
        ),
        pk,
    )


def category_list(*, office_id: int) -> QuerySet[PartnerCategory]:
    return PartnerCategory.objects.filter(office_id=office_id).order_by("order", "name")


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
        raise not_found()
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


def _m2m_snapshots(records: Sequence[Any]) -> dict[tuple[int, str], list[Any]]:
    """The related ids in the records' many-to-many snapshots: one query per field."""
    snapshots: dict[tuple[int, str], list[Any]] = {}
    if not records:
        return snapshots
    history_model = type(records[0])
    history_ids = [r.history_id for r in records]
    for m2m_field in history_model._history_m2m_fields:
        column = f"{m2m_field.m2m_reverse_field_name()}_id"  # segment_id, region_id
        snapshot_model = getattr(history_model, m2m_field.name).model
        rows = snapshot_model.objects.filter(history_id__in=history_ids).values_list(
            "history_id", column
        )
        for history_id, related_id in rows:
            snapshots.setdefault((history_id, m2m_field.name), []).append(related_id)
    for related_ids in snapshots.values():
        related_ids.sort()
    return snapshots


def _describe_changes(
    record: Any, previous: Any, snapshots: dict[tuple[int, str], list[Any]]
) -> list[tuple[str, str, str]]:
    if previous is None:
        return []
    m2m_names = [f.name for f in getattr(record, "_history_m2m_fields", [])]
    # diff_against would query both snapshots of every many-to-many field for each record;
    # the page shows only how many there were, so compare the snapshots loaded up front.
    delta = record.diff_against(previous, excluded_fields=m2m_names, foreign_keys_are_objs=False)
    changed: list[tuple[str, Any, Any]] = [(c.field, c.old, c.new) for c in delta.changes]
    for name in m2m_names:
        old_ids = snapshots.get((previous.history_id, name), [])
        new_ids = snapshots.get((record.history_id, name), [])
        if old_ids != new_ids:
            changed.append((name, len(old_ids), len(new_ids)))
    changed.sort(key=lambda change: change[0])  # by field name, as diff_against orders them
    model = record.instance_type
    changes = []
    for name, old, new in changed:
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name
        changes.append((label, "" if old is None else str(old), "" if new is None else str(new)))
    return changes


def partner_history(
    *, membership: Membership | None, pk: int, limit: int = 200
) -> tuple[Partner, list[HistoryEntry]]:
    """The partner and who changed what and when, for it, its agreements and deliverables.

    A fixed number of queries, however long the history.
    """
    require(membership, Right.MANAGE_PARTNERS)
    partner = partner_get_plain(membership=membership, pk=pk)
    records: list[Any] = list(
        Partner.history.filter(id=partner.pk).select_related("history_user")[:limit]
    )
    snapshots = _m2m_snapshots(records)
    agreement_records = Agreement.history.filter(partner_id=partner.pk)
    records += list(agreement_records.select_related("history_user")[:limit])
    records += list(
        Deliverable.history.filter(agreement_id__in=agreement_records.values("id")).select_related(
            "history_user"
        )[:limit]
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
                    _describe_changes(record, previous_of[id(record)], snapshots)
                    if record.history_type == "~"
                    else []
                ),
            )
        )
    return partner, entries


# The status words the import understands, as its template offers them.
IMPORT_STATUSES = ("calon", "aktif", "ditangguhkan", "berakhir")


def import_choices(*, office: Office) -> dict[str, list[str]]:
    """The values the import template offers as drop-downs: the office's categories, the
    partner statuses and the kecamatan of its area (names, as staff write them)."""
    kecamatan = (
        Region.objects.within(office.region_id)
        .filter(level=RegionLevel.KECAMATAN)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return {
        "kategori": list(category_list(office_id=office.pk).values_list("name", flat=True)),
        "status": list(IMPORT_STATUSES),
        "kecamatan": list(kecamatan),
    }
