"""Pages and API: permissions by URL, query counts, exports, iCalendar, page weight."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from mitra.activities.models import Activity
from tests.activities.factories import ReportFactory
from tests.conftest import login
from tests.factories import MembershipFactory, PartnerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def test_list_and_calendar_for_staff(client, staff_member, make_activity):
    a = make_activity("submitted", title="Forum warga Sukasari")
    login(client, staff_member)
    page = client.get("/kegiatan/").content.decode()
    assert "Forum warga Sukasari" in page
    day = timezone.localdate(a.starts_at).isoformat()
    for view in ("month", "week"):
        cal = client.get(f"/kegiatan/kalender/?view={view}&date={day}").content.decode()
        assert "Forum warga Sukasari" in cal


def test_coordinator_sees_only_own_partner(
    client, coordinator_member, make_activity, other_partner
):
    make_activity("approved", title="Punya kami")
    make_activity("approved", title="Punya orang lain", partner_=other_partner)
    login(client, coordinator_member)
    page = client.get("/kegiatan/").content.decode()
    assert "Punya kami" in page and "Punya orang lain" not in page
    api = client.get("/api/v1/activities").json()
    assert [i["title"] for i in api["items"]] == ["Punya kami"]


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/kegiatan/{pk}/"),
        ("get", "/kegiatan/{pk}/ubah/"),
        ("get", "/kegiatan/{pk}/laporan/"),
        ("post", "/kegiatan/{pk}/laporan/"),
        ("get", "/kegiatan/{pk}/daftar-hadir/"),
        ("post", "/kegiatan/{pk}/foto/"),
        ("get", "/kegiatan/{pk}/foto/1/"),
        ("post", "/kegiatan/{pk}/foto/1/hapus/"),
        *[("post", f"/kegiatan/{{pk}}/aksi/{a}/") for a in ("submit", "held", "cancel", "approve")],
        ("get", "/api/v1/activities/{pk}"),
        *[
            ("post", f"/api/v1/activities/{{pk}}/{a}")
            for a in ("submit", "held", "cancel", "report", "approve", "verify", "return")
        ],
    ],
)
def test_coordinator_cannot_reach_another_partners_activity_by_any_url(
    client, coordinator_member, make_activity, other_partner, method, url
):
    activity = make_activity("draft", partner_=other_partner)
    login(client, coordinator_member)
    target = url.format(pk=activity.pk)
    if method == "post":
        response = client.post(target, data="{}", content_type="application/json")
        if not target.startswith("/api/"):
            response = client.post(target, {"comment": "x", "attendance_total": 5})
    else:
        response = client.get(target)
    assert response.status_code in (403, 404)
    activity.refresh_from_db()
    assert activity.status == "draft"


def test_observer_cannot_act_but_can_read(client, observer_member, make_activity):
    activity = make_activity("submitted")
    login(client, observer_member)
    assert client.get(f"/kegiatan/{activity.pk}/").status_code == 200
    assert client.post(f"/kegiatan/{activity.pk}/aksi/approve/").status_code == 403
    assert client.get("/kegiatan/antrean/").status_code == 403
    activity.refresh_from_db()
    assert activity.status == "submitted"


def test_anonymous_is_sent_to_login(client, make_activity):
    activity = make_activity("submitted")
    assert client.get(f"/kegiatan/{activity.pk}/").status_code == 302
    assert client.get("/api/v1/activities").status_code == 401


def test_queue_and_approve_from_it(client, staff_member, make_activity):
    proposal = make_activity("submitted", title="Usulan menunggu")
    reported = make_activity("reported", title="Laporan menunggu")
    ReportFactory(activity=reported)
    login(client, staff_member)
    page = client.get("/kegiatan/antrean/").content.decode()
    assert "Usulan menunggu" in page and "Laporan menunggu" in page
    # Dated yesterday: approved once staff confirm they saw the date has passed.
    response = client.post(
        f"/kegiatan/{proposal.pk}/aksi/approve/", {"next": "queue", "confirm_past": "1"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved"


def test_illegal_action_by_page_shows_the_message(client, staff_member, make_activity):
    activity = make_activity("draft")
    login(client, staff_member)
    response = client.post(f"/kegiatan/{activity.pk}/aksi/approve/", follow=True)
    assert "tidak dapat disetujui" in response.content.decode()


def test_overdue_page_has_whatsapp_link(client, staff_member, make_activity, partner):
    partner.whatsapp = "+628111222333"
    partner.save()
    make_activity("approved", days_ago=10, title="Terlambat lapor")
    login(client, staff_member)
    page = client.get("/kegiatan/terlambat/").content.decode()
    assert "Terlambat lapor" in page and "https://wa.me/628111222333?text=" in page


def test_staff_list_query_count_is_constant(
    client, staff_member, make_activity, django_assert_max_num_queries, themes, office
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    segments = [SegmentFactory(office=office) for _ in range(3)]

    def add(n: int) -> None:
        for i in range(n):
            a = make_activity("approved", partner_=PartnerFactory(office=office), days_ago=i)
            a.themes.set(themes)
            a.segments.set(segments)

    login(client, staff_member)
    add(3)
    client.get("/kegiatan/")  # warm the session and the filter's cached options
    # A query string not asked before: the list is rendered, not served from the cache.
    # Counted at once: a captured list reads the connection's log, which the next
    # request clears.
    with CaptureQueriesContext(connection) as captured:
        client.get("/kegiatan/?page=1")
    few = len(captured)
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/activities?limit=100")
    few_api = len(captured)
    add(60)
    # The writes replaced the office's generation in the figure cache, so the next page
    # reads the filter's options afresh; the one after is rendered like the first.
    client.get("/kegiatan/")
    with django_assert_max_num_queries(few):
        response = client.get("/kegiatan/?page=1")
    assert response.status_code == 200
    assert response.content.decode().count('class="card act"') == 50
    with django_assert_max_num_queries(few_api):
        client.get("/api/v1/activities?limit=100")
    assert few <= 11  # 9, and the header's unread count of the inbox
    # Asked again before any write: served from the cache, without the list's queries.
    with CaptureQueriesContext(connection) as captured:
        again = client.get("/kegiatan/?page=1")
    assert again.content.decode().count('class="card act"') == 50
    assert len(captured) <= few - 5


def _list_titles(client, query: str = "") -> list[str]:
    response = client.get(f"/kegiatan/{query}")
    assert response.status_code == 200
    return re.findall(
        r'<a href="/kegiatan/\d+/"><strong>([^<]*)</strong>', response.content.decode()
    )


def test_cached_list_shows_every_kind_of_write_on_the_next_request(
    client, staff_member, make_activity, themes, partner
):
    """The rendered list is kept per office until a write to what it shows: the
    activity, its themes, its partner's name, a theme's name."""
    a = make_activity("approved", title="Forum warga")
    login(client, staff_member)
    assert _list_titles(client) == ["Forum warga"]
    assert _list_titles(client) == ["Forum warga"]  # served from the cache
    a.title = "Forum warga RW 05"
    a.save(update_fields=["title"])
    assert _list_titles(client) == ["Forum warga RW 05"]
    make_activity("submitted", title="Diskusi pemilih muda", days_ago=0)
    assert _list_titles(client) == ["Diskusi pemilih muda", "Forum warga RW 05"]
    a.themes.set(themes[:1])
    assert (
        f'<span class="badge">{themes[0].name}</span>' in client.get("/kegiatan/").content.decode()
    )
    themes[0].name = "Tahapan pemilihan (baru)"
    themes[0].save(update_fields=["name"])
    assert "Tahapan pemilihan (baru)" in client.get("/kegiatan/").content.decode()
    partner.name = "Komunitas Baru"
    partner.save(update_fields=["name"])
    assert "Komunitas Baru" in client.get("/kegiatan/").content.decode()


def test_cached_list_is_never_shown_to_another_role_office_or_language(
    client, staff_member, coordinator_member, observer_member, make_activity, other_partner
):
    make_activity("approved", title="Punya kami")
    make_activity("approved", title="Punya orang lain", partner_=other_partner)
    login(client, staff_member)
    assert sorted(_list_titles(client)) == ["Punya kami", "Punya orang lain"]
    staff_page = client.get("/kegiatan/").content.decode()
    assert "Ajukan kegiatan" in staff_page
    # The coordinator of one partner: that partner's rows only, not the staff's copy.
    login(client, coordinator_member)
    assert _list_titles(client) == ["Punya kami"]
    # Another office's staff with the same query string: its own (empty) list.
    stranger = MembershipFactory(role="staff")
    login(client, stranger)
    assert _list_titles(client) == []
    # The observer has no right to propose: no proposal button from the staff's copy.
    login(client, observer_member)
    assert "Ajukan kegiatan" not in client.get("/kegiatan/").content.decode()
    # English: the same office and role, its own copy in its language.
    login(client, staff_member)
    client.cookies["django_language"] = "en"
    english = client.get("/kegiatan/").content.decode()
    assert "Propose an activity" in english and "Ajukan kegiatan" not in english


def test_filter_options_follow_writes_to_the_office(client, staff_member, office, make_activity):
    """The drop-downs' options are cached per office; a new partner or segment shows on
    the next page, and another office's never does."""
    login(client, staff_member)
    make_activity("approved")
    page = client.get("/kegiatan/").content.decode()
    assert "Karang Taruna Cempaka" not in page
    PartnerFactory(office=office, name="Karang Taruna Cempaka")
    SegmentFactory(office=office, name="Pemilih disabilitas netra")
    PartnerFactory(name="Mitra kantor lain")
    page = client.get("/kegiatan/").content.decode()
    assert "Karang Taruna Cempaka" in page and "Pemilih disabilitas netra" in page
    assert "Mitra kantor lain" not in page
    # A chosen option filters by its id, checked against the cached options.
    response = client.get("/kegiatan/", {"partner": "999999"})
    assert response.status_code == 200 and "partner" in response.context["form"].errors


def test_filters(client, staff_member, make_activity, methods, themes, office):
    kecamatan_kel = "32.73.01.1001"
    from mitra.regions.models import Region

    a = make_activity("approved", title="Dengan tema", method=methods["seminar"])
    a.themes.set([themes[0]])
    b = make_activity(
        "submitted", title="Di kelurahan", kelurahan=Region.objects.get(code=kecamatan_kel)
    )
    login(client, staff_member)

    def titles(query: str) -> set[str]:
        return {i["title"] for i in client.get(f"/api/v1/activities?{query}").json()["items"]}

    assert titles(f"theme={themes[0].code}") == {"Dengan tema"}
    assert titles("method=seminar") == {"Dengan tema"}
    assert titles("status=submitted") == {"Di kelurahan"}
    assert titles("kecamatan=32.73.01") == {"Di kelurahan"}
    day = timezone.localdate(b.starts_at)
    assert "Di kelurahan" in titles(f"date_from={day}&date_to={day}")
    page = client.get(f"/kegiatan/?theme={themes[0].pk}").content.decode()
    assert "Dengan tema" in page and "Di kelurahan" not in page


def test_export_csv_and_xlsx(client, staff_member, make_activity):
    make_activity("approved", title="Ekspor saya")
    login(client, staff_member)
    csv = b"".join(client.get("/kegiatan/?format=csv").streaming_content).decode()
    assert "Ekspor saya" in csv
    xlsx = client.get("/kegiatan/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_ical_feed_lists_only_approved_public_activities(client, make_activity, settings, office):
    settings.MITRA_PUBLIC_OFFICE = office.slug
    make_activity("approved", title="Publik; disetujui")
    make_activity("submitted", title="Belum disetujui")
    make_activity("approved", title="Tertutup", is_public=False)
    body = client.get("/kegiatan/kalender.ics").content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Publik\\; disetujui" in body
    assert "Belum disetujui" not in body and "Tertutup" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def _static_bytes(html: str) -> int:
    total = 0
    for ref in re.findall(r'(?:href|src)="/static/([^"]+)"', html):
        path = finders.find(ref.split("?")[0])
        if path and ref.endswith((".css", ".js")):
            total += Path(path).stat().st_size
    return total


def test_report_form_page_weight_under_150_kb(client, coordinator_member, make_activity, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    activity = make_activity("held")
    login(client, coordinator_member)
    html = client.get(f"/kegiatan/{activity.pk}/laporan/").content.decode()
    weight = len(html.encode()) + _static_bytes(html)
    assert "activities-draft.js" in html and "activities-upload.js" in html
    assert weight < 150 * 1024, weight


def test_report_by_page_then_verify(client, coordinator_member, staff_member, make_activity):
    activity = make_activity("approved")
    login(client, coordinator_member)
    response = client.post(
        f"/kegiatan/{activity.pk}/laporan/",
        {"attendance_total": 30, "women": 20, "men": 10, "notes": "Lancar"},
    )
    assert response.status_code == 302
    bad = client.post(f"/kegiatan/{activity.pk}/laporan/", {"attendance_total": 1})
    assert bad.status_code in (200, 302)
    login(client, staff_member)
    client.post(f"/kegiatan/{activity.pk}/aksi/verify/")
    activity.refresh_from_db()
    assert activity.status == "verified"


def test_report_form_shows_validation_error(client, coordinator_member, make_activity):
    activity = make_activity("held")
    login(client, coordinator_member)
    response = client.post(f"/kegiatan/{activity.pk}/laporan/", {"attendance_total": 5, "women": 9})
    assert response.status_code == 200
    assert "melebihi jumlah peserta" in response.content.decode()


def test_api_create_and_life_cycle(
    client, coordinator_member, staff_member, methods, programme, themes
):
    login(client, coordinator_member)
    starts = timezone.now() - datetime.timedelta(hours=3)
    payload = {
        "title": "Lewat API",
        "method": "diskusi",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
        "venue": "Balai RW",
        "themes": [themes[0].code],
    }
    created = client.post(
        "/api/v1/activities", json.dumps(payload), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["partner_id"] == coordinator_member.partner_id
    assert client.post(f"/api/v1/activities/{pk}/submit").json()["status"] == "submitted"
    refused = client.post(f"/api/v1/activities/{pk}/approve", "{}", content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    login(client, staff_member)
    illegal = client.post(f"/api/v1/activities/{pk}/verify", "{}", content_type="application/json")
    assert illegal.status_code == 400 and illegal.json()["code"] == "invalid_transition"
    assert (
        client.post(
            f"/api/v1/activities/{pk}/approve", "{}", content_type="application/json"
        ).json()["status"]
        == "approved"
    )
    login(client, coordinator_member)
    report = client.post(
        f"/api/v1/activities/{pk}/report",
        json.dumps({"attendance_total": 12, "women": 6, "men": 6}),
        content_type="application/json",
    )
    assert report.json()["status"] == "reported"
    assert report.json()["report"]["attendance_total"] == 12
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/activities/{activity_id}/approve" in schema["paths"]
    assert Activity.objects.get(pk=pk).transitions.count() == 4


def test_ical_events_link_to_the_public_activity_page(client, make_activity, settings, office):
    settings.MITRA_PUBLIC_OFFICE = office.slug
    settings.SITE_URL = "https://mitra.example.id/"
    activity = make_activity("approved", title="Forum warga")
    body = client.get("/kegiatan/kalender.ics").content.decode()
    unfolded = body.replace("\r\n ", "")
    url = f"https://mitra.example.id/agenda/{activity.pk}/"
    assert f"\r\nURL:{url}\r\n" in unfolded
    # the link leads to the public page of that very activity
    assert client.get(f"/agenda/{activity.pk}/").status_code == 200


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "ftp://files.example.org/a", "vbscript:x"]
)
def test_api_refuses_links_that_are_not_web_addresses(
    client, coordinator_member, methods, programme, url
):
    login(client, coordinator_member)
    starts = timezone.now() + datetime.timedelta(days=3)
    payload = {
        "title": "Diskusi daring",
        "method": "diskusi",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=1)).isoformat(),
        "is_online": True,
        "online_url": url,
    }
    response = client.post(
        "/api/v1/activities", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "online_url"


def test_review_queue_queries_do_not_grow_with_the_proposals(
    client, staff_member, make_activity, themes
):
    """Issue 19's staff lists: the approval queue reads its rows and their names in a fixed
    number of queries (no per-row work in the template)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, staff_member)
    client.get("/kegiatan/")  # the signed-in person and the options are read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/kegiatan/antrean/").status_code == 200
        return len(seen)

    for i in range(2):
        make_activity("submitted", title=f"Usulan {i}").themes.set(themes[:2])
        ReportFactory(activity=make_activity("reported", title=f"Laporan {i}"))
    few = queries()
    for i in range(2, 12):
        make_activity("submitted", title=f"Usulan {i}").themes.set(themes[:2])
        ReportFactory(activity=make_activity("reported", title=f"Laporan {i}"))
    assert queries() == few
