"""Writes of the evaluation: the staggered-priority draw (the only thing it stores)."""

from __future__ import annotations

import datetime
import random
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.analytics import figure_cache
from mitra.core.errors import DomainError, NotFoundError
from mitra.elections.models import Programme
from mitra.regions.models import Region, RegionLevel

from .models import StaggeredAssignment, StaggeredPlan


class EvaluationError(DomainError):
    pass


def draw_groups(*, eligible: list[tuple[str, str]], late_share: int, seed: int) -> set[str]:
    """The late kelurahan: within each block (kecamatan), in code order, a seeded shuffle
    and the first round(share × n) drawn late. The same inputs give the same draw."""
    rng = random.Random(seed)
    blocks: dict[str, list[str]] = {}
    for code, block in sorted(eligible):
        blocks.setdefault(block, []).append(code)
    late: set[str] = set()
    for block in sorted(blocks):
        codes = blocks[block]
        rng.shuffle(codes)
        late.update(codes[: round(late_share / 100 * len(codes))])
    return late


@transaction.atomic
def staggered_plan_draw(
    *,
    membership: Membership,
    programme: Programme,
    eligible: list[str],
    late_share: int,
    late_from: datetime.date,
    seed: int | None = None,
) -> StaggeredPlan:
    """Draw and record the staggered design; refused once drawn (the draw is not redone)."""
    require(membership, Right.MANAGE_PROGRAMME)
    if programme.office_id != membership.office_id:
        raise NotFoundError(_("Program tidak ditemukan."), code="not_found")
    if StaggeredPlan.objects.filter(programme=programme).exists():
        raise EvaluationError(
            _("Undian untuk program ini sudah dilakukan dan tidak diulang."), code="drawn"
        )
    if not 10 <= late_share <= 90:
        raise EvaluationError(_("Bagian kelompok akhir antara 10 dan 90 %."), code="late_share")
    if not programme.voting_day > late_from:
        raise EvaluationError(
            _("Tanggal mulai kelompok akhir harus sebelum hari pemungutan suara."),
            code="late_from",
        )
    regions = list(
        Region.objects.within(membership.office.region_id)
        .filter(level=RegionLevel.KELURAHAN, code__in=eligible)
        .values_list("code", "parent_id")
    )
    if len(regions) < 4:
        raise EvaluationError(_("Pilih sedikitnya 4 kelurahan yang memenuhi syarat."), code="few")
    seed = seed if seed is not None else secrets.randbelow(2**31)
    late = draw_groups(eligible=regions, late_share=late_share, seed=seed)
    plan = StaggeredPlan.objects.create(
        office_id=membership.office_id,
        programme=programme,
        seed=seed,
        late_share=late_share,
        late_from=late_from,
        created_by=membership.user,
    )
    StaggeredAssignment.objects.bulk_create(
        StaggeredAssignment(plan=plan, region_id=code, block=block, late=code in late)
        for code, block in regions
    )
    figure_cache.figures_changed(membership.office_id)
    return plan
