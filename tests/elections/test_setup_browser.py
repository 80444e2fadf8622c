"""Chromium on a desktop: staff set up a programme, an election and one stage for two
elections at once, all in the product (no Django admin), and the pages pass axe."""

from __future__ import annotations

import pytest

from mitra.elections.models import Programme, Stage
from tests.activities.test_browser import _login
from tests.analytics.test_dashboard_browser import _serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_create_programme_election_and_a_shared_stage(live_server, page, staff_member):
    base = live_server.url
    _login(page, base, staff_member)
    page.get_by_role("link", name="Program dan pemilihan").click()
    page.wait_for_url(f"{base}/program/")
    page.get_by_label("Nama program").fill("Pilkada 2029")
    page.get_by_label("Hari pemungutan suara").fill("2029-11-28")
    page.get_by_role("button", name="Simpan program").click()
    page.wait_for_url(f"{base}/program/")
    programme = Programme.objects.get(name="Pilkada 2029")
    section = page.locator(f"#programme-{programme.pk}")
    for name, short, kind, region in (
        ("Pemilihan Gubernur Jawa Barat 2029", "Pilgub Jabar", "Pemilihan Gubernur", "Jawa Barat"),
        (
            "Pemilihan Wali Kota Bandung 2029",
            "Pilwalkot Bandung",
            "Pemilihan Wali Kota",
            "Kota Bandung",
        ),
    ):
        section.get_by_role("link", name="Tambah pemilihan").click()
        page.get_by_label("Nama pemilihan").fill(name)
        page.get_by_label("Nama singkat").fill(short)
        page.get_by_label("Jenis").select_option(label=kind)
        page.get_by_label("Wilayah").select_option(
            label=f"{region} ({'32' if region == 'Jawa Barat' else '32.73'})"
        )
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_url(f"{base}/program/")
    assert programme.elections.count() == 2
    assert "Pilgub Jabar" in section.inner_text() and "Pilwalkot Bandung" in section.inner_text()
    assert _serious(page) == []

    page.get_by_role("navigation", name="Pengaturan program").get_by_role(
        "link", name="Tahapan"
    ).click()
    page.get_by_role("link", name="Tambah tahapan untuk beberapa pemilihan").click()
    # Both elections of the programme are ticked: the stage is typed once.
    assert page.get_by_label("Pilgub Jabar").is_checked()
    assert page.get_by_label("Pilwalkot Bandung").is_checked()
    page.get_by_label("Nama tahapan").fill("Masa tenang")
    page.get_by_label("Mulai").fill("2029-11-25")
    page.get_by_label("Selesai").fill("2029-11-27")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"{base}/program/tahapan/")
    assert page.get_by_role("cell", name="Masa tenang", exact=True).count() == 2
    assert Stage.objects.filter(name="Masa tenang", election__programme=programme).count() == 2
    assert _serious(page) == []
    # The workspace offers no way into Django's admin.
    page.goto(f"{base}/akun/")
    assert page.locator("a[href^='/admin']").count() == 0
