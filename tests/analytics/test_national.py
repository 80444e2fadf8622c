"""The national roll-up (platform operators; benchmarked at 1 million activities)."""

from __future__ import annotations

import pytest

from mitra.analytics import selectors
from tests.activities.factories import ActivityFactory, ReportFactory
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _report(activity, total):
    return ReportFactory(activity=activity, attendance_total=total, women=0, men=0)


def test_rollup_counts_verified_activities_and_their_reach_per_office():
    first, second = ProgrammeFactory(), ProgrammeFactory()
    _report(ActivityFactory(programme=first, status="verified"), 40)
    _report(ActivityFactory(programme=first, status="verified"), 2)
    ActivityFactory(programme=first, status="verified")  # no report: counted, no reach
    ReportFactory(activity=ActivityFactory(programme=first, status="reported"))  # not counted
    _report(ActivityFactory(programme=second, status="verified"), 7)

    rows = {r["office_id"]: r for r in selectors.national_rollup()}

    assert rows[first.office_id] == {
        "office_id": first.office_id,
        "office": first.office.name,
        "activities": 3,
        "reach": 42,
    }
    assert (rows[second.office_id]["activities"], rows[second.office_id]["reach"]) == (1, 7)
