"""On the demo programme, the dashboard page, its XLSX exports, the API and the public
summary agree on every figure they share (one walk through all of them)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from mitra.accounts.models import Membership
from mitra.analytics import selectors
from mitra.demo.builder import demo_build
from mitra.demo.context import DemoContext
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _number(text: str) -> int:
    return int(text.replace(".", ""))


def _kpi(html: str, name: str) -> str:
    match = re.search(rf'data-kpi="{name}"><span class="kpi-value">(.*?)</span>', html, re.S)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _sheet(client, url: str) -> list[tuple]:
    response = client.get(url)
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_dashboard_xlsx_api_and_public_summary_agree_on_the_demo(client, settings):
    settings.ANALYTICS_CACHE_SECONDS = 0
    demo_build(DemoContext())
    staff = Membership.objects.get(user__email="staf@demo.mitra.id")
    d = selectors.dashboard(membership=staff)
    login(client, staff)
    html = client.get("/analitik/").content.decode()
    api = client.get("/api/v1/analytics/dashboard").json()

    # Headline: page, API and selectors.
    activities = d.totals["activities"]
    reach = d.totals["attendance_total"]
    assert _number(_kpi(html, "activities")) == api["totals"]["activities"] == activities
    assert _number(_kpi(html, "reach")) == api["totals"]["attendance_total"] == reach
    assert _number(_kpi(html, "checkins")) == api["checkins"] == d.checkins
    assert _kpi(html, "per1000") == f"{d.reach_per_1000:.2f}".replace(".", ",")
    assert api["reach_per_1000"] == d.reach_per_1000

    # Areas: XLSX rows, API rows and the page's table; with the online row they add up.
    rows = _sheet(client, "/analitik/ekspor/areas/")[1:]
    by_code = {r[0]: r for r in rows if r[0]}
    online = next(r for r in rows if not r[0])
    api_areas = {a["code"]: a for a in client.get("/api/v1/analytics/areas").json()}
    assert set(by_code) == set(api_areas) == {a.code for a in d.areas}
    for a in d.areas:
        row, out = by_code[a.code], api_areas[a.code]
        assert (row[4], row[5]) == (out["activities"], out["reach"]) == (a.activities, a.reach)
        assert row[6] == out["reach_per_1000"] == a.reach_per_1000
        assert row[7] == out["activities_per_10000"] == a.activities_per_10000
        if a.turnout is not None:
            assert row[8] == round(100 * a.turnout + 1e-9, 1)
        assert f"<td>{a.activities}</td>" in html or f"<td>{a.activities:,}</td>" in html
    assert online[4:6] == (api["unplaced"]["activities"], api["unplaced"]["reach"])
    assert sum(r[4] for r in rows) == activities
    assert sum(r[5] for r in rows) == reach

    # Breakdowns: the XLSX of each chart equals the API's rows.
    for name in ("segment", "theme", "method", "partner"):
        sheet = _sheet(client, f"/analitik/ekspor/{name}/")[1:]
        assert [(r[1], r[2]) for r in sheet] == [
            (r["activities"], r["attendance"]) for r in api[f"by_{name}"]
        ], name
    method_rows = _sheet(client, "/analitik/ekspor/method/")[1:]
    assert sum(r[1] for r in method_rows) == activities  # each activity has one method
    assert sum(r[2] for r in method_rows) == reach

    # Reported against measured attendance.
    check = _sheet(client, "/analitik/ekspor/attendance/")[1:]
    assert [r[1] for r in check] == [
        api["attendance_check"][k] for k in ("activities", "reported", "measured", "differing")
    ]

    # Public summary: page, XLSX and API, against the dashboard.
    client.logout()
    public = client.get("/api/v1/analytics/summary").json()
    page = client.get("/analitik/ringkasan/").content.decode()
    sheet = _sheet(client, "/analitik/ringkasan/?format=xlsx")[1:]
    assert public["activities"] == activities and public["reach"] == reach
    shown_reach = f"{reach:,}".replace(",", ".")
    assert f"{activities} kegiatan terverifikasi, {shown_reach} orang terjangkau" in page
    assert sum(r[1] for r in sheet) == activities
    assert (
        sum(r["activities"] for r in public["kecamatan"]) + public["online"]["activities"]
        == activities
    )
    dashboard_areas = {a.code: a for a in d.areas}
    for row in public["kecamatan"]:
        assert row["activities"] == dashboard_areas[row["code"]].activities
        if isinstance(row["reach"], int) and row["reach"] >= 5:
            assert row["reach"] == dashboard_areas[row["code"]].reach
    assert public["online"]["activities"] == api["unplaced"]["activities"]
