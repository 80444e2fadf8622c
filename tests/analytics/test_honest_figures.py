"""Figures that must not mislead (issue "every figure true, consistent and fair"): each
test builds its own small case on the hand-made programme of conftest.py."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mitra.activities.models import Transition
from mitra.analytics import selectors
from mitra.analytics.selectors import DashboardFilters
from mitra.checkin.models import CheckIn
from tests.analytics.conftest import TODAY

pytestmark = pytest.mark.django_db


def board(member, today=TODAY, **filters):
    return selectors.dashboard(membership=member, filters=DashboardFilters(**filters), today=today)


def checkins(activity, n: int) -> None:
    CheckIn.objects.bulk_create(
        CheckIn(
            activity=activity,
            office=activity.office,
            how="tally",
            scanned_at=timezone.now(),
            nonce=f"{activity.pk}-{i}",
        )
        for i in range(n)
    )


def test_headline_check_ins_cover_the_same_activities_as_reach(world, staff_member):
    checkins(world.a1, 7)  # verified
    checkins(world.a3, 40)  # only reported: not in reach, so not beside it either
    d = board(staff_member)
    assert d.totals["activities"] == 3
    assert d.checkins == 7
    # Filtered like reach: a segment a1 does not serve leaves its check-ins out too.
    assert board(staff_member, segment_id=world.muda.pk).checkins == 0
