"""Every dashboard figure against the hand-computed fixture in conftest.py."""

from __future__ import annotations

import datetime

import pytest

from mitra.analytics import selectors
from mitra.analytics.selectors import DashboardFilters
from mitra.core.errors import PermissionDeniedError
from tests.analytics.conftest import CIPAGANTI, TODAY
from tests.analytics.factories import TargetFactory, activity, agreement
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def board(member, **filters):
    return selectors.dashboard(membership=member, filters=DashboardFilters(**filters), today=TODAY)


def test_totals_count_only_verified_reports_and_each_activity_once(world, staff_member):
    d = board(staff_member)
    # a1 (100, two elections), a2 (50), a4 (30, online); a3 is only reported.
    assert d.totals["activities"] == 3
    assert d.totals["attendance_total"] == 180
    assert d.voters_total == 35_000
    assert d.reach_per_1000 == pytest.approx(1000 * 180 / 35_000, abs=0.01)
    assert d.days_left == 32
    assert d.partners_active == 1
    statuses = {value: n for value, _label, n in d.status_counts}
    assert statuses["verified"] == 3 and statuses["reported"] == 1 and statuses["draft"] == 0


def test_breakdowns_by_segment_theme_method_partner(world, staff_member):
    d = board(staff_member)
    seg = {r["label"]: (r["activities"], r["attendance"]) for r in d.by_segment}
    assert seg == {"Pemilih pemula": (2, 130), "Pemilih muda": (1, 50)}
    theme = {r["label"]: (r["activities"], r["attendance"]) for r in d.by_theme}
    assert theme == {"Tahapan": (2, 150), "Sadar memilih": (2, 80)}
    method = {r["label"]: (r["activities"], r["attendance"]) for r in d.by_method}
    assert method == {"Diskusi": (1, 100), "Seminar": (2, 80)}
    partner = {r["label"]: (r["activities"], r["attendance"]) for r in d.by_partner}
    assert partner == {world.partner.name: (1, 100), None: (2, 80)}


def test_election_filter_counts_an_activity_serving_two_elections_once(world, staff_member):
    both = board(staff_member)
    only_e2 = board(staff_member, election_id=world.e2.pk)
    assert both.totals["activities"] == 3
    assert only_e2.totals["activities"] == 1 and only_e2.totals["attendance_total"] == 100


def test_segment_theme_and_date_filters(world, staff_member):
    assert board(staff_member, segment_id=world.pemula.pk).totals["attendance_total"] == 130
    assert board(staff_member, theme_id=world.t2.pk).totals["attendance_total"] == 80
    assert (
        board(staff_member, date_from=datetime.date(2024, 10, 5)).totals["attendance_total"] == 80
    )
    assert board(staff_member, date_to=datetime.date(2024, 10, 5)).totals["attendance_total"] == 100


def test_area_rows_per_kecamatan_and_no_data_is_not_zero(world, staff_member):
    d = board(staff_member)
    rows = {r.code: r for r in d.areas}
    assert len(rows) == 30
    sukasari, coblong, babakan = rows["32.73.01"], rows["32.73.02"], rows["32.73.03"]
    assert (sukasari.voters, sukasari.activities, sukasari.reach) == (15_000, 2, 150)
    assert sukasari.reach_per_1000 == 10.0
    assert sukasari.activities_per_10000 == pytest.approx(1.33)
    assert (coblong.voters, coblong.activities, coblong.reach_per_1000) == (20_000, 0, 0.0)
    assert babakan.voters is None and babakan.reach_per_1000 is None


def test_area_rows_per_kelurahan(world, staff_member):
    rows = {r.code: r for r in board(staff_member, level="kelurahan").areas}
    assert len(rows) == 151
    assert rows["32.73.01.1001"].reach_per_1000 == 10.0
    assert rows["32.73.01.1002"].reach_per_1000 == 10.0
    assert rows[CIPAGANTI].reach == 0  # a3 is not verified


def test_weekly_trend(world, staff_member):
    trend = board(staff_member).trend
    assert [(w.week, w.activities, w.reach, w.cumulative_reach) for w in trend] == [
        (datetime.date(2024, 9, 30), 1, 100, 100),
        (datetime.date(2024, 10, 7), 2, 80, 180),
    ]


def test_targets_progress_and_pace(world, staff_member):
    TargetFactory(programme=world.programme, metric="reach", value=300)
    TargetFactory(programme=world.programme, metric="reach", value=400, segment=world.pemula)
    TargetFactory(programme=world.programme, metric="activities", value=10)
    TargetFactory(programme=world.programme, metric="activities_per_kelurahan", value=1)
    TargetFactory(programme=world.programme, metric="turnout", value=90)
    rows = board(staff_member).targets
    # Period 25 Sep (first stage) → 27 Nov = 63 days; 26 Oct is day 31: expected 31/63 ≈ 49 %.
    got = [(r.actual, r.value, r.pace.on_track if r.pace else None) for r in rows]
    assert got == [
        (180, 300, True),
        (130, 400, False),
        (3, 10, False),
        (2, 151, False),
        (None, 90, None),
    ]
    assert rows[0].pace.expected == pytest.approx(31 / 63)
    assert rows[0].pace.expected_value == round(300 * 31 / 63)


def test_deliverables_roll_up_from_agreements(world, staff_member):
    agreement(partner=world.partner, deliverables=[("activities_count", 3), ("reach", 200)])
    other = PartnerFactory(office=world.office)
    agreement(partner=other, deliverables=[("activities_count", 2)])
    rows = {r.metric: (r.partners, r.target, r.done) for r in board(staff_member).deliverables}
    assert rows == {"activities_count": (2, 5, 1), "reach": (1, 200, 100)}


def test_observer_gets_small_cells_hidden_staff_does_not(world, staff_member, observer_member):
    activity(programme=world.programme, kelurahan=CIPAGANTI, attendance=3, segments=[world.muda])
    seg_obs = {r["label"]: r["attendance"] for r in board(observer_member).by_segment}
    seg_staff = {r["label"]: r["attendance"] for r in board(staff_member).by_segment}
    assert seg_staff["Pemilih muda"] == 53  # 50 + 3, both visible to staff
    rows = {r.code: r.reach for r in board(observer_member).areas}
    assert rows["32.73.02"] == "<5"
    assert seg_obs["Pemilih muda"] == 53
    assert {r.code: r.reach for r in board(staff_member).areas}["32.73.02"] == 3


def test_coordinator_cannot_read_the_dashboard(world, coordinator_member):
    with pytest.raises(PermissionDeniedError):
        board(coordinator_member)


def test_suppress():
    assert selectors.suppress(3, 5) == "<5"
    assert selectors.suppress(5, 5) == 5
    assert selectors.suppress(0, 5) == 0
    assert selectors.suppress(None, 5) is None
    assert selectors.suppress(3, 0) == 3


def test_public_summary_by_kecamatan_and_theme_hides_small_cells(world):
    activity(programme=world.programme, kelurahan=CIPAGANTI, attendance=4, themes=[world.t2])
    s = selectors.public_summary(office=world.office)
    rows = {r.code: r for r in s.rows}
    assert (rows["32.73.01"].activities, rows["32.73.01"].reach) == (2, 150)
    assert rows["32.73.01"].by_theme[world.t1.pk] == (2, 150)
    assert rows["32.73.01"].by_theme[world.t2.pk] == (1, 50)
    assert rows["32.73.02"].reach == "<5"
    assert rows["32.73.02"].by_theme[world.t2.pk] == (1, "<5")
    assert s.total_activities == 4 and s.total_reach == 184
