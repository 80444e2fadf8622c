"""The evaluation page in Chromium: the choropleth of the change and an axe check."""

from __future__ import annotations

from pathlib import Path

import pytest

from mitra.regions.services import boundaries_import
from tests.analytics.test_dashboard_browser import _login, _serious

ROOT = Path(__file__).resolve().parents[2]
# Bandung's kelurahan boundaries: shipped in the repository, else the project workspace's.
KELURAHAN = [
    ROOT / "mitra" / "regions" / "data" / "bandung-kelurahan.geojson",
    ROOT.parent / "shared" / "data" / "bandung-kelurahan.geojson",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_turnout_page_and_its_public_version_pass_axe(live_server, page, evaluated, staff_member):
    path = next((p for p in KELURAHAN if p.exists()), None)
    if path is None:
        pytest.skip("no kelurahan boundaries in this checkout")
    boundaries_import(raw=path.read_bytes())
    _login(page, live_server.url, staff_member)
    page.get_by_role("link", name="Evaluasi partisipasi").click()
    page.wait_for_url(f"{live_server.url}/evaluasi/")
    assert page.get_by_role(
        "heading", name="Apakah kegiatan berpengaruh pada partisipasi?"
    ).is_visible()
    assert page.locator("figure.map svg path").count() >= 40
    assert page.locator("p.verdict").inner_text().startswith("Diperkirakan")
    assert _serious(page) == []
    page.goto(f"{live_server.url}/evaluasi/publik/")
    assert page.locator("p.verdict").is_visible()
    assert _serious(page) == []
