"""The public agenda in Chromium: a visitor narrows it to one approach, then to "other"."""

from __future__ import annotations

import pytest

from mitra.activities.services import methods_seed
from mitra.regions.models import Region

from .factories import ActivityFactory, MethodFactory
from .test_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_filters_the_public_agenda_by_approach(page, live_server, office, programme):
    methods = {m.code: m for m in methods_seed(office=office)}
    kelurahan = Region.objects.filter(parent__parent=office.region).order_by("code").first()
    for title, method in (
        ("Pentas angklung ajak ke TPS", methods["budaya-lokal"]),
        ("Diskusi warga RW 05", methods["diskusi"]),
        ("Siniar suara warga", MethodFactory(office=office, code="siniar", name="Siniar")),
    ):
        ActivityFactory(programme=programme, title=title, method=method, kelurahan=kelurahan)

    page.goto(live_server.url + "/agenda/")
    assert page.get_by_role("link", name="Diskusi warga RW 05").is_visible()
    page.get_by_label("Pendekatan").select_option(label="Pertunjukan seni dan budaya")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**pendekatan=seni-budaya**")
    assert page.get_by_role("link", name="Pentas angklung ajak ke TPS").is_visible()
    assert page.get_by_role("link", name="Diskusi warga RW 05").count() == 0
    cards = page.locator(".activity-card")
    assert cards.count() == 1
    assert "Pertunjukan seni dan budaya" in cards.first.inner_text()  # its approach
    assert_accessible(page)

    page.get_by_label("Pendekatan").select_option(label="Lainnya")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**pendekatan=other**")
    assert page.get_by_role("link", name="Siniar suara warga").is_visible()
    assert page.get_by_role("link", name="Pentas angklung ajak ke TPS").count() == 0
