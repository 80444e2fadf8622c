"""The public site a commission would publish: office branding, link previews with a
picture, partner pages, the agenda by page, month and iCal, registration on the activity
page, and names in English when English is chosen."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import icalendar
import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from mitra.checkin.models import Registration, RegistrationStatus
from mitra.offices.models import Office
from mitra.portal.demo import demo_png
from tests.checkin.factories import CheckinPointFactory
from tests.conftest import login
from tests.factories import (
    ElectionFactory,
    PartnerFactory,
    ProgrammeFactory,
    StageFactory,
    ThemeFactory,
)

from .factories import ActivityFactory, ArticleFactory, stored_png

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 14, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def site(settings, office, media):
    settings.MITRA_PUBLIC_OFFICE = office.slug
    settings.SITE_URL = "https://mitra.example.id"
    return office


def _with_share_image(office: Office) -> Office:
    office.share_image = stored_png()
    office.share_image_alt = "Logo KPU di atas latar merah"
    office.save()
    return office


def _og_image(html: str) -> str | None:
    found = re.search(r'<meta property="og:image" content="([^"]+)">', html)
    return found.group(1) if found else None


# --- og:image ------------------------------------------------------------------------------


def test_article_preview_shows_the_articles_own_image(client, site):
    _with_share_image(site)
    article = ArticleFactory(office=site, image=stored_png(), image_alt="Spanduk")
    html = client.get(f"/berita/{article.slug}/").content.decode()
    assert _og_image(html) == f"https://mitra.example.id/berita/{article.slug}/gambar"
    assert '<meta property="og:image:alt" content="Spanduk">' in html
    assert '<meta property="og:title" content="' + article.title + '">' in html


def test_article_without_image_and_activity_page_fall_back_to_the_office_share_image(
    client, site, programme
):
    office = _with_share_image(site)
    article = ArticleFactory(office=office)
    activity = ActivityFactory(programme=programme, title="Forum warga")
    expected = "https://mitra.example.id" + office.share_image_path
    for url in (f"/berita/{article.slug}/", f"/agenda/{activity.pk}/", "/agenda/", "/"):
        html = client.get(url).content.decode()
        assert _og_image(html) == expected, url
    activity_html = client.get(f"/agenda/{activity.pk}/").content.decode()
    assert '<meta property="og:title" content="Forum warga">' in activity_html
    assert "Logo KPU di atas latar merah" in activity_html
    # the picture the preview names is really served
    image = client.get(office.share_image_path)
    assert image.status_code == 200 and "public" in image["Cache-Control"]


def test_without_any_image_no_og_image_is_claimed(client, site, programme):
    activity = ActivityFactory(programme=programme)
    html = client.get(f"/agenda/{activity.pk}/").content.decode()
    assert _og_image(html) is None
    assert '<meta name="twitter:card" content="summary">' in html


# --- Partner pages -------------------------------------------------------------------------


def test_partner_page_shows_profile_and_only_public_approved_activities(client, site, programme):
    partner = PartnerFactory(
        office=site,
        name="Karang Taruna Cibiru",
        description="Pemuda Cibiru.",
        contact_name="Budi Koordinator",
        email="budi@example.org",
        whatsapp="+6281234567890",
    )
    ActivityFactory(programme=programme, partner=partner, title="Diskusi terbuka")
    ActivityFactory(programme=programme, partner=partner, title="Rapat internal", is_public=False)
    ActivityFactory(programme=programme, partner=partner, title="Usulan baru", status="submitted")
    ActivityFactory(programme=programme, title="Kegiatan mitra lain")
    directory = client.get("/direktori-mitra/").content.decode()
    assert f'<a href="/direktori-mitra/{partner.pk}/">Karang Taruna Cibiru</a>' in directory
    html = client.get(f"/direktori-mitra/{partner.pk}/").content.decode()
    assert "Pemuda Cibiru." in html and "Diskusi terbuka" in html
    for hidden in ("Rapat internal", "Usulan baru", "Kegiatan mitra lain"):
        assert hidden not in html
    # the coordinator's personal data stays private (no WhatsApp without the opt-in)
    for private in ("Budi Koordinator", "budi@example.org", "81234567890"):
        assert private not in html


def test_inactive_or_other_offices_partner_has_no_page(client, site):
    ended = PartnerFactory(office=site, status="ended")
    other = PartnerFactory()
    assert client.get(f"/direktori-mitra/{ended.pk}/").status_code == 404
    assert client.get(f"/direktori-mitra/{other.pk}/").status_code == 404


# --- Agenda: pages, month, iCal ------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_agenda_is_paginated_and_keeps_its_filters(client, site, programme):
    theme = ThemeFactory(programme=programme, code="tahapan", name="Tahapan")
    for day in range(25):
        a = ActivityFactory(
            programme=programme,
            title=f"Agenda {day:02d}",
            starts_at=NOW + datetime.timedelta(days=day + 1),
        )
        a.themes.add(theme)
    first = client.get("/agenda/", {"tema": "tahapan"}).content.decode()
    assert "Agenda 00" in first and "Agenda 19" in first and "Agenda 20" not in first
    assert "tema=tahapan&amp;halaman=2" in first
    second = client.get("/agenda/", {"tema": "tahapan", "halaman": 2}).content.decode()
    assert "Agenda 20" in second and "Agenda 24" in second and "Agenda 19" not in second
    assert "/agenda/kalender.ics?tema=tahapan" in first


@time_machine.travel(NOW, tick=False)
def test_month_view_puts_activities_on_their_local_day(client, site, programme):
    # 23:30 UTC on 19 October is 06:30 on 20 October in Jakarta
    ActivityFactory(
        programme=programme,
        title="Senam pagi pemilih",
        starts_at=datetime.datetime(2026, 10, 19, 23, 30, tzinfo=datetime.UTC),
    )
    ActivityFactory(
        programme=programme,
        title="Bulan depan",
        starts_at=datetime.datetime(2026, 11, 3, 3, 0, tzinfo=datetime.UTC),
    )
    html = client.get("/agenda/bulan/", {"bulan": "2026-10"}).content.decode()
    assert '<a href="#hari-2026-10-20" class="day-count">1' in html
    assert 'id="hari-2026-10-20"' in html and "Senam pagi pemilih" in html
    assert "Bulan depan" not in html
    assert "?bulan=2026-11" in html and "?bulan=2026-09" in html
    # this month by default; a bad month is this month too, never an error
    assert "Senam pagi pemilih" in client.get("/agenda/bulan/").content.decode()
    assert client.get("/agenda/bulan/", {"bulan": "2026-13"}).status_code == 200
    assert client.get("/agenda/bulan/", {"bulan": "9999-01"}).status_code == 404


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_ical_feed_parses_and_keeps_the_agenda_filters(client, site, programme):
    theme = ThemeFactory(programme=programme, code="tahapan", name="Tahapan")
    starts = timezone.now() + datetime.timedelta(days=3)
    kept = ActivityFactory(programme=programme, title="Kelas tahapan", starts_at=starts)
    kept.themes.add(theme)
    ActivityFactory(programme=programme, title="Tanpa tema")
    ActivityFactory(programme=programme, title="Tertutup", is_public=False)
    response = client.get("/agenda/kalender.ics", {"tema": "tahapan"})
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    assert list(events) == ["Kelas tahapan"]
    event = events["Kelas tahapan"]
    assert (
        event.decoded("dtstart") == starts.replace(microsecond=0)
        or event.decoded("dtstart") == starts
    )
    assert str(event["url"]) == f"https://mitra.example.id/agenda/{kept.pk}/"
    everything = _events(client.get("/agenda/kalender.ics").content)
    assert set(everything) == {"Kelas tahapan", "Tanpa tema"}


def test_one_activity_as_an_ical_event(client, site, programme):
    activity = ActivityFactory(programme=programme, title="Diskusi; pemilih, muda")
    hidden = ActivityFactory(programme=programme, is_public=False)
    events = _events(client.get(f"/agenda/{activity.pk}/kalender.ics").content)
    assert list(events) == ["Diskusi; pemilih, muda"]
    assert client.get(f"/agenda/{hidden.pk}/kalender.ics").status_code == 404
    page = client.get(f"/agenda/{activity.pk}/").content.decode()
    assert f'href="/agenda/{activity.pk}/kalender.ics"' in page


# --- Registration on the activity page -----------------------------------------------------


def _form_action(html: str) -> str:
    found = re.search(r'<form method="post" action="([^"]+)" class="checkin-form"', html)
    assert found, "no registration form on the page"
    return found.group(1)


def test_registering_on_the_activity_page_fills_seats_then_the_waiting_list(
    client, site, programme
):
    activity = ActivityFactory(programme=programme, title="Kelas pemilih pemula")
    CheckinPointFactory(activity=activity, requires_registration=True, capacity=1)
    url = f"/agenda/{activity.pk}/"
    page = client.get(url).content.decode()
    assert 'data-seats-left="1"' in page and "Sisa 1 tempat dari 1." in page
    action = _form_action(page)
    assert action == f"/hadir/kegiatan-publik/{activity.pk}/daftar/"
    first = client.post(action, {"name": "", "email": "", "phone": ""})
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert first.status_code == 302 and first["Location"] == f"/hadir/tiket/{registration.secret}/"
    page = client.get(url).content.decode()
    assert 'data-seats-left="0"' in page
    assert "Kuota sudah penuh" in page and "Masuk daftar tunggu" in page
    second = client.post(
        _form_action(page), {"name": "Siti", "email": "siti@example.org", "consent": "on"}
    )
    waiting = Registration.objects.exclude(pk=registration.pk).get()
    assert second.status_code == 302 and waiting.status == RegistrationStatus.WAITING
    assert "1 orang di daftar tunggu." in client.get(url).content.decode()


def test_activity_page_is_kept_for_visitors_until_a_write_to_what_it_shows(
    client, site, programme, staff_member, django_assert_num_queries
):
    partner = PartnerFactory(office=site, name="Komunitas Lama")
    activity = ActivityFactory(programme=programme, partner=partner, title="Kelas pemilih pemula")
    point = CheckinPointFactory(activity=activity, requires_registration=True, capacity=5)
    url = f"/agenda/{activity.pk}/"
    assert "Sisa 5 tempat dari 5." in client.get(url).content.decode()
    with django_assert_num_queries(0):  # served from the cache: no query at all
        again = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)
    assert token and "MITRA" not in token.group(1)  # this request's CSRF token put in
    activity.title = "Kelas pemilih pemula (tempat baru)"
    activity.save(update_fields=["title"])
    assert "Kelas pemilih pemula (tempat baru)" in client.get(url).content.decode()
    point.capacity = 8
    point.save(update_fields=["capacity"])
    assert "Sisa 8 tempat dari 8." in client.get(url).content.decode()
    partner.name = "Komunitas Baru"
    partner.save(update_fields=["name"])
    assert "Komunitas Baru" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"  # another language: its own copy
    assert "8 places left of 8." in client.get(url).content.decode()
    del client.cookies["django_language"]
    login(client, staff_member)  # signed in: a page of one's own, not the visitors' copy
    assert "Ruang kerja" in client.get(url).content.decode()
    other = ActivityFactory(programme=ProgrammeFactory())  # another office's activity
    assert client.get(f"/agenda/{other.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/agenda/{other.pk}/").status_code == 404


def test_registration_errors_are_shown_with_the_form(client, site, programme):
    activity = ActivityFactory(programme=programme)
    CheckinPointFactory(activity=activity, requires_registration=True)
    action = _form_action(client.get(f"/agenda/{activity.pk}/").content.decode())
    response = client.post(action, {"name": "Tanpa persetujuan"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Centang persetujuan bila Anda mengisi nama atau kontak." in html
    assert 'name="name" value="Tanpa persetujuan"' in html  # nothing typed is lost
    assert not Registration.objects.exists()


def test_no_registration_for_activities_that_take_none_or_are_not_public(client, site, programme):
    plain = ActivityFactory(programme=programme)
    CheckinPointFactory(activity=plain, requires_registration=False)
    hidden = ActivityFactory(programme=programme, is_public=False)
    CheckinPointFactory(activity=hidden, requires_registration=True)
    assert "checkin-form" not in client.get(f"/agenda/{plain.pk}/").content.decode()
    for activity in (plain, hidden):
        response = client.post(f"/hadir/kegiatan-publik/{activity.pk}/daftar/", {"name": ""})
        assert response.status_code == 404
    assert client.post(f"/agenda/{plain.pk}/").status_code == 405
    assert not Registration.objects.exists()


def test_self_checkin_link_shows_only_while_the_window_is_open(client, site, programme):
    activity = ActivityFactory(programme=programme, starts_at=NOW + datetime.timedelta(hours=3))
    point = CheckinPointFactory(activity=activity, opens_before_minutes=60)
    link = f'href="/hadir/{point.token}/"'
    with time_machine.travel(NOW, tick=False):
        assert link not in client.get(f"/agenda/{activity.pk}/").content.decode()
    with time_machine.travel(NOW + datetime.timedelta(hours=2, minutes=30), tick=False):
        assert link in client.get(f"/agenda/{activity.pk}/").content.decode()


def test_activity_page_has_share_links_to_itself(client, site, programme):
    activity = ActivityFactory(programme=programme, title="Forum warga")
    html = client.get(f"/agenda/{activity.pk}/").content.decode()
    assert "https://wa.me/?text=Forum+warga+https%3A%2F%2Fmitra.example.id%2Fagenda%2F" in html
    assert "https://x.com/intent/tweet?url=https%3A%2F%2Fmitra.example.id%2Fagenda%2F" in html
    assert "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fmitra.example.id" in html


# --- English names -------------------------------------------------------------------------


def test_names_are_english_when_english_is_chosen_and_indonesian_otherwise(client, site, programme):
    theme = ThemeFactory(programme=programme, name="Pemilih cerdas", name_en="Informed voters")
    plain = ThemeFactory(programme=programme, code="lain", name="Tanpa terjemahan")
    election = ElectionFactory(
        programme=programme, office=site, short_name="Pilwalkot", short_name_en="Mayoral"
    )
    StageFactory(
        election=election,
        name="Masa tenang",
        name_en="Quiet period",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    activity = ActivityFactory(programme=programme)
    activity.themes.add(theme, plain)
    indonesian = client.get(f"/agenda/{activity.pk}/").content.decode()
    assert "Pemilih cerdas" in indonesian and "Informed voters" not in indonesian
    client.cookies["django_language"] = "en"
    english = client.get(f"/agenda/{activity.pk}/").content.decode()
    assert "Informed voters" in english and "Pemilih cerdas" not in english
    assert "Tanpa terjemahan" in english  # no English name: the Indonesian one
    timeline = client.get("/tahapan/").content.decode()
    assert "Quiet period" in timeline and "Masa tenang" not in timeline


# --- Office profile and branding -----------------------------------------------------------

PROFILE = "/kelola/profil-kantor/"


def _profile(**extra):
    data = {
        "short_name": "KPU Kota Uji",
        "address": "Jl. Uji 1",
        "email": "info@kpu-uji.go.id",
        "phone": "022 123",
        "website": "https://kpu-uji.go.id",
        "instagram": "@kpuuji",
        "x_account": "kpuuji",
        "facebook": "kpu.uji",
        "youtube": "https://www.youtube.com/@kpuuji",
        "colour_primary": "#0b4a8b",
        "colour_dark": "#083a6d",
        "share_image_alt": "",
    }
    data.update(extra)
    return data


def test_staff_and_admin_edit_the_office_profile_and_the_site_shows_it(
    client, site, staff_member, admin_member
):
    for member in (staff_member, admin_member):
        login(client, member)
        assert client.get(PROFILE).status_code == 200
    response = client.post(
        PROFILE,
        _profile(
            share_image=SimpleUploadedFile("pratinjau.png", demo_png(120, 63, (11, 74, 139))),
            share_image_alt="Logo KPU Kota Uji",
        ),
    )
    assert response.status_code == 302
    office = Office.objects.get(pk=site.pk)
    assert office.colour_primary == "#0b4a8b" and office.share_image
    assert office.history.count() >= 1
    assert office.history.latest().history_user == admin_member.user
    client.logout()
    home = client.get("/").content.decode()
    stylesheet = f"/kantor/{office.slug}/warna.css?v={office.branding_version}"
    assert stylesheet in home
    for link in (
        "https://www.instagram.com/kpuuji/",
        "https://x.com/kpuuji",
        "https://www.facebook.com/kpu.uji",
        "https://www.youtube.com/@kpuuji",
        "https://kpu-uji.go.id",
    ):
        assert f'href="{link}"' in home, link
    css = client.get(stylesheet)
    assert css["Content-Type"].startswith("text/css")
    assert css.content.decode() == ":root { --red: #0b4a8b; --red-dark: #083a6d; }\n"


def test_coordinator_and_observer_may_not_edit_the_office_profile(
    client, site, coordinator_member, observer_member
):
    for member in (coordinator_member, observer_member):
        login(client, member)
        assert client.get(PROFILE).status_code == 403
        assert client.post(PROFILE, _profile(short_name="Diambil alih")).status_code == 403
    assert Office.objects.get(pk=site.pk).short_name != "Diambil alih"


def test_a_file_that_is_not_an_image_is_refused_in_indonesian(client, site, staff_member):
    login(client, staff_member)
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 bukan gambar", content_type="image/png")
    response = client.post(PROFILE, _profile(logo=fake))
    assert response.status_code == 200
    assert "Isi berkas bukan" in response.content.decode()
    assert not Office.objects.get(pk=site.pk).logo


def test_an_oversized_image_is_refused_from_its_header(client, site, staff_member, settings):
    settings.MAX_IMAGE_PIXELS = 10_000
    login(client, staff_member)
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (0, 0, 0)).save(buffer, "PNG")
    big = SimpleUploadedFile("besar.png", buffer.getvalue(), content_type="image/png")
    response = client.post(PROFILE, _profile(share_image=big, share_image_alt="x"))
    assert "Gambar terlalu besar: 200 × 200 piksel." in response.content.decode()
    assert not Office.objects.get(pk=site.pk).share_image


def test_a_header_colour_white_text_cannot_be_read_on_is_refused(client, site, staff_member):
    login(client, staff_member)
    response = client.post(PROFILE, _profile(colour_primary="#ffeeaa"))
    assert response.status_code == 200
    assert "terlalu terang" in response.content.decode()
    assert Office.objects.get(pk=site.pk).colour_primary == ""
    bad = client.post(PROFILE, _profile(colour_primary="red;}body{x"))
    assert "kode heksadesimal" in bad.content.decode()


def test_uploaded_share_image_loses_its_exif(client, site, staff_member):
    login(client, staff_member)
    image = Image.new("RGB", (40, 21), (11, 74, 139))
    exif = Image.Exif()
    exif[0x010F] = "Kamera Uji"  # camera maker
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")
    client.post(PROFILE, _profile(share_image=upload, share_image_alt="Foto"))
    office = Office.objects.get(pk=site.pk)
    with office.share_image.open("rb") as stored, Image.open(stored) as saved:
        assert not saved.getexif()


# --- Weight --------------------------------------------------------------------------------


def _weight(client, url: str) -> int:
    """The page's HTML and the stylesheets and scripts it links (before images)."""
    html = client.get(url).content.decode()
    total = len(html.encode())
    for ref in re.findall(r'(?:href|src)="/static/([^"?]+)', html):
        path = finders.find(ref)
        if path and ref.endswith((".css", ".js")):
            total += Path(path).stat().st_size
    assert "htmx" not in html.split("</head>")[1], url
    return total


def test_new_public_pages_load_no_htmx_and_stay_under_50_kb(client, site, programme, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    partner = PartnerFactory(office=site)
    activity = ActivityFactory(programme=programme, partner=partner)
    CheckinPointFactory(activity=activity, requires_registration=True, capacity=30)
    for url in (f"/agenda/{activity.pk}/", f"/direktori-mitra/{partner.pk}/", "/agenda/bulan/"):
        assert _weight(client, url) < 50_000, url
