"""Timeline and countdown, how to vote, partner directory, agenda and map, materials."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from mitra.activities.models import ActivityStatus, Report
from mitra.portal.models import Material, MaterialVersion
from mitra.regions.models import Region
from mitra.regions.services import boundaries_import
from tests.factories import (
    ElectionFactory,
    PartnerFactory,
    SegmentFactory,
    StageFactory,
    ThemeFactory,
)

from .factories import ActivityFactory, MaterialFactory, MaterialVersionFactory

pytestmark = pytest.mark.django_db
WIB = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def stages(programme):
    election = ElectionFactory(programme=programme, office=programme.office, name="Pilwalkot Uji")
    StageFactory(
        election=election,
        name="Kampanye",
        starts_on=datetime.date(2024, 9, 25),
        ends_on=datetime.date(2024, 11, 23),
        order=1,
    )
    StageFactory(
        election=election,
        name="Masa tenang",
        starts_on=datetime.date(2024, 11, 24),
        ends_on=datetime.date(2024, 11, 26),
        order=2,
    )
    StageFactory(
        election=election,
        name="Pemungutan suara",
        starts_on=datetime.date(2024, 11, 27),
        ends_on=datetime.date(2024, 11, 27),
        order=3,
    )
    return election


@pytest.mark.parametrize(
    ("moment", "expected", "current"),
    [
        (datetime.datetime(2024, 11, 25, 23, 59, tzinfo=WIB), "2</strong>", "Masa tenang"),
        (datetime.datetime(2024, 11, 26, 23, 59, tzinfo=WIB), "1</strong>", "Masa tenang"),
        (
            datetime.datetime(2024, 11, 27, 0, 1, tzinfo=WIB),
            "Hari ini hari pemungutan suara",
            "Pemungutan suara",
        ),
        (
            datetime.datetime(2024, 11, 28, 0, 1, tzinfo=WIB),
            "Hari pemungutan suara telah berlalu",
            None,
        ),
    ],
)
def test_countdown_and_current_stage_around_voting_day(client, stages, moment, expected, current):
    with time_machine.travel(moment, tick=False):
        html = client.get("/tahapan/").content.decode()
        home = client.get("/").content.decode()
    assert expected in html and expected in home
    marked = html.split('aria-current="step"')
    if current:
        assert len(marked) == 2 and current in marked[1].split("</li>")[0]
    else:
        assert len(marked) == 1


def test_how_to_vote_links_to_the_configured_voter_check(client, office, programme):
    office.voter_check_url = "https://cekdpt.example.org/"
    office.save()
    html = client.get("/cara-memilih/").content.decode()
    assert 'href="https://cekdpt.example.org/"' in html
    assert "KTP" in html and "bilik suara" in html


def test_partner_directory_shows_active_partners_and_public_contacts_only(client, office, bandung):
    kecamatan = Region.objects.filter(parent=bandung).order_by("code").first()
    segment = SegmentFactory(office=office, code="muda", name="Pemilih muda")
    shown = PartnerFactory(
        office=office,
        name="Komunitas Terbuka",
        instagram="@terbuka",
        whatsapp="+6281111111111",
        public_contact_opt_in=True,
    )
    shown.segments.add(segment)
    shown.areas.add(kecamatan)
    PartnerFactory(
        office=office,
        name="Komunitas Privat",
        whatsapp="+6282222222222",
        email="rahasia@example.org",
        contact_name="Bu Rahasia",
    )
    PartnerFactory(office=office, name="Calon Mitra", status="prospect")
    html = client.get("/direktori-mitra/").content.decode()
    assert "Komunitas Terbuka" in html and "Komunitas Privat" in html and "Calon Mitra" not in html
    assert "https://www.instagram.com/terbuka/" in html and "https://wa.me/6281111111111" in html
    assert (
        "6282222222222" not in html
        and "rahasia@example.org" not in html
        and "Bu Rahasia" not in html
    )
    assert "Pemilih muda" in html and kecamatan.name in html
    filtered = client.get("/direktori-mitra/", {"kecamatan": kecamatan.code}).content.decode()
    assert "Komunitas Terbuka" in filtered and "Komunitas Privat" not in filtered
    assert (
        "Komunitas Privat"
        not in client.get("/direktori-mitra/", {"segmen": "muda"}).content.decode()
    )


@pytest.fixture
def agenda(office, programme, bandung):
    kecamatan = list(Region.objects.filter(parent=bandung).order_by("code")[:2])
    kel_a = Region.objects.filter(parent=kecamatan[0]).first()
    kel_b = Region.objects.filter(parent=kecamatan[1]).first()
    theme = ThemeFactory(programme=programme, code="tahapan", name="Tahapan")
    now = timezone.now()
    soon = ActivityFactory(
        programme=programme,
        title="Diskusi segera",
        kelurahan=kel_a,
        starts_at=now + datetime.timedelta(days=1),
    )
    soon.themes.add(theme)
    later = ActivityFactory(
        programme=programme,
        title="Pentas nanti",
        kelurahan=kel_b,
        starts_at=now + datetime.timedelta(days=5),
    )
    past = ActivityFactory(
        programme=programme,
        title="Simulasi lalu",
        kelurahan=kel_a,
        starts_at=now - datetime.timedelta(days=3),
        status=ActivityStatus.VERIFIED,
    )
    Report.objects.create(activity=past, attendance_total=84)
    ActivityFactory(
        programme=programme, title="Usulan draf", kelurahan=kel_a, status=ActivityStatus.SUBMITTED
    )
    ActivityFactory(programme=programme, title="Rapat internal", kelurahan=kel_a, is_public=False)
    return {"kecamatan": kecamatan, "soon": soon, "later": later, "past": past}


def test_agenda_lists_public_approved_activities_upcoming_first(client, agenda):
    html = client.get("/agenda/").content.decode()
    assert html.index("Diskusi segera") < html.index("Pentas nanti") < html.index("Simulasi lalu")
    assert "Usulan draf" not in html and "Rapat internal" not in html
    by_theme = client.get("/agenda/", {"tema": "tahapan"}).content.decode()
    assert "Diskusi segera" in by_theme and "Pentas nanti" not in by_theme
    by_kec = client.get("/agenda/", {"kecamatan": agenda["kecamatan"][1].code}).content.decode()
    assert "Pentas nanti" in by_kec and "Diskusi segera" not in by_kec


def test_agenda_without_boundaries_lists_kecamatan_without_an_admin_message(client, agenda):
    html = client.get("/agenda/").content.decode()
    assert "<svg" not in html.split('id="map-heading"')[1]
    # Citizens are not told to import boundaries: that advice is for staff pages only.
    assert "belum diimpor" not in html
    assert f'{agenda["kecamatan"][0].name}</a></th><td class="num">2</td>' in html


def test_agenda_map_draws_each_kecamatan_with_its_count(kecamatan_geojson, client, agenda):
    boundaries_import(raw=kecamatan_geojson)
    html = client.get("/agenda/").content.decode()
    section = html.split('id="map-heading"')[1]
    assert "<svg" in section and section.count("<path ") >= 30
    first = agenda["kecamatan"][0]
    assert f"<title>{first.name}: 2 kegiatan</title>" in section
    assert f'data-code="{first.code}"' in section
    assert "<table" in section  # the same figures as a table


def test_activity_page_shows_what_when_where_who_and_verified_reach(client, agenda):
    past = client.get(f"/agenda/{agenda['past'].pk}/").content.decode()
    assert "Simulasi lalu" in past and "84 orang" in past
    soon = client.get(f"/agenda/{agenda['soon'].pk}/").content.decode()
    assert "Diskusi segera" in soon and "Jangkauan" not in soon
    assert agenda["kecamatan"][0].name in soon


def test_unpublished_activity_pages_are_not_found(client, agenda, programme):
    hidden = ActivityFactory(programme=programme, status=ActivityStatus.SUBMITTED)
    assert client.get(f"/agenda/{hidden.pk}/").status_code == 404


def test_materials_listed_per_theme_with_latest_version_first(client, office, programme):
    theme = ThemeFactory(programme=programme, name="Pemilih cerdas")
    material = MaterialFactory(office=office, theme=theme, title="Poster tolak politik uang")
    MaterialVersionFactory(material=material, number=1)
    v2 = MaterialVersionFactory(material=material, number=2, notes="Perbaikan tanggal")
    html = client.get("/materi/").content.decode()
    assert "Pemilih cerdas" in html and "Poster tolak politik uang" in html
    assert f"/materi/unduh/{v2.pk}/" in html.split("Versi sebelumnya")[0]


def test_download_counts_each_download(client, office, programme):
    version = MaterialVersionFactory(
        material=MaterialFactory(office=office, theme=ThemeFactory(programme=programme))
    )
    for _ in range(3):
        response = client.get(f"/materi/unduh/{version.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
    version.refresh_from_db()
    assert version.download_count == 3
    assert Material.objects.get(pk=version.material_id).download_count == 3


def test_private_material_cannot_be_downloaded(client, office, programme):
    material = MaterialFactory(
        office=office, theme=ThemeFactory(programme=programme), is_public=False
    )
    version = MaterialVersionFactory(material=material)
    assert client.get(f"/materi/unduh/{version.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_parallel_downloads_are_counted_exactly(office, programme):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    version = MaterialVersionFactory(
        material=MaterialFactory(office=office, theme=ThemeFactory(programme=programme))
    )
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connections

        try:
            client = Client()
            for _ in range(10):
                response = client.get(f"/materi/unduh/{version.pk}/")
                b"".join(response.streaming_content)
                response.close()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert MaterialVersion.objects.get(pk=version.pk).download_count == 60
