"""A public site per office, in both modes (each office under /<slug>/, or under its own
host name): each site shows only its office's news, events and partners; cached pages and
view counts stay per office; sitemaps and feeds list only the office's addresses; the
national and provincial sites list the offices below them; unknown offices answer 404."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mitra.activities.models import ActivityStatus
from mitra.offices.models import Office
from mitra.portal import services
from mitra.portal.models import ArticleStatus
from tests.conftest import login
from tests.factories import (
    MembershipFactory,
    OfficeFactory,
    PartnerFactory,
    ProgrammeFactory,
    office_tree,
)

from .factories import ActivityFactory, ArticleFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
ROOT = "https://pemilu.example"
OWN_HOST = "kpu-cimahi.example"  # Cimahi's own domain (the others: <slug>.pemilu.example)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Sites:
    """The sites of the office tree as a visitor reaches them in one mode."""

    def __init__(self, mode: str, tree: dict[str, Office]) -> None:
        self.mode, self.tree = mode, tree

    def root(self, name: str) -> str:
        """Where the office's site starts (what its absolute links begin with)."""
        slug = self.tree[name].slug
        if name == "national":
            return ROOT
        if self.mode == "path":
            return f"{ROOT}/{slug}"
        return "https://" + (OWN_HOST if name == "cimahi" else f"{slug}.pemilu.example")

    def get(self, client: Client, name: str, path: str, **extra: str):
        """GET `path` (as on a single site, e.g. "/berita/") on the office's site."""
        site = self.root(name).removeprefix("https://")
        host, _slash, prefix = site.partition("/")
        url = f"/{prefix}{path}" if prefix else path
        return client.get(url, HTTP_HOST=host, HTTP_USER_AGENT=BROWSER, **extra)

    def html(self, client: Client, name: str, path: str) -> str:
        response = self.get(client, name, path)
        assert response.status_code == 200, (name, path, response.status_code)
        return response.content.decode()


@pytest.fixture(params=["path", "host"])
def sites(request, settings) -> Sites:
    tree = office_tree()
    settings.MITRA_PUBLIC_SITES = request.param
    settings.MITRA_PUBLIC_OFFICE = tree["national"].slug
    settings.SITE_URL = ROOT + "/"
    settings.MITRA_PUBLIC_HOST_DOMAIN = "pemilu.example"
    settings.MITRA_PUBLIC_HOSTS = {OWN_HOST: tree["cimahi"].slug}
    settings.ALLOWED_HOSTS = ["pemilu.example", ".pemilu.example", OWN_HOST]
    return Sites(request.param, tree)


def _content(office: Office, label: str) -> dict[str, object]:
    """News, an event and a partner of the office, named after it."""
    programme = ProgrammeFactory(office=office)
    partner = PartnerFactory(office=office, name=f"Komunitas {label}")
    return {
        "article": ArticleFactory(office=office, slug="pengumuman", title=f"Pengumuman {label}"),
        "activity": ActivityFactory(
            programme=programme, partner=partner, title=f"Diskusi pemilih {label}"
        ),
        "partner": partner,
    }


def test_each_site_shows_only_its_own_news_events_and_partners(client, sites):
    bandung = _content(sites.tree["bandung"], "Bandung")
    cimahi = _content(sites.tree["cimahi"], "Cimahi")
    shown = {
        "/": ("Pengumuman", "Diskusi pemilih"),
        "/berita/": ("Pengumuman",),
        "/agenda/": ("Diskusi pemilih",),
        "/direktori-mitra/": ("Komunitas",),
    }
    for name, own, other in (("bandung", "Bandung", "Cimahi"), ("cimahi", "Cimahi", "Bandung")):
        for path, kinds in shown.items():
            html = sites.html(client, name, path)
            for kind in kinds:
                assert f"{kind} {own}" in html, (name, path, kind)
            assert f"Pengumuman {other}" not in html and f"Diskusi pemilih {other}" not in html
            assert f"Komunitas {other}" not in html
    # Another office's records are not pages of this site.
    assert sites.get(client, "cimahi", f"/agenda/{bandung['activity'].pk}/").status_code == 404
    assert sites.get(client, "bandung", f"/agenda/{bandung['activity'].pk}/").status_code == 200
    partner_path = f"/direktori-mitra/{cimahi['partner'].pk}/"
    assert sites.get(client, "bandung", partner_path).status_code == 404
    # The links of a page stay on the office's site.
    html = sites.html(client, "bandung", "/berita/pengumuman/")
    assert f'<link rel="canonical" href="{sites.root("bandung")}/berita/pengumuman/">' in html
    if sites.mode == "path":
        assert f'href="/{sites.tree["bandung"].slug}/agenda/"' in html
        assert reverse("portal:home") == "/"  # the prefix ends with the request


def test_cached_pages_and_view_counts_stay_with_their_office(client, sites):
    bandung = _content(sites.tree["bandung"], "Bandung")["article"]
    cimahi = _content(sites.tree["cimahi"], "Cimahi")["article"]
    for _ in range(2):  # the second visit is served from the cache
        assert "Pengumuman Bandung" in sites.html(client, "bandung", "/berita/pengumuman/")
        assert "Pengumuman Bandung" in sites.html(client, "bandung", "/")
    # Same slug, same language, other office: its own page, not Bandung's cached copy.
    html = sites.html(client, "cimahi", "/berita/pengumuman/")
    assert "Pengumuman Cimahi" in html and "Pengumuman Bandung" not in html
    assert re.search(r"Dilihat 1 kali", html)
    home = sites.html(client, "cimahi", "/")
    assert "Pengumuman Cimahi" in home and "Pengumuman Bandung" not in home
    assert services.article_view_total(article_id=bandung.pk) == 2
    assert services.article_view_total(article_id=cimahi.pk) == 1
    # A change in one office drops its own cached pages, not only the first office's.
    cimahi.title = "Pengumuman Cimahi diperbarui"
    cimahi.save()
    assert "Pengumuman Cimahi diperbarui" in sites.html(client, "cimahi", "/berita/pengumuman/")
    assert "Pengumuman Cimahi diperbarui" in sites.html(client, "cimahi", "/")


def test_sitemaps_and_feeds_list_only_the_offices_addresses(client, sites):
    _content(sites.tree["bandung"], "Bandung")
    ArticleFactory(office=sites.tree["bandung"], slug="kabar-bandung", title="Kabar Bandung")
    ArticleFactory(office=sites.tree["cimahi"], slug="kabar-cimahi", title="Kabar Cimahi")
    root = sites.root("bandung")
    tree = ET.fromstring(sites.get(client, "bandung", "/sitemap.xml").content)  # noqa: S314
    locs = [e.text or "" for e in tree.iter(f"{SITEMAP_NS}loc")]
    assert f"{root}/berita/kabar-bandung/" in locs and f"{root}/agenda/" in locs
    assert f"{root}/" in locs
    assert all(loc.startswith(root + "/") for loc in locs), locs
    assert not any("kabar-cimahi" in loc for loc in locs)
    rss = ET.fromstring(sites.get(client, "bandung", "/berita/rss.xml").content)  # noqa: S314
    links = [e.text or "" for e in rss.iter("link")]
    assert f"{root}/berita/kabar-bandung/" in links and f"{root}/berita/" in links
    assert all(link.startswith(root + "/") for link in links), links
    atom = sites.get(client, "bandung", "/berita/atom.xml").content.decode()
    assert f'href="{root}/berita/atom.xml"' in atom and "Kabar Cimahi" not in atom
    robots = sites.get(client, "national", "/robots.txt").content.decode()
    assert f"Sitemap: {ROOT}/sitemap.xml" in robots
    if sites.mode == "path":  # crawlers read robots.txt at the root only
        assert f"Sitemap: {root}/sitemap.xml" in robots


def test_national_and_provincial_sites_list_the_offices_below(client, sites):
    tree = sites.tree
    now = timezone.now()
    for name in ("bandung", "cimahi", "magelang"):
        programme = ProgrammeFactory(office=tree[name])
        ActivityFactory(
            programme=programme,
            title=f"Kelas pemilih {name}",
            starts_at=now - datetime.timedelta(days=3),
            status=ActivityStatus.HELD,
        )
        ActivityFactory(programme=programme, title=f"Acara mendatang {name}")
        PartnerFactory(office=tree[name])
        ArticleFactory(office=tree[name], slug=f"kabar-{name}", title=f"Kabar dari {name}")
    ArticleFactory(office=tree["bandung"], title="Draf Bandung", status=ArticleStatus.DRAFT)
    national = sites.html(client, "national", "/wilayah/")
    # The provinces, each linked to its own site, with the figures of its cities.
    assert f'href="{sites.root("jabar")}/"' in national
    assert f'href="{sites.root("jateng")}/"' in national
    jabar_card = national[national.index("KPU Provinsi Jawa Barat") :][:600]
    assert "2 kegiatan terlaksana · 2 kegiatan mendatang" in jabar_card
    assert "2 mitra aktif" in jabar_card and "2 kantor di bawahnya" in jabar_card
    # The news and events of every office below, each linked on its own site.
    assert f'href="{sites.root("bandung")}/berita/kabar-bandung/"' in national
    assert f'href="{sites.root("magelang")}/berita/kabar-magelang/"' in national
    assert "Acara mendatang cimahi" in national and "Draf Bandung" not in national
    # A province lists its cities only; a city links up to its province.
    jabar = sites.html(client, "jabar", "/wilayah/")
    assert f'href="{sites.root("bandung")}/"' in jabar
    assert f'href="{sites.root("cimahi")}/"' in jabar
    assert "magelang" not in jabar.lower()
    assert f'href="{sites.root("national")}/wilayah/"' in jabar  # back up
    assert 'href="/wilayah/"' in sites.html(client, "national", "/")
    city_home = sites.html(client, "bandung", "/")
    assert f'href="{sites.root("jabar")}/"' in city_home
    # A write in a city reaches the (cached) pages of its province and the national office.
    ArticleFactory(office=tree["cimahi"], slug="baru", title="Kabar terbaru Cimahi")
    assert "Kabar terbaru Cimahi" in sites.html(client, "national", "/wilayah/")
    assert "Kabar terbaru Cimahi" in sites.html(client, "jabar", "/wilayah/")


def test_an_unknown_office_is_a_404_in_indonesian(client, sites):
    if sites.mode == "path":
        response = client.get("/kota-tidak-ada/berita/", HTTP_HOST="pemilu.example")
    else:
        response = client.get("/berita/", HTTP_HOST="kota-tidak-ada.pemilu.example")
        health = client.get("/healthz", HTTP_HOST="kota-tidak-ada.pemilu.example")
        assert health.status_code == 200
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    if sites.mode == "path":
        response = english.get("/kota-tidak-ada/", HTTP_HOST="pemilu.example")
    else:
        response = english.get("/", HTTP_HOST="kota-tidak-ada.pemilu.example")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_path_mode_redirects_and_staff_pages_under_the_prefix(client, settings):
    tree = office_tree()
    Office.objects.update(require_second_factor=False)  # staff sign in with force_login
    settings.MITRA_PUBLIC_SITES = "path"
    settings.MITRA_PUBLIC_OFFICE = tree["national"].slug
    bandung = tree["bandung"].slug
    # The root office lives at "/"; an office's bare prefix gets its slash.
    response = client.get(f"/{tree['national'].slug}/berita/?q=x")
    assert response.status_code == 301 and response["Location"] == "/berita/?q=x"
    response = client.get(f"/{bandung}")
    assert response.status_code == 301 and response["Location"] == f"/{bandung}/"
    # Staff work under an office's prefix too: their own office's records.
    staff = MembershipFactory(office=tree["bandung"], role="staff")
    ArticleFactory(office=tree["bandung"], title="Tulisan staf Bandung")
    login(client, staff)
    html = client.get(f"/{bandung}/kelola/berita/").content.decode()
    assert "Tulisan staf Bandung" in html


def test_single_mode_has_no_page_of_offices_below(client, settings):
    tree = office_tree()
    settings.MITRA_PUBLIC_OFFICE = tree["national"].slug
    assert settings.MITRA_PUBLIC_SITES == "single"
    assert client.get("/wilayah/").status_code == 404
    assert client.get(f"/{tree['bandung'].slug}/").status_code == 404


def test_a_new_office_has_its_site_at_once_though_its_name_was_asked_before(client, settings):
    """The slug → office lookup is cached (also "no such office"); creating the office
    forgets it, so the new site answers on the next request."""
    settings.MITRA_PUBLIC_SITES = "path"
    tree = office_tree()
    settings.MITRA_PUBLIC_OFFICE = tree["national"].slug
    assert client.get("/kota-baru/berita/").status_code == 404
    office = OfficeFactory(slug="kota-baru", name="KPU Kota Baru")
    ArticleFactory(office=office, title="Berita pertama Kota Baru")
    assert "Berita pertama Kota Baru" in client.get("/kota-baru/berita/").content.decode()
    office.delete()
    assert client.get("/kota-baru/berita/").status_code == 404


def test_messages_from_the_background_link_the_offices_own_site(sites):
    """A registrant's reminder (no request at hand) links the materials of the office the
    activity belongs to, on that office's site."""
    from mitra.notifications.audiences import registration_values
    from tests.checkin.factories import RegistrationFactory

    activity = _content(sites.tree["bandung"], "Bandung")["activity"]
    values = registration_values(RegistrationFactory(activity=activity), "id")
    assert values["materials_url"] == f"{sites.root('bandung')}/materi/"
    assert values["map_url"] == f"{sites.root('bandung')}/agenda/{activity.pk}/"
    assert values["signup_url"] == f"{sites.root('bandung')}/notifikasi/ingatkan-saya/"


def test_the_offices_page_costs_the_same_queries_however_many_offices(
    client, settings, django_assert_max_num_queries
):
    """Fresh: a fixed number of queries (the roll-up groups in the database); cached: none,
    the office's id is a cache read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mitra.offices.services import office_create

    tree = office_tree()
    settings.MITRA_PUBLIC_SITES = "path"
    settings.MITRA_PUBLIC_OFFICE = tree["national"].slug

    def fresh_queries() -> int:
        ArticleFactory(office=tree["bandung"])  # a write: the cached list is dropped
        with CaptureQueriesContext(connection) as fresh:
            assert client.get("/wilayah/").status_code == 200
        return len(fresh)

    fresh_queries()  # the first visit also caches the site's office (two reads, then none)
    few = fresh_queries()
    for n in range(3):
        city = office_create(
            name=f"KPU Uji {n}", slug=f"uji-kota-{n}", region=tree["bandung"].region
        )
        ArticleFactory(office=city)
        ActivityFactory(programme=ProgrammeFactory(office=city))
        PartnerFactory(office=city)
    fresh_queries()  # creating offices dropped the cached root office id: read again once
    assert fresh_queries() == few <= 9
    with django_assert_max_num_queries(0):
        client.get("/wilayah/")


def test_an_activity_takes_registrations_on_its_own_offices_site_only(client, sites):
    from mitra.checkin.models import Registration
    from tests.checkin.factories import CheckinPointFactory

    bandung = _content(sites.tree["bandung"], "Bandung")
    activity = bandung["activity"]
    CheckinPointFactory(activity=activity, requires_registration=True, capacity=5)
    path = f"/hadir/kegiatan-publik/{activity.pk}/daftar/"
    # Another office's site (a city, and the national root) does not know the activity.
    for name in ("cimahi", "national"):
        assert sites.get(client, name, path).status_code == 404, name
    assert not Registration.objects.exists()
    assert sites.get(client, "bandung", path).status_code == 200
