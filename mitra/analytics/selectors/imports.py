"""Reads of the figures imports (voter counts, results) for their pages."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Sum,
)
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.analytics.models import ElectionResult, FiguresImport, VoterCount
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.offices.models import Office

# --- Import batches -----------------------------------------------------------------------


def figures_import_get(*, membership: Membership | None, pk: int) -> Any:
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
