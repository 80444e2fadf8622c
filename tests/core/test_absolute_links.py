"""Absolute links follow the request's host in development (any port `make run` serves) and
use SITE_URL in production and in messages sent from the background."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from mitra.checkin.models import Registration
from mitra.notifications.audiences import absolute
from tests.checkin.factories import ActivityFactory, CheckinPointFactory
from tests.portal.factories import ArticleFactory, stored_png

pytestmark = pytest.mark.django_db

DEV_HOST = "127.0.0.1:18820"
SITE = "https://mitra.example.go.id"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE + "/"
    return settings


def _pages(client, office, staff_member, partner, django_capture_on_commit_callbacks):
    """Article (canonical, og:image, share links), timeline canonical, check-in page's public
    link, ticket link, invitation link and its mail, iCal URLs, robots sitemap line."""
    article = ArticleFactory(office=office, image=stored_png(), image_alt="Spanduk")
    activity = ActivityFactory(office=office, partner=partner, is_public=True)
    point = CheckinPointFactory(activity=activity, requires_registration=True, capacity=5)
    registration = Registration.objects.create(
        office=office, activity=activity, name="Warga", email="w@example.org", consent=True
    )
    host = {"HTTP_HOST": DEV_HOST}
    out = {
        "article": client.get(f"/berita/{article.slug}/", **host).content.decode(),
        "timeline": client.get(reverse("portal:timeline"), **host).content.decode(),
        "robots": client.get("/robots.txt", **host).content.decode(),
        # The ticket's QR code carries this link.
        "ticket": client.get(reverse("checkin:ticket", args=[registration.secret]), **host).context[
            "ticket_url"
        ],
    }
    client.force_login(staff_member.user)
    out["checkin"] = client.get(reverse("checkin:manage", args=[activity.pk]), **host).content
    out["checkin"] = out["checkin"].decode()
    assert point.token in out["checkin"]
    with django_capture_on_commit_callbacks(execute=True):
        invite = client.post(
            reverse("partners:invite", args=[partner.pk]), {"email": "koor@example.org"}, **host
        )
    out["invitation"] = invite.content.decode()
    out["mail"] = mail.outbox[-1].body
    return out


def test_development_links_follow_the_request_host(
    client, site, office, staff_member, partner, django_capture_on_commit_callbacks
):
    site.ABSOLUTE_URLS_FROM_REQUEST = True
    pages = _pages(client, office, staff_member, partner, django_capture_on_commit_callbacks)
    assert f'<link rel="canonical" href="http://{DEV_HOST}/berita/' in pages["article"]
    assert f'content="http://{DEV_HOST}/berita/' in pages["article"]  # og:url and og:image
    assert "http%3A%2F%2F127.0.0.1%3A18820%2Fberita%2F" in pages["article"]  # share links
    assert f'href="http://{DEV_HOST}/tahapan/"' in pages["timeline"]
    assert f"Sitemap: http://{DEV_HOST}/sitemap.xml" in pages["robots"]
    assert f"http://{DEV_HOST}/hadir/" in pages["checkin"]
    assert pages["ticket"].startswith(f"http://{DEV_HOST}/")
    assert f"http://{DEV_HOST}/mitra/undangan/" in pages["invitation"]
    assert f"http://{DEV_HOST}/mitra/undangan/" in pages["mail"]
    for text in pages.values():
        assert "127.0.0.1:8000" not in text and SITE not in text
    # Messages sent from background tasks have no request: SITE_URL.
    assert absolute("/cara-memilih/") == f"{SITE}/cara-memilih/"


def test_production_links_use_site_url_whatever_the_host_header(
    client, site, office, staff_member, partner, django_capture_on_commit_callbacks
):
    site.ABSOLUTE_URLS_FROM_REQUEST = False
    pages = _pages(client, office, staff_member, partner, django_capture_on_commit_callbacks)
    assert f'<link rel="canonical" href="{SITE}/berita/' in pages["article"]
    assert f"Sitemap: {SITE}/sitemap.xml" in pages["robots"]
    assert f"{SITE}/hadir/" in pages["checkin"]
    assert pages["ticket"].startswith(f"{SITE}/")
    assert f"{SITE}/mitra/undangan/" in pages["invitation"] and SITE in pages["mail"]
    for text in pages.values():
        assert DEV_HOST not in text
