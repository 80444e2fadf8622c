"""On a 360 px phone a visitor goes from the national site's list of provinces to a
province's list of cities and on to a city's site (path mode), without sideways scroll,
and axe finds no serious problem on the lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PartnerFactory, ProgrammeFactory, office_tree

from .factories import ActivityFactory, ArticleFactory
from .test_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    """Load the URL configuration before the page timeouts start (see test_public_site_browser)."""
    reverse("portal:network")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_national_list_leads_to_a_province_then_a_city_at_360_px(phone_page, live_server, settings):
    tree = office_tree()
    settings.MITRA_PUBLIC_SITES = "path"
    settings.MITRA_PUBLIC_OFFICE = tree["national"].slug
    settings.SITE_URL = live_server.url  # links between the offices' sites
    for name in ("bandung", "cimahi", "magelang"):
        programme = ProgrammeFactory(office=tree[name])
        PartnerFactory(office=tree[name])
        ActivityFactory(
            programme=programme, title=f"Diskusi panjang pemilih muda dan pemula di {name}"
        )
        ArticleFactory(
            office=tree[name],
            title=f"Kabar {name}: ajakan memeriksa nama di daftar pemilih tetap sebelum hari H",
        )
    page = phone_page
    page.goto(f"{live_server.url}/wilayah/")
    _fits(page)
    assert page.get_by_role("link", name="KPU Provinsi Jawa Tengah").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="2 kantor di bawahnya").click()
    page.wait_for_url(f"{live_server.url}/{tree['jabar'].slug}/wilayah/")
    _fits(page)
    assert page.get_by_role("link", name="KPU Kota Cimahi").is_visible()
    assert not page.get_by_text("KPU Kota Magelang").count()
    assert_accessible(page)
    page.get_by_role("link", name="KPU Kota Bandung").click()
    page.wait_for_url(f"{live_server.url}/{tree['bandung'].slug}/")
    _fits(page)
    assert page.get_by_role(
        "link", name="Diskusi panjang pemilih muda dan pemula di bandung"
    ).count()
    assert page.get_by_role("link", name="KPU Provinsi Jawa Barat").is_visible()  # back up
