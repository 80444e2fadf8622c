"""The home page: the countdown, news, the stage now and the next activities.

It is the same for every anonymous visitor of one office's site, in one language, on one day
(the countdown changes at midnight in the site's time zone): its HTML is cached per office
that long at most HOME_CACHE_SECONDS, and dropped at once when an article, an activity, an
approach, a stage or the office is saved or deleted (`connect`, called from
`PortalConfig.ready`). A record drops its own office's pages and the pages that list the
offices below (`network.py`); a record without an office (a stage) drops every office's.
Changes that send no signal (bulk updates, a scheduled article reaching its time, an
activity ending) show within HOME_CACHE_SECONDS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from mitra.core.links import absolute_url
from mitra.core.pagecache import personalise, render_shareable, shared_page_allowed
from mitra.elections.selectors import current_programme, programme_countdown
from mitra.offices.hierarchy import office_children
from mitra.offices.models import Office
from mitra.offices.selectors import request_public_office, request_public_office_id
from mitra.offices.sites import SINGLE, office_url, sites_mode
from mitra.portal.selectors import home_sections

HOME_CACHE_SECONDS = 30
HOME_VERSION_KEY = "core:home:version"  # every office's pages
# The pages that list the offices below (`network.py`): any office's write drops them
# (no query to find the offices above; the national one is above every write anyway).
BELOW_VERSION_KEY = "core:home:below"
# The records the home page shows (activities show their approach; the office its
# branding in the header and footer).
HOME_MODELS = (
    "portal.Article",
    "activities.Activity",
    "activities.Approach",
    "elections.Stage",
    "offices.Office",
)


def _version_key(office_id: int) -> str:
    return f"{HOME_VERSION_KEY}:{office_id}"


def home_cache_clear(*, office_ids: Iterable[int] = ()) -> None:
    """Drop the cached home pages of these offices and every page of offices below (all
    languages and days); every office's pages when none is named."""
    keys = [_version_key(pk) for pk in office_ids]
    for key in [*keys, BELOW_VERSION_KEY] if keys else [HOME_VERSION_KEY]:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if sender is Office:
        office_id = instance.pk if "created" in kwargs else None  # deleted: every page
    else:
        office_id = getattr(instance, "office_id", None)  # a stage has none: every page
    office_ids = [office_id] if office_id else []
    # Now, and again after the commit: a visitor may cache the old page in between.
    home_cache_clear(office_ids=office_ids)
    transaction.on_commit(lambda: home_cache_clear(office_ids=office_ids))


def connect() -> None:
    for sender in HOME_MODELS:
        post_save.connect(_changed, sender=sender, dispatch_uid=f"home-cache-save-{sender}")
        post_delete.connect(_changed, sender=sender, dispatch_uid=f"home-cache-delete-{sender}")


def cached_office_page(
    request: HttpRequest,
    *,
    name: str,
    template: str,
    context: Callable[[], dict[str, Any]],
    lists_offices_below: bool = False,
) -> HttpResponse:
    """A public page the same for every anonymous visitor of the request's site (per
    language and day), rendered once until its office's pages are dropped (and, for a page
    listing the offices below, until any office writes): the cached copy costs no query
    (the office's id is a cache read)."""
    office_id = request_public_office_id(request)
    if office_id is None or not shared_page_allowed(request):
        return render(request, template, context())
    keys = [HOME_VERSION_KEY, _version_key(office_id)]
    if lists_offices_below:
        keys.append(BELOW_VERSION_KEY)
    versions = cache.get_many(keys)
    version = ".".join(str(versions.get(key, 0)) for key in keys)
    day = timezone.localdate().isoformat()
    key = f"core:{name}:{office_id}:{version}:{get_language()}:{day}"
    html = cache.get(key)
    if html is None:
        html = render_shareable(request, template, context())
        cache.set(key, html, HOME_CACHE_SECONDS)
    return HttpResponse(personalise(request, html))


def _home_context(request: HttpRequest) -> dict[str, object]:
    office = request_public_office(request)
    programme = current_programme(office=office) if office else None
    countdown = programme_countdown(programme=programme) if programme else None
    context: dict[str, object] = {"office": office, "programme": programme, "countdown": countdown}
    if office is not None:
        context.update(home_sections(office=office, programme=programme))
        context.update(_hierarchy_links(request, office))
        context["canonical"] = absolute_url(reverse("portal:home"), request=request)
    return context


def _hierarchy_links(request: HttpRequest, office: Office) -> dict[str, object]:
    """Where every office has a site: how many offices are below (their page lists them)
    and the site of the office above, so a visitor goes national → province → city and back."""
    if sites_mode() == SINGLE:
        return {}
    parent = office.parent
    return {
        "offices_below": office_children(office=office).count(),
        "parent_site": (
            (parent, office_url(office=parent, viewname="portal:home", request=request))
            if parent
            else None
        ),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return cached_office_page(
        request, name="home", template="portal/home.html", context=lambda: _home_context(request)
    )
