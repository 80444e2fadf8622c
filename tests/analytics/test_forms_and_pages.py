"""The filter form, target errors under their field, the area page's hidden small counts."""

from __future__ import annotations

import datetime

import pytest

from mitra.analytics.forms import FilterForm
from mitra.analytics.selectors import DashboardFilters
from tests.analytics.conftest import CIPAGANTI
from tests.analytics.factories import TargetFactory, activity
from tests.conftest import login

pytestmark = pytest.mark.django_db

DATE_ORDER_ERROR = "Tanggal akhir tidak boleh sebelum tanggal awal."


def test_filter_form_refuses_an_end_date_before_the_start_date(world):
    form = FilterForm(
        {"date_from": "2024-10-10", "date_to": "2024-10-01", "segment": world.pemula.pk},
        programme=world.programme,
    )
    assert not form.is_valid()
    assert form.errors["date_to"] == [DATE_ORDER_ERROR]
    filters = form.filters()
    # The wrong end date is left out; the start date and the segment still apply.
    assert (filters.date_from, filters.date_to) == (datetime.date(2024, 10, 10), None)
    assert filters.segment_id == world.pemula.pk


def test_filter_form_keeps_the_valid_filters_when_one_is_invalid(world):
    form = FilterForm(
        {"election": 999_999, "theme": world.t2.pk, "level": "kelurahan"},
        programme=world.programme,
    )
    filters = form.filters()
    assert "election" in form.errors
    kept = (filters.election_id, filters.theme_id, filters.level)
    assert kept == (None, world.t2.pk, "kelurahan")


def test_dashboard_says_why_the_date_filter_was_refused(client, world, staff_member):
    login(client, staff_member)
    response = client.get("/analitik/?date_from=2024-10-10&date_to=2024-10-01")
    assert response.status_code == 200
    assert DATE_ORDER_ERROR in response.content.decode()


def test_unknown_map_level_reads_as_kecamatan():
    assert DashboardFilters(level="provinsi").level == "kecamatan"
    assert DashboardFilters(level="kelurahan").level == "kelurahan"


def test_target_value_refusal_is_shown_under_the_value_field(client, programme, staff_member):
    login(client, staff_member)
    created = client.post("/analitik/target/", {"metric": "turnout", "value": 150})
    assert created.status_code == 200
    assert "persen" in " ".join(created.context["form"].errors["value"])
    target = TargetFactory(programme=programme, metric="turnout", value=90)
    edited = client.post(f"/analitik/target/{target.pk}/ubah/", {"value": 150})
    assert edited.status_code == 200
    form = edited.context["form"]
    assert "persen" in " ".join(form.errors["value"]) and not form.non_field_errors()


def test_area_page_hides_small_attendance_from_observers(
    client, world, staff_member, observer_member
):
    small = activity(programme=world.programme, kelurahan=CIPAGANTI, attendance=3)
    login(client, observer_member)
    html = client.get("/analitik/wilayah/32.73.02/").content.decode()
    assert small.title in html and "<td>&lt;5</td>" in html
    login(client, staff_member)
    html = client.get("/analitik/wilayah/32.73.02/").content.decode()
    assert "<td>3</td>" in html and "&lt;5" not in html
