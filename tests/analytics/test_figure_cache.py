"""The dashboard page is computed once per change of what it shows (analytics/figure_cache.py):
every kind of write that changes a figure shows on the next request, nothing stale is
served, and copies differ by language, day, filters and role."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mitra.activities.models import Activity, Report
from mitra.analytics import figure_cache
from mitra.analytics import services as analytics_services
from mitra.checkin.models import CheckIn
from mitra.partners.models import Partner
from mitra.regions import services as region_services
from tests.analytics.conftest import CIPAGANTI, GEGERKALONG, SUKARASA
from tests.analytics.factories import activity
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _kpi(html: str, name: str) -> str:
    """The value shown in one KPI tile of the dashboard."""
    marker = f'data-kpi="{name}"><span class="kpi-value">'
    if marker not in html:  # the days tile spreads over lines
        marker = f'data-kpi="{name}">\n'
    start = html.index(marker) + len(marker)
    value = html[start : html.index("</span>", start)]
    return value.split(">")[-1].strip()


def _main(html: str) -> str:
    """The page's own content (the layout around it carries per-request tokens)."""
    return html[html.index("<h1>") : html.index("</main>")]


def _page(client, query: str = "") -> str:
    response = client.get(f"/analitik/{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def staff_client(client, world, staff_member, settings):
    settings.ANALYTICS_CACHE_SECONDS = 600
    login(client, staff_member)
    return client


def test_a_repeated_request_is_served_without_recomputing(staff_client):
    with CaptureQueriesContext(connection) as first:
        html = _page(staff_client)
    with CaptureQueriesContext(connection) as second:
        again = _page(staff_client)
    assert _main(again) == _main(html)
    assert len(second) < len(first) - 10  # only the session, user and membership are read


def test_a_verified_report_changes_the_next_page(staff_client, world):
    assert _kpi(_page(staff_client), "activities") == "3"
    activity(programme=world.programme, kelurahan=SUKARASA, attendance=40, segments=[world.muda])
    html = _page(staff_client)
    assert _kpi(html, "activities") == "4"
    assert _kpi(html, "reach") == "220"  # 100 + 50 + 30 + 40


def test_status_change_and_report_edit_show_at_once(staff_client, world):
    _page(staff_client)
    world.a3.status = "verified"  # the reported activity is verified
    world.a3.save(update_fields=["status"])
    assert _kpi(_page(staff_client), "activities") == "4"
    report = Report.objects.get(activity=world.a1)
    report.attendance_total = 1_100
    report.save()
    assert _kpi(_page(staff_client), "reach") == "1.250"  # 1,100 + 50 + 70 + 30


def test_segments_changed_on_an_activity_show_at_once(staff_client, world):
    query = f"?segment={world.muda.pk}"
    assert _kpi(_page(staff_client, query), "activities") == "1"
    world.a1.segments.add(world.muda)
    assert _kpi(_page(staff_client, query), "activities") == "2"


def test_a_check_in_shows_at_once(staff_client, world):
    _page(staff_client)
    CheckIn.objects.create(
        activity=world.a1, office=world.office, how="tally", scanned_at=timezone.now(), nonce="n1"
    )
    assert _kpi(_page(staff_client), "checkins") == "1"


def test_a_partner_activated_shows_at_once(staff_client, world):
    before = int(_kpi(_page(staff_client), "partners"))
    Partner.objects.filter(pk=world.partner.pk).update(status="inactive")  # no signal…
    assert int(_kpi(_page(staff_client), "partners")) == before  # …so the copy stays
    partner = Partner.objects.get(pk=world.partner.pk)
    partner.save()  # a save through the model is seen
    assert int(_kpi(_page(staff_client), "partners")) == before - 1


def test_a_voter_import_shows_at_once(staff_client, world, staff_member):
    assert "DPT 35.000" in _page(staff_client)
    content = "\n".join(
        [
            "kode,jumlah_pemilih,laki_laki,perempuan",
            f"{SUKARASA},12000,6000,6000",
            f"{GEGERKALONG},5000,2500,2500",
            f"{CIPAGANTI},20000,10000,10000",
        ]
    ).encode()
    batch = analytics_services.figures_import_preview(
        membership=staff_member,
        kind="voters",
        upload=SimpleUploadedFile("dpt.csv", content, content_type="text/csv"),
        election=world.e1,
    )
    assert not batch.errors
    analytics_services.figures_import_confirm(membership=staff_member, batch_id=batch.pk)
    assert "DPT 37.000" in _page(staff_client)


def test_a_boundary_import_shows_the_map_at_once(staff_client):
    assert "Batas wilayah belum diimpor" in _page(staff_client)
    square = [[[107.59, -6.87], [107.60, -6.87], [107.60, -6.86], [107.59, -6.87]]]
    features = [
        {
            "type": "Feature",
            "properties": {"kode": code},
            "geometry": {"type": "Polygon", "coordinates": square},
        }
        for code in ("32.73.01", "32.73.02")
    ]
    region_services.boundaries_import(
        raw=json.dumps({"type": "FeatureCollection", "features": features}).encode()
    )
    assert "Batas wilayah belum diimpor" not in _page(staff_client)


def test_copies_differ_by_language_and_role(staff_client, client, world, observer_member):
    assert "Dasbor cakupan" in _page(staff_client)
    staff_client.cookies["django_language"] = "en"
    assert "Coverage dashboard" in _page(staff_client)
    activity(programme=world.programme, kelurahan=SUKARASA, attendance=3)
    staff_client.cookies["django_language"] = "id"
    staff_html = _page(staff_client)
    login(client, observer_member)
    observer_html = _page(client)
    assert "&lt;5" not in staff_html  # staff may see small counts
    assert "&lt;5" in observer_html  # observers see them hidden


def test_copies_differ_by_day(staff_client, world):
    # Two minutes apart across midnight before voting day (27 Nov 2024): well within the
    # copy's lifetime, so a copy kept without the day in its key would still say 32.
    before = datetime.datetime(2024, 10, 26, 23, 59, tzinfo=timezone.get_default_timezone())
    with time_machine.travel(before, tick=False):
        first = _kpi(_page(staff_client), "days")
    with time_machine.travel(before + datetime.timedelta(minutes=2), tick=False):
        second = _kpi(_page(staff_client), "days")
    assert (first, second) == ("32", "31")


def test_a_lost_generation_never_brings_back_an_old_copy(staff_client, world):
    html = _page(staff_client)
    Activity.objects.filter(pk=world.a2.pk).update(status="draft")  # no signal
    assert _main(_page(staff_client)) == _main(html)
    cache.delete(f"analytics:generation:{world.office.pk}")  # e.g. evicted from Redis
    assert _kpi(_page(staff_client), "activities") == "2"


def test_without_a_shared_cache_every_page_is_computed(staff_client, world, settings):
    settings.ANALYTICS_CACHE_SECONDS = 0
    assert _kpi(_page(staff_client), "activities") == "3"
    Activity.objects.filter(pk=world.a2.pk).update(status="draft")  # no signal
    assert _kpi(_page(staff_client), "activities") == "2"
    assert not figure_cache.enabled()


def test_public_summary_is_shared_and_follows_writes(client, world):
    with CaptureQueriesContext(connection) as first:
        html = client.get("/analitik/ringkasan/").content.decode()
    assert "3 kegiatan terverifikasi, 180 orang terjangkau" in html  # a1, a2, a4
    with CaptureQueriesContext(connection) as second:
        assert client.get("/analitik/ringkasan/").status_code == 200
    second_count = len(second)  # counted now: the next request clears the connection's log
    assert second_count < len(first)
    assert second_count <= 1  # the whole page is shared: only the public office's id is read
    activity(programme=world.programme, kelurahan=CIPAGANTI, attendance=20)
    html = client.get("/analitik/ringkasan/").content.decode()
    assert "4 kegiatan terverifikasi, 200 orang terjangkau" in html
    client.cookies["django_language"] = "en"  # a copy per language
    english = client.get("/analitik/ringkasan/").content.decode()
    assert "4 verified activities, 200 people reached" in english
    assert "\u2063" not in html + english  # no placeholder left for a per-request value


def test_a_cache_outage_fails_neither_the_page_nor_the_write(staff_client, world, monkeypatch):
    def down(*_args, **_kwargs):
        raise ConnectionError("cache unreachable")

    for method in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(figure_cache.cache, method, down)
    activity(programme=world.programme, kelurahan=SUKARASA, attendance=40)  # signals run
    assert _kpi(_page(staff_client), "activities") == "4"  # computed without the cache


def test_office_tokens_are_read_once_a_request_and_afresh_after_its_own_write(office):
    from mitra.core import office_cache

    with office_cache.request_scope():
        first = office_cache.generation(office.pk)
        # Another process's write meanwhile: this request keeps the moment it started from.
        cache.set(office_cache.generation_key(office.pk), "replaced-elsewhere", timeout=None)
        assert office_cache.generation(office.pk) == first
        figure_cache.figures_changed(office.pk)  # a write in this request: read afresh
        second = office_cache.generation(office.pk)
        assert second not in (first, "")
        assert "replaced-elsewhere" not in second
    cache.set(office_cache.generation_key(office.pk), "later", timeout=None)
    assert office_cache.generation(office.pk).endswith("-later")  # outside a request: each read
