"""The dashboard and its map in Chromium, with an axe accessibility check."""

from __future__ import annotations

from pathlib import Path

import pytest

from mitra.regions.services import boundaries_import
from tests.factories import PASSWORD


def _login(page, base: str, member) -> None:
    page.goto(f"{base}/akun/masuk/")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/akun/")


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_map_links_to_an_area_and_passes_axe(
    kecamatan_geojson, live_server, page, world, staff_member
):
    boundaries_import(raw=kecamatan_geojson)
    _login(page, live_server.url, staff_member)
    page.get_by_role("link", name="Dasbor cakupan").click()
    page.wait_for_url(f"{live_server.url}/analitik/")
    assert page.locator("[data-kpi=activities] .kpi-value").inner_text() == "3"
    assert page.locator("[data-kpi=reach] .kpi-value").inner_text() == "180"
    shapes = page.locator("figure.map svg path")
    assert shapes.count() == 30
    assert page.locator("figure.map svg text", has_text="tidak ada data").is_visible()  # legend
    assert _serious(page) == []
    page.locator('figure.map svg a[aria-label^="Sukasari:"]').click()
    page.wait_for_url(f"{live_server.url}/analitik/wilayah/32.73.01/")
    assert page.get_by_role("heading", name="Kecamatan Sukasari").is_visible()
    assert world.a1.title in page.content()
    assert _serious(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_summary_and_gaps_pass_axe(live_server, page, with_turnout, staff_member):
    page.goto(f"{live_server.url}/analitik/ringkasan/")
    assert page.get_by_role("heading", name="Capaian program sosialisasi").is_visible()
    assert _serious(page) == []
    _login(page, live_server.url, staff_member)
    page.goto(f"{live_server.url}/analitik/celah/?date_to=2024-10-26")
    assert "Coblong" in page.locator("ol.gaps").inner_text()
    assert _serious(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chart_downloads_as_png_made_in_the_browser(live_server, page, world, staff_member):
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Refused to" in msg.text else None,
    )
    _login(page, live_server.url, staff_member)
    page.goto(f"{live_server.url}/analitik/")
    figure = page.locator("figure.chart", has=page.locator("button[data-png='grafik-segment.png']"))
    button = figure.get_by_role("button", name="Unduh PNG")
    assert button.is_visible()  # shown by the script (hidden without JavaScript)
    assert figure.get_by_role("link", name="Unduh SVG").is_visible()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "grafik-segment.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # IHDR: twice the chart's viewBox width (a sharp image, not a 0×0 canvas)
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    view_box = figure.locator("svg").first.get_attribute("viewBox").split()
    assert (width, height) == (int(float(view_box[2])) * 2, int(float(view_box[3])) * 2)
    assert refused == []
