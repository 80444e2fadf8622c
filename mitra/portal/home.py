"""The home page: the countdown, news, the stage now and the next activities.

It is the same for every anonymous visitor of one language on one day (the countdown
changes at midnight in the site's time zone): its HTML is cached that long at most
HOME_CACHE_SECONDS, and dropped at once when an article, an activity, an approach or a
stage is saved or deleted (`connect`, called from `PortalConfig.ready`). Changes that send
no signal (bulk updates, a scheduled article reaching its time, an activity ending) show
within HOME_CACHE_SECONDS.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from mitra.core.links import absolute_url
from mitra.core.pagecache import personalise, render_shareable, shared_page_allowed
from mitra.elections.selectors import current_programme, programme_countdown
from mitra.offices.selectors import request_public_office
from mitra.portal.selectors import home_sections

HOME_CACHE_SECONDS = 30
HOME_VERSION_KEY = "core:home:version"
# The records the home page shows (activities show their approach; the office its
# branding in the header and footer).
HOME_MODELS = (
    "portal.Article",
    "activities.Activity",
    "activities.Approach",
    "elections.Stage",
    "offices.Office",
)


def home_cache_clear() -> None:
    """Drop every cached home page (all languages and days) by moving to a new version."""
    try:
        cache.incr(HOME_VERSION_KEY)
    except ValueError:
        cache.set(HOME_VERSION_KEY, 1, None)


def _changed(**_kwargs: Any) -> None:
    # Now, and again after the commit: a visitor may cache the old page in between.
    home_cache_clear()
    transaction.on_commit(home_cache_clear)


def connect() -> None:
    for sender in HOME_MODELS:
        post_save.connect(_changed, sender=sender, dispatch_uid=f"home-cache-save-{sender}")
        post_delete.connect(_changed, sender=sender, dispatch_uid=f"home-cache-delete-{sender}")


def _home_context(request: HttpRequest) -> dict[str, object]:
    office = request_public_office(request)
    programme = current_programme(office=office) if office else None
    countdown = programme_countdown(programme=programme) if programme else None
    context: dict[str, object] = {"office": office, "programme": programme, "countdown": countdown}
    if office is not None:
        context.update(home_sections(office=office, programme=programme))
        context["canonical"] = absolute_url("/", request=request)
    return context


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not shared_page_allowed(request):
        return render(request, "portal/home.html", _home_context(request))
    version = cache.get(HOME_VERSION_KEY, 0)
    key = f"core:home:{version}:{get_language()}:{timezone.localdate().isoformat()}"
    html = cache.get(key)
    if html is None:
        html = render_shareable(request, "portal/home.html", _home_context(request))
        cache.set(key, html, HOME_CACHE_SECONDS)
    return HttpResponse(personalise(request, html))
