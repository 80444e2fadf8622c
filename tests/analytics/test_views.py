"""Pages, exports, SVG downloads, API: who may see what, and the figures agree."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mitra.analytics.models import Target, VoterCount
from tests.analytics.conftest import CIPAGANTI
from tests.analytics.factories import activity
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_staff_dashboard_renders_figures_and_ranked_table(client, world, staff_member):
    login(client, staff_member)
    response = client.get("/analitik/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dasbor cakupan" in html
    assert "tidak ada data" in html  # Babakan Ciparay has no voter figures
    assert "Batas wilayah belum diimpor" in html  # no boundaries: ranked table
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html


def test_dashboard_query_count_is_constant(client, world, staff_member, settings):
    settings.ANALYTICS_CACHE_SECONDS = 0  # the cost of computing the page, not of a cached copy
    login(client, staff_member)
    client.get("/analitik/")
    with CaptureQueriesContext(connection) as before:
        client.get("/analitik/")
    for _ in range(5):
        activity(
            programme=world.programme,
            kelurahan=CIPAGANTI,
            attendance=20,
            segments=[world.muda],
            themes=[world.t1],
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/analitik/")
    assert len(after) == len(before)


def test_export_agrees_with_the_page(client, world, observer_member):
    login(client, observer_member)
    response = client.get("/analitik/ekspor/segment/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1:] == [("Pemilih pemula", 2, 130), ("Pemilih muda", 1, 50)]
    areas = client.get("/analitik/ekspor/areas/?format=xlsx")
    area_rows = {
        r[0]: r for r in load_workbook(io.BytesIO(areas.content)).active.iter_rows(values_only=True)
    }
    assert area_rows["32.73.03"][3] == "tidak ada data"
    assert area_rows["32.73.01"][3:6] == (15000, 2, 150)


def test_api_agrees_with_selectors(client, world, staff_member):
    login(client, staff_member)
    data = client.get("/api/v1/analytics/dashboard").json()
    assert data["totals"]["activities"] == 3 and data["totals"]["attendance_total"] == 180
    areas = {a["code"]: a for a in client.get("/api/v1/analytics/areas").json()}
    assert areas["32.73.03"]["voters"] is None and areas["32.73.01"]["reach_per_1000"] == 10.0


def test_chart_downloads_are_svg(client, world, staff_member):
    login(client, staff_member)
    for name in ("segment", "theme", "method", "partner", "status", "trend"):
        response = client.get(f"/analitik/grafik/{name}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert response.content.startswith(b"<svg")
    assert client.get("/analitik/grafik/map.svg").status_code == 404  # no boundaries yet


def test_area_page_lists_its_verified_activities(client, world, staff_member):
    login(client, staff_member)
    html = client.get("/analitik/wilayah/32.73.01/").content.decode()
    assert world.a1.title in html and world.a2.title in html and world.a3.title not in html
    assert client.get("/analitik/wilayah/32.71.01/").status_code == 404  # outside the office


def test_coordinator_sees_only_partner_level_views(client, world, coordinator_member):
    login(client, coordinator_member)
    for url in (
        "/analitik/",
        "/analitik/celah/",
        "/analitik/ekspor/areas/?format=xlsx",
        "/analitik/grafik/segment.svg",
        "/analitik/target/",
        "/analitik/impor/voters/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/analytics/dashboard").status_code == 403
    assert client.get("/analitik/celah/mitra/").status_code == 200


def test_observer_reads_and_exports_but_changes_nothing(client, world, observer_member):
    login(client, observer_member)
    assert client.get("/analitik/").status_code == 200
    assert client.get("/analitik/celah/").status_code == 200
    assert client.get("/analitik/ekspor/gaps/?format=xlsx").status_code == 200
    assert client.get("/analitik/target/").status_code == 403
    assert client.post("/analitik/target/", {"metric": "reach", "value": 5}).status_code == 403
    upload = SimpleUploadedFile(
        "d.csv", b"kode,jumlah_pemilih,laki_laki,perempuan\n32.73.01.1001,2,1,1\n"
    )
    assert (
        client.post(
            "/analitik/impor/voters/", {"election": world.e1.pk, "file": upload}
        ).status_code
        == 403
    )
    assert Target.objects.count() == 0 and VoterCount.objects.count() == 3


def test_staff_import_flow_and_targets(client, world, staff_member):
    login(client, staff_member)
    assert client.get("/analitik/impor/voters/templat/")["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    upload = SimpleUploadedFile(
        "d.csv", b"kode,jumlah_pemilih,laki_laki,perempuan\n32.73.01.1001,2,1,1\n"
    )
    response = client.post("/analitik/impor/voters/", {"election": world.e1.pk, "file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert b"siap disimpan" in preview.content
    client.post(response["Location"] + "simpan/")
    assert list(VoterCount.objects.values_list("region_id", "voters_total")) == [
        ("32.73.01.1001", 2)
    ]
    response = client.post(
        "/analitik/target/", {"metric": "reach", "value": 500, "segment": world.pemula.pk}
    )
    assert response.status_code == 302 and Target.objects.get().value == 500


def test_public_summary_hides_small_cells(client, world):
    activity(programme=world.programme, kelurahan=CIPAGANTI, attendance=3, themes=[world.t1])
    html = client.get("/analitik/ringkasan/").content.decode()
    assert "&lt;5" in html
    data = client.get("/api/v1/analytics/summary").json()
    coblong = next(r for r in data["kecamatan"] if r["code"] == "32.73.02")
    assert coblong["reach"] == "<5"
    xlsx = client.get("/analitik/ringkasan/?format=xlsx")
    rows = {
        r[0]: r for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    }
    assert rows["Coblong"][2] == "<5"


def test_staff_edits_a_target_value_and_note(client, programme, staff_member):
    from tests.analytics.factories import TargetFactory

    target = TargetFactory(programme=programme, value=100, note="awal")
    login(client, staff_member)
    page = client.get(f"/analitik/target/{target.pk}/ubah/")
    assert page.status_code == 200 and 'value="100"' in page.content.decode()
    assert f"/analitik/target/{target.pk}/ubah/" in client.get("/analitik/target/").content.decode()
    response = client.post(f"/analitik/target/{target.pk}/ubah/", {"value": 250, "note": "naik"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.note, target.metric) == (250, "naik", "reach")
    # a turnout target stays a percentage: the service refuses and the form says why
    turnout_target = TargetFactory(programme=programme, metric="turnout", value=90)
    refused = client.post(f"/analitik/target/{turnout_target.pk}/ubah/", {"value": 150})
    assert refused.status_code == 200 and "persen" in refused.content.decode()
    turnout_target.refresh_from_db()
    assert turnout_target.value == 90


def test_target_edit_refuses_observers_coordinators_and_other_offices(
    client, programme, observer_member, coordinator_member
):
    from tests.analytics.factories import TargetFactory
    from tests.factories import MembershipFactory, OfficeFactory, ProgrammeFactory

    target = TargetFactory(programme=programme, value=100)
    url = f"/analitik/target/{target.pk}/ubah/"
    for member in (observer_member, coordinator_member):
        login(client, member)
        assert client.get(url).status_code == 403
        assert client.post(url, {"value": 5}).status_code == 403
    other_office = OfficeFactory()
    ProgrammeFactory(office=other_office)
    login(client, MembershipFactory(office=other_office, role="staff"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"value": 5}).status_code == 404
    target.refresh_from_db()
    assert target.value == 100
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
