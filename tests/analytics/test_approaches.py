"""The dashboard per approach, against the hand-computed fixture in conftest.py: breakdown,
filter (an approach, or "other"), targets per approach, export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from mitra.activities import services as activity_services
from mitra.activities.models import Approach
from mitra.analytics import selectors, services
from mitra.analytics.forms import FilterForm
from mitra.analytics.selectors import DashboardFilters
from tests.analytics.conftest import TODAY
from tests.conftest import login
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussions(world, staff_member):
    """The world's "Diskusi" method (a1: 100 people) in the discussions approach; its
    "Seminar" (a2: 50, a4: 30) in none, so "other"."""
    approach = Approach.objects.get(programme=world.programme, code="diskusi-komunitas")
    return activity_services.approach_save(
        membership=staff_member,
        programme=world.programme,
        approach_id=approach.pk,
        code=approach.code,
        name=approach.name,
        name_en=approach.name_en,
        order=approach.order,
        methods=[world.m1],
    )


def board(member, **filters):
    return selectors.dashboard(membership=member, filters=DashboardFilters(**filters), today=TODAY)


def test_breakdown_per_approach_lists_every_approach_then_other(world, staff_member, discussions):
    rows = [(r["code"], r["activities"], r["attendance"]) for r in board(staff_member).by_approach]
    assert rows == [
        ("diskusi-komunitas", 1, 100),
        ("seni-budaya", 0, 0),
        ("edukasi", 0, 0),
        ("media-sosial", 0, 0),
        ("other", 2, 80),
    ]


def test_filter_by_approach_or_other_narrows_every_figure(world, staff_member, discussions):
    one = board(staff_member, approach_id=discussions.pk)
    assert (one.totals["activities"], one.totals["attendance_total"]) == (1, 100)
    assert {r["label"]: r["activities"] for r in one.by_segment} == {"Pemilih pemula": 1}
    assert sum(a.activities for a in one.areas) == 1
    other = board(staff_member, approach_other=True)
    assert (other.totals["activities"], other.totals["attendance_total"]) == (2, 80)
    statuses = {value: n for value, _label, n in other.status_counts}
    assert statuses["verified"] == 2 and statuses["reported"] == 0  # a3 is a discussion


def test_filter_form_reads_an_approach_or_other_and_ignores_an_unknown_one(world, discussions):
    def filters(value):
        return FilterForm({"approach": value}, programme=world.programme).filters()

    assert filters(str(discussions.pk)).approach_id == discussions.pk
    assert filters("other").approach_other is True
    unknown = filters("99999")
    assert unknown.approach_id is None and unknown.approach_other is False
    assert DashboardFilters(approach_other=True).as_query() == {"approach": "other"}


def test_a_target_per_approach_counts_that_approachs_activities(world, staff_member, discussions):
    target = services.target_create(
        membership=staff_member,
        programme=world.programme,
        metric="activities",
        value=4,
        approach=discussions,
    )
    row = next(t for t in board(staff_member).targets if t.target.pk == target.pk)
    assert (row.actual, row.value) == (1, 4)
    assert "Diskusi komunitas" in row.label
    foreign = Approach.objects.filter(programme=ProgrammeFactory(office=world.office)).first()
    with pytest.raises(services.AnalyticsError) as refused:
        services.target_create(
            membership=staff_member,
            programme=world.programme,
            metric="activities",
            value=4,
            approach=foreign,
        )
    assert refused.value.code == "approach"


def test_approach_export_is_the_breakdown(client, world, observer_member, discussions):
    login(client, observer_member)
    response = client.get("/analitik/ekspor/approach/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Pendekatan", "Kegiatan terverifikasi", "Jangkauan (orang)")
    assert rows[1] == ("Diskusi komunitas", 1, 100)
    assert rows[-1] == ("Lainnya", 2, 80)
    chart = client.get("/analitik/grafik/approach.svg")
    assert chart.status_code == 200 and b"Diskusi komunitas" in chart.content
