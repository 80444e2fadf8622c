"""Every public page weighs under 50 KB transferred before images, and loads no HTMX.

A visitor (not signed in) opens every page without URL arguments that answers them
(pages that send them to the login form are not public) and a detail page of each public
kind, on the demo programme, in Chromium. The weight is what the browser received for the
page and everything it loaded except images: each response's headers and body as sent
(compressed where the server compressed it). The test server sends static files
uncompressed, unlike WhiteNoise in production, so the figure is an upper bound.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from mitra.activities.models import Activity
from mitra.portal.models import Article
from tests.core.test_phone_width_browser import _argument_free_paths

LIMIT_BYTES = 50 * 1024


def _weigh(page, url: str) -> tuple[int, int, list[str]]:
    """(status, bytes transferred for non-image resources, URLs of scripts loaded)."""
    finished: list = []

    def collect(request) -> None:
        finished.append(request)

    page.on("requestfinished", collect)
    response = page.goto(url, wait_until="load")
    page.remove_listener("requestfinished", collect)
    total = 0
    scripts = []
    for request in finished:
        if request.resource_type == "image":
            continue
        sizes = request.sizes()
        total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        if request.resource_type == "script":
            scripts.append(request.url)
    return (response.status if response else 0), total, scripts


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_stay_light_and_load_no_htmx(live_server, browser):
    call_command("demo", verbosity=0)
    base = live_server.url
    activity = Activity.objects.filter(status="verified", is_public=True).order_by("pk").first()
    article = Article.objects.visible().order_by("pk").first()
    paths = [*_argument_free_paths(), f"/agenda/{activity.pk}/", article.get_absolute_url()]
    heavy, with_htmx, weighed, weighed_sizes = [], [], [], []
    for path in paths:
        context = browser.new_context(locale="id-ID")  # an empty browser cache every time
        page = context.new_page()
        page.set_default_timeout(120_000)  # a busy CI machine: first imports are slow
        if page.request.get(base + path, max_redirects=0, timeout=120_000).status == 200:
            status, total, scripts = _weigh(page, base + path)
            if status == 200 and "/akun/masuk/" not in page.url:
                weighed.append(path)
                weighed_sizes.append((path, f"{total / 1024:.1f} KB"))
                if total >= LIMIT_BYTES:
                    heavy.append(f"{path}: {total / 1024:.1f} KB")
                if any("htmx" in s for s in scripts):
                    with_htmx.append(path)
        # else: a form's action, a redirect to the login page: not a public page
        context.close()
    assert "/" in weighed and f"/agenda/{activity.pk}/" in weighed and len(weighed) >= 8
    print("\n".join(f"{p}: {w}" for p, w in weighed_sizes))  # the figures, for the docs
    assert not heavy, "\n".join(heavy)
    assert not with_htmx, with_htmx


@pytest.mark.django_db
def test_visitors_html_is_compressed_and_signed_in_pages_are_not(client, staff_member):
    """BREACH: only pages without secrets in the body are compressed."""
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    client.force_login(staff_member.user)
    response = client.get("/kegiatan/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response
