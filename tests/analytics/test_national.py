"""KPU RI's roll-up (it replaced the flat list for superusers; benchmarked at 1 million
activities): verified activities and their reach per office, the rest as under way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mitra.analytics.selectors import office_rollup
from mitra.offices.services import office_create
from mitra.regions.models import Region
from mitra.regions.services import national_region_ensure
from tests.activities.factories import ActivityFactory, ReportFactory
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _report(activity, total):
    return ReportFactory(activity=activity, attendance_total=total, women=0, men=0)


@pytest.fixture
def national(bandung):
    national = office_create(name="KPU RI", slug="ri", region=national_region_ensure())
    office_create(name="KPU Jabar", slug="jabar", region=Region.objects.get(code="32"))
    return national


def test_rollup_counts_verified_activities_and_their_reach_per_office(national, bandung):
    first = ProgrammeFactory(office=office_create(name="A", slug="a", region=bandung))
    second = ProgrammeFactory(office=office_create(name="B", slug="b", region=bandung))
    _report(ActivityFactory(programme=first, status="verified"), 40)
    _report(ActivityFactory(programme=first, status="verified"), 2)
    ActivityFactory(programme=first, status="verified")  # no report: counted, no reach
    ReportFactory(activity=ActivityFactory(programme=first, status="reported"))  # under way
    ActivityFactory(programme=first, status="cancelled")  # neither
    _report(ActivityFactory(programme=second, status="verified"), 7)

    rows = {r.office.pk: r.figures for r in office_rollup(office=national).offices}

    a = rows[first.office_id]
    assert (a.verified, a.reach, a.activities) == (3, 42, 4)
    assert (rows[second.office_id].verified, rows[second.office_id].reach) == (1, 7)


def test_superusers_still_see_the_national_rollup(client, national):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(reverse("analytics:national")).status_code == 200
