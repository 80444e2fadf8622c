"""Figures that must not mislead (issue "every figure true, consistent and fair"): each
test builds its own small case on the hand-made programme of conftest.py."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from mitra.activities.models import Transition
from mitra.analytics import selectors
from mitra.analytics.selectors import DashboardFilters
from mitra.checkin.models import CheckIn
from tests.analytics.conftest import CIPAGANTI, SUKARASA, TODAY
from tests.analytics.factories import TargetFactory, activity
from tests.conftest import login

pytestmark = pytest.mark.django_db


def OCT(day: int) -> datetime.date:
    return datetime.date(2024, 10, day)


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


def _moved(activity, *steps: tuple[str, str, datetime.date]) -> None:
    Transition.objects.bulk_create(
        Transition(
            activity=activity,
            from_status=before,
            to_status=after,
            at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15))),
        )
        for before, after, day in steps
    )


def test_replay_counts_only_what_was_verified_by_that_day(world, staff_member):
    early = activity(programme=world.programme, kelurahan=SUKARASA, attendance=25, day=OCT(2))
    _moved(early, ("held", "reported", OCT(3)), ("reported", "verified", OCT(5)))
    late = activity(programme=world.programme, kelurahan=SUKARASA, attendance=40, day=OCT(20))
    _moved(late, ("held", "reported", OCT(21)), ("reported", "verified", OCT(30)))
    # Verified on 10 Oct, its report sent back on 24 Oct, verified again on 29 Oct.
    again = activity(programme=world.programme, kelurahan=SUKARASA, attendance=9, day=OCT(8))
    _moved(
        again,
        ("reported", "verified", OCT(10)),
        ("verified", "report_returned", OCT(24)),
        ("report_returned", "reported", OCT(25)),
        ("reported", "verified", OCT(29)),
    )
    TargetFactory(programme=world.programme, metric="reach", value=1000)
    # a1, a2 and a4 of the fixture have no recorded history: counted by their status.
    replay = board(staff_member, today=OCT(26), date_to=OCT(26))
    assert replay.totals["activities"] == 4  # a1, a2, a4 and early
    assert replay.totals["attendance_total"] == 180 + 25
    reach_target = next(t for t in replay.targets if t.target.metric == "reach")
    assert reach_target.actual == 180 + 25
    assert sum(a.reach_raw for a in replay.areas) == 100 + 50 + 25  # a4 is online

    on_the_15th = board(staff_member, today=OCT(26), date_to=OCT(15))
    assert on_the_15th.totals["attendance_total"] == 180 + 25 + 9
    later = board(staff_member, today=datetime.date(2024, 11, 1), date_to=OCT(31))
    assert later.totals["activities"] == 6
    assert later.totals["attendance_total"] == 180 + 25 + 40 + 9
    # Without a date filter: what is verified now.
    assert board(staff_member).totals["activities"] == 6


def test_area_rows_add_up_to_the_totals_with_an_online_row(client, world, staff_member):
    """a4 (30 people, theme t2) was held online: it has its own row everywhere the
    kecamatan rows sit under a total, so the rows add up (3 activities, 180 people)."""
    summary = selectors.public_summary(office=world.office, threshold=0)
    assert summary.online is not None
    assert (summary.online.activities, summary.online.reach) == (1, 30)
    assert summary.online.cells == [(0, 0), (1, 30)]  # by theme: t1, t2
    assert sum(r.activities for r in summary.all_rows) == summary.total_activities == 3
    assert sum(r.reach for r in summary.all_rows) == summary.total_reach == 180

    page = client.get("/analitik/ringkasan/").content.decode()
    assert "Daring / tanpa kelurahan" in page
    data = client.get("/api/v1/analytics/summary").json()
    assert data["online"] == {
        "activities": 1,
        "reach": 30,
        "by_theme": [{"activities": 0, "reach": 0}, {"activities": 1, "reach": 30}],
    }
    assert sum(r["activities"] for r in data["kecamatan"]) + data["online"]["activities"] == 3
    sheet = load_workbook(io.BytesIO(client.get("/analitik/ringkasan/?format=xlsx").content))
    rows = {r[0]: r for r in sheet.active.iter_rows(values_only=True)}
    assert rows["Daring / tanpa kelurahan"][1:3] == (1, 30)

    d = board(staff_member)
    assert d.unplaced is not None and (d.unplaced.activities, d.unplaced.reach) == (1, 30)
    assert sum(a.activities for a in d.areas) + d.unplaced.activities == d.totals["activities"]
    login(client, staff_member)
    html = client.get("/analitik/").content.decode()
    assert '<tr class="unplaced">' in html
    areas = load_workbook(io.BytesIO(client.get("/analitik/ekspor/areas/").content)).active
    last = list(areas.iter_rows(values_only=True))[-1]
    assert last[1] == "Daring / tanpa kelurahan" and last[4:6] == (1, 30)


@pytest.mark.parametrize(
    ("value", "kind", "shown", "number"),
    [
        (77.55, "percent", "77,6", 77.6),  # half-up, not to even
        (77.58, "percent", "77,6", 77.6),  # rounded, not truncated
        (5.98, "rate", "5,98", 5.98),
        (5.1, "rate", "5,10", 5.1),  # the same decimals beside 5,98
        (2.675, "rate", "2,68", 2.68),  # as written, although the float is below it
        (0.125, "score", "0,13", 0.13),
        (1_887_881.5, "count", "1.887.882", 1_887_882),
    ],
)
def test_one_rounding_rule_per_kind(value, kind, shown, number):
    from django.utils import translation

    from mitra.core.numbers import figure, format_figure

    with translation.override("id"):
        assert format_figure(value, kind) == shown
    assert figure(value, kind) == number


def test_expected_progress_rounds_half_up():
    from mitra.analytics.scoring import Pace

    assert Pace(actual=0, target=5, expected=0.5, days_left=10).expected_value == 3  # not 2


def test_turnout_and_rates_read_the_same_on_page_export_and_reason(client, world, staff_member):
    from tests.analytics.factories import turnout

    turnout(office=world.office, code=SUKARASA, registered=10_000, voted=7_758)  # 77.58 %
    turnout(office=world.office, code=CIPAGANTI, registered=10_000, voted=6_000)
    login(client, staff_member)
    sheet = load_workbook(io.BytesIO(client.get("/analitik/ekspor/areas/").content)).active
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert rows["32.73.01"][8] == 77.6  # Sukasari (only Sukarasa has a turnout figure)
    area = client.get("/analitik/wilayah/32.73.01/").content.decode()
    assert "77,6 %" in area
    gaps = selectors.gaps(
        office=world.office, programme=world.programme, today=TODAY, partners_per_gap=0
    )
    sukasari = next(g for g in gaps if g.area_code == "32.73.01")
    assert "partisipasi 2018 77,6 %" in sukasari.reason  # was "77,5" (truncated)
    # Rates: Sukasari 150 people of 15,000 voters = 10 per 1,000, written "10,00"
    # on the page as beside any other rate, and 10.0 in the API.
    page = client.get("/analitik/").content.decode()
    assert "<td>10,00</td>" in page
    api = {r["code"]: r for r in client.get("/api/v1/analytics/areas").json()}
    assert api["32.73.01"]["reach_per_1000"] == 10.0


def test_small_cells_stay_hidden_in_rates_and_subtractions(client, world, observer_member):
    """Coblong gets 3 people: an observer sees "<5", and nothing else gives it away —
    not its rate per 1,000 voters, not the total minus the other rows, not the weekly
    trend's running totals."""
    activity(
        programme=world.programme,
        kelurahan=CIPAGANTI,
        attendance=3,
        themes=[world.t1],
        day=OCT(20),
    )
    d = board(observer_member)
    assert d.threshold == 5
    areas = {a.code: a for a in d.areas}
    assert areas["32.73.02"].reach == "<5"
    assert areas["32.73.02"].reach_per_1000 == "*"  # 3 / 20,000 voters would reveal the 3
    assert areas["32.73.01"].reach == 150  # the largest stays
    # 183 shown in total; 150 shown for Sukasari: the online row (30) is hidden too,
    # else 183 − 150 − 30 = 3.
    assert d.totals["attendance_total"] == 183
    assert d.unplaced is not None and d.unplaced.reach == "*"
    assert [(w.reach, w.cumulative_reach) for w in d.trend] == [
        (100, 100),
        ("*", "*"),  # 80 people that week: hidden with the small week after it
        ("<5", 183),
    ]

    login(client, observer_member)
    api = {r["code"]: r for r in client.get("/api/v1/analytics/areas").json()}
    assert (api["32.73.02"]["reach"], api["32.73.02"]["reach_per_1000"]) == ("<5", "*")
    sheet = load_workbook(io.BytesIO(client.get("/analitik/ekspor/areas/").content)).active
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True)}
    assert rows["Coblong"][5:7] == ("<5", "*")
    assert rows["Daring / tanpa kelurahan"][5] == "*"

    summary = selectors.public_summary(office=world.office)
    by_name = {r.name: r for r in summary.all_rows}
    assert by_name["Coblong"].reach == "<5" and by_name["Daring / tanpa kelurahan"].reach == "*"
    assert by_name["Sukasari"].reach == 150 and summary.total_reach == 183
    public = client.get("/api/v1/analytics/summary").json()
    assert public["online"]["reach"] == "*"


def test_a_lone_small_week_at_the_end_hides_one_more_week():
    from mitra.analytics.selectors import _protect_trend

    # Hidden: the small week and the smallest other; running totals shown only where
    # at least two hidden weeks lie since the last one shown.
    assert _protect_trend([100, 50, 200, 3], 5) == ({1, 3}, {1, 2})
    assert _protect_trend([3, 100, 2, 50, 1], 5) == ({0, 2, 3, 4}, {0, 1, 3})
    assert _protect_trend([10, 20], 5) == (set(), set())


def test_reported_and_measured_attendance_side_by_side(client, world, staff_member):
    """a1 reports 100 and has 60 check-ins (40 % apart); a2 reports 50 and has 45 (10 %);
    a4 has none: nothing to compare. a3 (not verified) has check-ins that do not count."""
    checkins(world.a1, 60)
    checkins(world.a2, 45)
    checkins(world.a3, 9)
    c = board(staff_member).attendance_check
    assert c is not None
    assert (c.activities, c.reported, c.measured, c.differing) == (2, 150, 105, 1)

    login(client, staff_member)
    with time_machine.travel(datetime.datetime(2024, 10, 26, 5, tzinfo=datetime.UTC)):
        page = client.get("/analitik/").content.decode()
        listing = client.get("/analitik/selisih-kehadiran/").content.decode()
        sheet = load_workbook(io.BytesIO(client.get("/analitik/ekspor/attendance/").content)).active
        api = client.get("/api/v1/analytics/dashboard").json()
    assert "dilaporkan 150 orang, terukur 105 check-in" in page
    assert 'href="/analitik/selisih-kehadiran/">1 kegiatan berselisih lebih dari 25 %' in page
    assert world.a1.title in listing and world.a2.title not in listing
    assert "-40,0 %" in listing
    values = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [2, 150, 105, 1]
    assert api["attendance_check"] == {
        "activities": 2,
        "reported": 150,
        "measured": 105,
        "differing": 1,
    }


def test_the_office_chooses_check_ins_as_reach_where_an_activity_has_them(
    client, world, staff_member
):
    checkins(world.a1, 60)  # reported 100
    assert board(staff_member).totals["attendance_total"] == 180  # default: the reports
    world.office.reach_source = "measured"
    world.office.save(update_fields=["reach_source"])
    d = board(staff_member)
    # a1 counts its 60 check-ins; a2 (50) and a4 (30) have none and keep their reports.
    assert d.totals["attendance_total"] == 140
    assert {a.code: a.reach for a in d.areas}["32.73.01"] == 110
    assert {r["label"]: r["attendance"] for r in d.by_segment}["Pemilih pemula"] == 90
    summary = selectors.public_summary(office=world.office, threshold=0)
    assert summary.total_reach == 140
    assert {r.name: r.reach for r in summary.all_rows}["Sukasari"] == 110
    areas = selectors.area_rows(
        office=world.office, programme=world.programme, filters=DashboardFilters()
    )
    assert {a.code: a.reach for a in areas}["32.73.01"] == 110
    gaps = selectors.gaps(
        office=world.office,
        programme=world.programme,
        filters=DashboardFilters(segment_id=world.pemula.pk),
        today=TODAY,
        partners_per_gap=0,
    )
    assert next(g for g in gaps if g.area_code == "32.73.01").reached == 60


def test_area_page_hides_a_small_activity_and_one_more(client, world, observer_member):
    """Sukasari's page shows its total (153) and each activity: the 3-person one as "<5",
    and the smallest other (a2, 50) as "*", else 153 − 100 − 50 = 3."""
    small = activity(programme=world.programme, kelurahan=SUKARASA, attendance=3, day=OCT(3))
    login(client, observer_member)
    html = client.get("/analitik/wilayah/32.73.01/").content.decode()
    rows = dict(
        re.findall(r"<td>(Kegiatan \d+)</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>", html)
    )
    assert rows == {world.a1.title: "100", world.a2.title: "*", small.title: "&lt;5"}
    assert "153" in html
