"""A visitor on a 360 px phone registers on the activity page itself: one column, no
sideways scroll, the seats left go down, and axe finds no serious problem."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mitra.checkin.models import Registration, RegistrationStatus
from tests.checkin.factories import CheckinPointFactory
from tests.factories import PartnerFactory

from .factories import ActivityFactory
from .test_browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    """Load the URL configuration (every view module) before the page timeouts start: the
    live server shares this process, and on a busy machine the first load takes seconds."""
    reverse("portal:calendar")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_visitor_registers_on_the_activity_page_at_360_px(phone_page, live_server, programme):
    page = phone_page
    partner = PartnerFactory(office=programme.office, name="Karang Taruna Cibiru")
    activity = ActivityFactory(
        programme=programme,
        partner=partner,
        title="Kelas pemilih pemula di aula kelurahan Cibiru",
        venue="Aula Kelurahan Cibiru, Jalan Raya Cibiru nomor 123",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    CheckinPointFactory(activity=activity, requires_registration=True, capacity=1)
    page.goto(f"{live_server.url}/agenda/{activity.pk}/")
    _fits(page)
    assert page.get_by_text("Sisa 1 tempat dari 1.").is_visible()
    # one column: the registration box sits below the facts, not beside them
    facts = page.locator("dl.facts").bounding_box()
    box = page.locator(".register-box").bounding_box()
    assert box["y"] > facts["y"] + facts["height"] - 1 and box["width"] > 300
    assert_accessible(page)
    page.get_by_label("Nama (boleh tidak diisi)").fill("Siti")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Daftar").click()
    page.wait_for_url("**/hadir/tiket/**")
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    page.goto(f"{live_server.url}/agenda/{activity.pk}/")
    assert page.get_by_text("Sisa 0 tempat dari 1.").is_visible()
    assert page.get_by_role("button", name="Masuk daftar tunggu").is_visible()
    assert page.get_by_role("link", name="Tambah ke kalender (iCal)").is_visible()
    _fits(page)
    assert_accessible(page)
    # the organiser's name leads to the partner's own page
    page.get_by_role("link", name="Karang Taruna Cibiru").click()
    page.wait_for_url(f"**/direktori-mitra/{partner.pk}/")
    _fits(page)
    assert_accessible(page)


def test_month_view_fits_a_phone_and_is_accessible(phone_page, live_server, programme):
    page = phone_page
    today = timezone.localdate()
    ActivityFactory(
        programme=programme,
        title="Senam pemilih",
        starts_at=timezone.now().replace(day=min(today.day, 28)),
    )
    page.goto(f"{live_server.url}/agenda/bulan/")
    _fits(page)
    assert page.locator("table.month-grid tbody tr").count() >= 4
    assert_accessible(page)
    page.locator("a.day-count").first.click()
    assert page.get_by_role("link", name="Senam pemilih").is_visible()
