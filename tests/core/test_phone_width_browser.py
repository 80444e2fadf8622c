"""No page scrolls sideways on a 360 px phone: public, coordinator and staff pages alike.

The pages are every page without URL arguments in the project's URL configuration (so a
page added later is walked too) plus a detail page of each kind, on the demo programme with
Bandung's boundaries attached (maps drawn), for the visitor, a coordinator, staff and an
observer. A page fails when its document is wider than the screen; wide tables must scroll
inside their own box and charts must scale.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from mitra.activities.models import Activity
from mitra.partners.models import Partner
from mitra.regions.services import boundaries_import
from tests.conftest import BOUNDARIES

DEMO_PASSWORD = "MitraDemo2024!"
# Not pages a person reads: files, feeds, redirects, actions, the admin and the API.
SKIP_PREFIXES = (
    "admin/",
    "api/",
    "i18n/",
    "healthz",
    "sitemap",
    "robots",
    "berita/rss",
    "berita/atom",
)
# Fragments that pages load in place (HTMX), not pages of their own.
FRAGMENTS = ("/analitik/celah/mitra/", "/kegiatan/baru/kelurahan/")
SKIP_WORDS = (
    "webhook",
    "ekspor",
    "templat",
    "keluar",
    ".ics",
    ".svg",
    ".pdf",
    ".xlsx",
    "logo",
    "unduh",
)


def _argument_free_paths() -> list[str]:
    paths: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and "<" not in str(entry.pattern):
                paths.append("/" + prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "")
    return [
        p
        for p in dict.fromkeys(paths)
        if not p[1:].startswith(SKIP_PREFIXES)
        and p not in FRAGMENTS
        and not any(w in p for w in SKIP_WORDS)
    ]


def _too_wide(page, base: str, paths: list[str]) -> list[str]:
    wide = []
    for path in paths:
        if page.request.get(base + path, max_redirects=0).status == 405:
            continue  # an action that only takes posts, not a page
        response = page.goto(base + path)
        assert response is not None and response.status < 500, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide.append(f"{path} ({width} px)")
    return wide


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/akun/masuk/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/akun/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_at_360_px(live_server, browser):
    call_command("demo", verbosity=0)
    for name in ("bandung-kecamatan.geojson", "bandung-kelurahan.geojson"):
        boundaries_import(raw=(BOUNDARIES / name).read_bytes())
    base = live_server.url
    paths = _argument_free_paths()
    activity = Activity.objects.filter(status="verified").order_by("pk").first()
    partner = Partner.objects.order_by("pk").first()
    details = [
        f"/agenda/{activity.pk}/",
        f"/kegiatan/{activity.pk}/",
        f"/mitra/{partner.pk}/",
        f"/mitra/{partner.pk}/riwayat/",
        f"/direktori-mitra/{Partner.objects.filter(status='active').order_by('pk').first().pk}/",
        "/analitik/wilayah/32.73.01/",
    ]
    wide: list[str] = []
    for email in (
        None,
        "koordinator@demo.mitra.id",
        "staf@demo.mitra.id",
        "pemantau@demo.mitra.id",
    ):
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="id-ID"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        if email:
            _login(page, base, email)
            own = Partner.objects.filter(coordinators__user__email=email).first()
            extra = [f"/mitra/{own.pk}/"] if own else []
        else:
            extra = []
        wide += [
            f"{email or 'visitor'}: {w}" for w in _too_wide(page, base, paths + details + extra)
        ]
        context.close()
    assert not wide, "\n".join(wide)
