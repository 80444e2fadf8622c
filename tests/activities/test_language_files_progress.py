"""Flash messages in the reader's language, the photo form's offline message, cheap file
lookups, partner progress figures, the overdue page's rules."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mitra.activities import selectors, services
from mitra.activities.photos import make_jpeg
from mitra.activities.services import PostInput
from tests.conftest import login
from tests.partners.factories import AgreementFactory, DeliverableFactory

pytestmark = pytest.mark.django_db


def test_action_message_follows_the_language_cookie(client, coordinator_member, make_activity):
    activity = make_activity("draft")
    login(client, coordinator_member)
    client.cookies["django_language"] = "en"
    page = client.post(f"/kegiatan/{activity.pk}/aksi/submit/", follow=True).content.decode()
    assert "Activity submitted." in page and "Kegiatan diajukan." not in page


def test_photo_form_carries_the_offline_message(client, coordinator_member, make_activity):
    activity = make_activity("held")
    login(client, coordinator_member)
    html = client.get(f"/kegiatan/{activity.pk}/laporan/").content.decode()
    tag = re.search(r"<form[^>]*id=\"photo-form\"[^>]*>", html)
    assert tag is not None
    assert 'data-offline="koneksi terputus, coba lagi"' in tag.group(0)


def _photo() -> SimpleUploadedFile:
    upload = SimpleUploadedFile("foto.jpg", make_jpeg(), content_type="image/jpeg")
    upload.checked_kind = "jpeg"  # type: ignore[attr-defined]
    return upload


def test_photo_and_sheet_take_one_lookup_and_stay_private(
    client,
    coordinator_member,
    other_coordinator,
    make_activity,
    media,
    django_assert_max_num_queries,
):
    activity = make_activity("held")
    evidence = services.evidence_add(
        membership=coordinator_member, activity_id=activity.pk, photo=_photo()
    )
    sheet = SimpleUploadedFile("hadir.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    sheet.checked_kind = "pdf"  # type: ignore[attr-defined]
    services.report_submit(
        membership=coordinator_member,
        activity_id=activity.pk,
        attendance_total=10,
        attendance_sheet=sheet,
    )
    photo_url = f"/kegiatan/{activity.pk}/foto/{evidence.pk}/"
    sheet_url = f"/kegiatan/{activity.pk}/daftar-hadir/"
    login(client, coordinator_member)
    client.get("/kegiatan/")  # session and membership loaded once before counting
    for url in (photo_url, sheet_url):
        # session, user, membership, then the file's own lookup
        with django_assert_max_num_queries(5):
            assert client.get(url).status_code == 200
    assert client.get(f"/kegiatan/{activity.pk}/foto/{evidence.pk + 1}/").status_code == 404
    login(client, other_coordinator)
    for url in (photo_url, sheet_url):
        assert client.get(url).status_code == 404


def test_partner_progress_counts_what_reach_totals_counts(
    make_activity, coordinator_member, staff_member, partner, themes
):
    start = timezone.localdate() - datetime.timedelta(days=30)
    agreement = AgreementFactory.create(
        partner=partner, valid_from=start, valid_until=start + datetime.timedelta(days=60)
    )
    for metric in ("activities_count", "reach", "online_posts"):
        DeliverableFactory(agreement=agreement, metric=metric, target=10, theme=themes[0])
    for total, reach in ((20, 300), (15, 0)):
        activity = make_activity("held")
        activity.themes.set([themes[0]])
        posts = [PostInput(url="https://x.test/p", platform="instagram", reach=reach)]
        services.report_submit(
            membership=coordinator_member,
            activity_id=activity.pk,
            attendance_total=total,
            posts=posts if reach else (),
        )
        services.report_verify(membership=staff_member, activity_id=activity.pk)
    make_activity("held").themes.set([themes[0]])  # not verified: does not count
    filters = selectors.ActivityFilters(
        theme_id=themes[0].pk, date_from=agreement.valid_from, date_to=agreement.valid_until
    )
    totals = selectors.reach_totals(office=partner.office_id, filters=filters, partner=partner)
    done = {
        row["metric"]: row["done"]
        for row in selectors.partner_progress(partner=partner, agreement=agreement)
    }
    assert done == {
        "activities_count": totals["activities"],
        "reach": totals["attendance_total"] + totals["online_reach"],
        "online_posts": totals["online_posts"],
    }
    assert done == {"activities_count": 2, "reach": 335, "online_posts": 1}


def test_overdue_page_states_the_due_days_and_reminder_steps(client, staff_member):
    login(client, staff_member)
    page = client.get("/kegiatan/terlambat/").content.decode()
    assert (
        "Laporan wajib dikirim paling lambat 3 hari setelah kegiatan. Pengingat email "
        "terkirim otomatis pada hari ke-3 dan ke-7 keterlambatan."
    ) in page


def test_detail_shows_attendance_and_report_link_by_status(
    client, coordinator_member, make_activity
):
    login(client, coordinator_member)
    draft = client.get(f"/kegiatan/{make_activity('draft').pk}/").content.decode()
    held = client.get(f"/kegiatan/{make_activity('held').pk}/").content.decode()
    assert "checkin-live" not in draft and "/laporan/" not in draft
    assert "checkin-live" in held and "/laporan/" in held
