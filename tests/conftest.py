"""Fixtures every app's tests share: regions, the office, users per role, a browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import (
    MembershipFactory,
    OfficeFactory,
    PartnerFactory,
    ProgrammeFactory,
    ensure_bandung_regions,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Bandung's boundaries, shipped with the project (mitra/regions/data, MIT-licensed).
BOUNDARIES = Path(__file__).resolve().parents[1] / "mitra" / "regions" / "data"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _fresh_cache_and_lockouts() -> Iterator[None]:
    """Cache (throttles, cached pages, view buffers) must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_server(settings) -> Iterator[object]:
    """The production cache settings, pointed at a redis-server of this test's own (a spare
    port; the test may kill and restart it by PID)."""
    from config.settings import redis_cache
    from tests.processes import RedisServer

    with RedisServer() as server:
        settings.REDIS_URL = server.url
        settings.CACHES = {"default": redis_cache(server.url)}
        settings.API_TOKEN_CACHE_SECONDS = 60
        settings.ANALYTICS_CACHE_SECONDS = 600
        yield server


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a fresh folder for this test (a new dict: never mutate settings in place)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def kecamatan_geojson() -> bytes:
    """Bandung's 30 kecamatan boundaries (GeoJSON bytes) as the project ships them."""
    return (BOUNDARIES / "bandung-kecamatan.geojson").read_bytes()


@pytest.fixture
def bandung(db):
    return ensure_bandung_regions()


@pytest.fixture
def office(bandung):
    return OfficeFactory(region=bandung)


@pytest.fixture
def programme(office):
    return ProgrammeFactory(office=office)


@pytest.fixture
def admin_member(office):
    return MembershipFactory(office=office, role="admin")


@pytest.fixture
def staff_member(office):
    return MembershipFactory(office=office, role="staff")


@pytest.fixture
def observer_member(office):
    return MembershipFactory(office=office, role="observer")


@pytest.fixture
def partner(office):
    return PartnerFactory(office=office)


@pytest.fixture
def coordinator_member(partner):
    return MembershipFactory(office=partner.office, role="coordinator", partner=partner)


def login(client, membership) -> None:
    client.force_login(membership.user)


# --- Browser (Playwright driving Debian's Chromium) -------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser) -> Iterator[object]:
    """A 360 px-wide phone screen with touch, as partner coordinators use."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
