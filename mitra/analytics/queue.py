"""The approval queue's hint from the recommendations: does a proposal fill one of the
office's top gaps (its kelurahan or kecamatan, one of its segments)?

Activities sits below analytics, so it never imports this: `AnalyticsConfig.ready` adds
`gap_hints` to `activities.selectors.PROPOSAL_HINTS`."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.activities.models import Activity
from mitra.elections.selectors import current_programme

from .selectors import gaps, small_cell_threshold

TOP_GAPS = 20  # the recommendations staff see first on the dashboard


def _within(kelurahan: str, area: str) -> bool:
    return kelurahan == area or kelurahan.startswith(area + ".")


def gap_hints(membership: Membership, proposals: Sequence[Activity]) -> dict[int, list[str]]:
    placed = [a for a in proposals if a.kelurahan_id]
    if not placed or not has_right(membership, Right.VIEW_DASHBOARD):
        return {}
    programme = current_programme(office=membership.office)
    if programme is None:
        return {}
    ranked = gaps(
        office=membership.office,
        programme=programme,
        limit=TOP_GAPS,
        partners_per_gap=0,
        threshold=small_cell_threshold(membership=membership, office=membership.office),
    )
    if not ranked:
        return {}
    segments: dict[int, set[int]] = {}
    for activity_id, segment_id in Activity.segments.through.objects.filter(
        activity_id__in=[a.pk for a in placed]
    ).values_list("activity_id", "segment_id"):
        segments.setdefault(activity_id, set()).add(segment_id)
    hints: dict[int, list[str]] = {}
    for activity in placed:
        for rank, gap in enumerate(ranked, start=1):
            if gap.segment_id in segments.get(activity.pk, set()) and _within(
                str(activity.kelurahan_id), gap.area_code
            ):
                hints.setdefault(activity.pk, []).append(
                    _("Mengisi celah nomor %(rank)d rekomendasi: %(segment)s di %(area)s")
                    % {"rank": rank, "segment": gap.segment_name, "area": gap.area_name}
                )
                break
    return hints
