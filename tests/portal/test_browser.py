"""The public pages in Chromium: axe-core finds no serious or critical problem; keyboard works."""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from mitra.regions.models import Region
from mitra.regions.services import boundaries_import
from tests.factories import ElectionFactory, StageFactory, ThemeFactory

from .factories import ActivityFactory, ArticleFactory, stored_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page) -> None:
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad


@pytest.fixture
def site(office, programme):
    today = timezone.localdate()
    election = ElectionFactory(programme=programme, office=office, name="Pilwalkot Uji")
    StageFactory(
        election=election,
        name="Kampanye",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=3),
    )
    programme.voting_day = today + datetime.timedelta(days=10)
    programme.save()
    article = ArticleFactory(
        office=office, title="Ayo ke TPS", image=stored_png(), image_alt="Spanduk ajakan memilih"
    )
    kecamatan = Region.objects.filter(parent=office.region).order_by("code").first()
    kelurahan = Region.objects.filter(parent=kecamatan).first()
    theme = ThemeFactory(programme=programme, code="tahapan", name="Tahapan")
    activity = ActivityFactory(
        programme=programme, title="Diskusi pemilih muda", kelurahan=kelurahan
    )
    activity.themes.add(theme)
    return {"article": article, "kecamatan": kecamatan, "activity": activity}


def test_home_is_accessible_and_keyboard_reaches_main(page, live_server, site):
    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    assert page.get_by_text("hari lagi menuju pemungutan suara").is_visible()
    assert page.get_by_role("link", name="Ayo ke TPS").is_visible()
    assert page.get_by_role("link", name="Diskusi pemilih muda").is_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_article_counts_views_shares_and_is_accessible(page, live_server, site):
    url = f"{live_server.url}/berita/{site['article'].slug}/"
    page.goto(url)
    assert page.get_by_text("Dilihat 1 kali").is_visible()
    page.reload()
    assert page.get_by_text("Dilihat 2 kali").is_visible()
    share = page.locator("[data-share]")
    assert share.count() == 3
    hrefs = {
        share.nth(i).get_attribute("data-share"): share.nth(i).get_attribute("href")
        for i in range(3)
    }
    assert hrefs["facebook"].startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert hrefs["x"].startswith("https://x.com/intent/tweet?url=")
    assert hrefs["whatsapp"].startswith("https://wa.me/?text=")
    assert page.locator("script[src^='http']").count() == 0
    assert page.locator("meta[property='og:title']").get_attribute("content") == "Ayo ke TPS"
    assert_accessible(page)
    # Share links are reachable by keyboard.
    page.locator("[data-share='facebook']").focus()
    assert page.evaluate("document.activeElement.dataset.share") == "facebook"


def test_agenda_with_map_is_accessible_and_map_works_by_keyboard(
    kecamatan_geojson, page, live_server, site
):
    boundaries_import(raw=kecamatan_geojson)
    page.goto(live_server.url + "/agenda/")
    assert page.get_by_role("link", name="Diskusi pemilih muda").is_visible()
    assert page.locator("svg.kecamatan-map path").count() >= 30
    assert_accessible(page)
    code = site["kecamatan"].code
    area = page.locator(f"svg.kecamatan-map a[href='?kecamatan={code}']")
    area.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/agenda/?kecamatan={code}")
    assert page.locator("#f-kecamatan").input_value() == code


def test_agenda_without_map_and_activity_page_are_accessible(page, live_server, site):
    page.goto(live_server.url + "/agenda/")
    # Without boundaries the kecamatan are listed, with no word to citizens about imports.
    assert page.get_by_role("columnheader", name="Kecamatan").is_visible()
    assert page.get_by_text("belum diimpor").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="Diskusi pemilih muda").first.click()
    assert page.locator("h1").inner_text() == "Diskusi pemilih muda"
    assert_accessible(page)


@pytest.mark.parametrize(
    "path", ["/berita/", "/tahapan/", "/cara-memilih/", "/direktori-mitra/", "/materi/"]
)
def test_other_public_pages_are_accessible(page, live_server, site, path):
    page.goto(live_server.url + path)
    assert_accessible(page)
