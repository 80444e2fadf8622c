"""The staggered-priority design: a reproducible blocked draw, recorded once; the
recommendations hold the late group back until its date; randomisation inference keeps
its nominal rate under the null."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from mitra.analytics.selectors import DashboardFilters, gaps
from mitra.core.errors import DomainError, PermissionDeniedError
from mitra.evaluation import selectors, services
from mitra.evaluation.estimate import permutation_p_value
from mitra.evaluation.models import StaggeredAssignment
from tests.analytics.factories import voters
from tests.factories import ElectionFactory, SegmentFactory

# Real Bandung kelurahan: 6 in Coblong (32.73.02), 4 in Sukasari (32.73.01).
ELIGIBLE = [(f"32.73.02.100{i}", "32.73.02") for i in range(1, 7)] + [
    (f"32.73.01.100{i}", "32.73.01") for i in range(1, 5)
]


def test_the_draw_is_reproducible_and_blocked():
    first = services.draw_groups(eligible=ELIGIBLE, late_share=50, seed=42)
    assert first == services.draw_groups(eligible=list(reversed(ELIGIBLE)), late_share=50, seed=42)
    assert sum(code.startswith("32.73.02") for code in first) == 3
    assert sum(code.startswith("32.73.01") for code in first) == 2
    others = {
        frozenset(services.draw_groups(eligible=ELIGIBLE, late_share=50, seed=s)) for s in range(20)
    }
    assert len(others) > 1  # the seed matters


@pytest.mark.django_db
def test_plan_is_recorded_once_and_holds_late_kelurahan_back(
    programme, staff_member, observer_member
):
    election = ElectionFactory(programme=programme, office=programme.office)
    SegmentFactory(office=programme.office, code="muda", name="Muda")
    codes = [c for c, _b in ELIGIBLE]
    for code in codes:
        voters(election=election, code=code, total=10_000)
    with pytest.raises(PermissionDeniedError):
        services.staggered_plan_draw(
            membership=observer_member,
            programme=programme,
            eligible=codes,
            late_share=50,
            late_from=datetime.date(2024, 10, 30),
        )
    plan = services.staggered_plan_draw(
        membership=staff_member,
        programme=programme,
        eligible=codes,
        late_share=50,
        late_from=datetime.date(2024, 10, 30),
        seed=42,
    )
    late = set(
        StaggeredAssignment.objects.filter(plan=plan, late=True).values_list("region_id", flat=True)
    )
    assert late == services.draw_groups(eligible=ELIGIBLE, late_share=50, seed=42)
    with pytest.raises(DomainError) as again:
        services.staggered_plan_draw(
            membership=staff_member,
            programme=programme,
            eligible=codes,
            late_share=50,
            late_from=datetime.date(2024, 10, 30),
        )
    assert again.value.code == "drawn"
    filters = DashboardFilters(level="kelurahan")
    before = {
        g.area_code
        for g in gaps(
            office=programme.office,
            programme=programme,
            filters=filters,
            today=datetime.date(2024, 10, 1),
        )
    }
    after = {
        g.area_code
        for g in gaps(
            office=programme.office,
            programme=programme,
            filters=filters,
            today=datetime.date(2024, 11, 1),
        )
    }
    assert before == set(codes) - late
    assert after == set(codes)
    drawn = selectors.staggered_plan(programme=programme)
    assert drawn is not None and len(drawn.late) == len(late)


def test_randomisation_inference_rejects_at_the_nominal_rate_under_the_null():
    """300 null experiments (no effect, 60 kelurahan in 15 blocks, half early): rejections
    at 5 % must be within 3 simulation SEs (sqrt(.05 × .95 / 300) ≈ 1.3 points) of 5 %."""
    rng = np.random.default_rng(3)
    blocks = [f"{b:02d}" for b in range(15) for _ in range(4)]
    rejections = 0
    runs = 300
    for run in range(runs):
        outcome = rng.normal(0, 2, 60) + np.repeat(rng.normal(0, 3, 15), 4)
        assigned = np.zeros(60, dtype=bool)
        for b in range(15):
            assigned[4 * b + rng.choice(4, 2, replace=False)] = True
        _diff, p = permutation_p_value(
            outcome=outcome, assigned=assigned, blocks=blocks, draws=199, seed=run
        )
        rejections += p <= 0.05
    assert abs(rejections / runs - 0.05) <= 3 * np.sqrt(0.05 * 0.95 / runs)
