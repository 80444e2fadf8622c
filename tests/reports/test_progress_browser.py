"""In Chromium: the job page's progress bar polls until the file is ready and then offers
the download (axe finds nothing serious on the way)."""

from __future__ import annotations

import pytest

from mitra.reports import services
from mitra.reports.models import ReportJob, ReportKind
from tests.analytics.test_dashboard_browser import _login, _serious


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_progress_bar_reaches_the_download_link(live_server, page, media, staff_member, programme):
    job = ReportJob.objects.create(
        office=staff_member.office,
        kind=ReportKind.PROGRAMME_XLSX,
        key="browser",
        params={"language": "id"},
        requested_by=staff_member.user,
    )
    _login(page, live_server.url, staff_member)
    page.goto(f"{live_server.url}/laporan/berkas/{job.pk}/")
    bar = page.locator("progress#job-bar")
    assert bar.get_attribute("value") == "0"
    assert page.locator("[data-download]").count() == 0
    assert _serious(page) == []

    # The worker makes the file while the page is open; the page's polling picks it up.
    assert services.job_run(job_id=job.pk) == "done"
    link = page.locator("a[data-download]")
    link.wait_for(state="visible", timeout=10_000)
    assert bar.get_attribute("value") == "100"
    assert _serious(page) == []
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # From the form: without a broker the file is made before the page opens.
    page.goto(f"{live_server.url}/laporan/")
    page.get_by_label("Format").select_option("pdf")
    page.get_by_role("button", name="Buat laporan").click()
    page.locator("a[data-download]").wait_for(state="visible")
    assert page.locator("progress#job-bar").get_attribute("value") == "100"
